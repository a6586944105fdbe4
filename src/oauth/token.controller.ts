import { Controller, Header, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/public.decorator';
import { DoceboOAuthClient, DoceboOAuthError } from '../docebo';
import { CurrentTenant, type Tenant } from '../tenancy';
import { AuthorizationService, s256 } from './authorization.service';
import { ClientAuthenticator } from './client-auth';
import { GrantService, type TokenResponse } from './grant.service';
import {
  invalidGrant,
  invalidRequest,
  invalidTarget,
  temporarilyUnavailable,
  unsupportedGrantType,
} from './oauth.errors';
import { RateLimit, RateLimitGuard } from './rate-limit.guard';
import { redirectUriMatches, resourceMatches } from './redirect-uri';

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** Reads a single-valued string parameter of a form body. */
function param(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (Array.isArray(value)) throw invalidRequest(`The parameter ${name} must appear once.`);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** POST /oauth2/token (RFC 6749 §3.2) and POST /oauth2/revoke (RFC 7009). Responses are never cached. */
@Public()
@UseGuards(RateLimitGuard)
@Controller('oauth2')
export class TokenController {
  constructor(
    private readonly clientAuth: ClientAuthenticator,
    private readonly authorization: AuthorizationService,
    private readonly grants: GrantService,
    private readonly doceboOAuth: DoceboOAuthClient,
  ) {}

  @Post('token')
  @HttpCode(200)
  @RateLimit('token')
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async token(
    @CurrentTenant() tenant: Tenant,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenResponse | string> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (tenant.config.oauth.mode === 'direct') return this.relay(tenant, req, res, body);
    const grantType = param(body, 'grant_type');
    if (!grantType) throw invalidRequest('grant_type is required.');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      throw unsupportedGrantType(
        `grant_type ${grantType} is not supported; use authorization_code or refresh_token.`,
      );
    }
    const client = await this.clientAuth.authenticate(tenant, req, body);
    if (grantType === 'refresh_token') {
      const refreshToken = param(body, 'refresh_token');
      if (!refreshToken) throw invalidRequest('refresh_token is required.');
      return this.grants.refresh(tenant, client, refreshToken, param(body, 'scope'), param(body, 'resource'));
    }

    const code = param(body, 'code');
    const verifier = param(body, 'code_verifier');
    if (!code) throw invalidRequest('code is required.');
    if (!verifier) throw invalidRequest('code_verifier is required (PKCE).');
    if (!VERIFIER.test(verifier))
      throw invalidRequest('code_verifier must be 43 to 128 unreserved characters.');
    const grant = await this.authorization.redeemCode(tenant, code);
    if (!grant) {
      await this.grants.revokeForReplayedCode(tenant, code);
      throw invalidGrant('The authorization code is invalid, expired or already used.');
    }
    // The code is spent from here on, whatever the outcome: a stolen code gets one try.
    if (grant.clientId !== client.clientId)
      throw invalidGrant('The authorization code was issued to another client.');
    const redirectUri = param(body, 'redirect_uri');
    if (
      redirectUri !== undefined &&
      redirectUri !== grant.redirectUri &&
      !redirectUriMatches(grant.redirectUri, redirectUri)
    ) {
      throw invalidGrant('redirect_uri differs from the one in the authorization request.');
    }
    if (s256(verifier) !== grant.codeChallenge)
      throw invalidGrant('The code_verifier does not match the code_challenge.');
    const resource = param(body, 'resource');
    if (resource !== undefined && !resourceMatches(resource, grant.resource))
      throw invalidTarget(`The code was issued for ${grant.resource}.`);
    return this.grants.issueForCode(tenant, grant, code);
  }

  @Post('revoke')
  @HttpCode(200)
  @RateLimit('token')
  @Header('Cache-Control', 'no-store')
  async revoke(@CurrentTenant() tenant: Tenant, @Req() req: Request): Promise<void> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (tenant.config.oauth.mode === 'direct')
      throw invalidRequest('This tenant uses Docebo tokens directly; they cannot be revoked here.');
    const client = await this.clientAuth.authenticate(tenant, req, body);
    const token = param(body, 'token');
    if (!token) throw invalidRequest('token is required.');
    await this.grants.revoke(tenant, client, token, param(body, 'token_type_hint'));
  }

  /**
   * Direct mode: forward the client's grant to Docebo unchanged (adding the tenant's client secret when the client
   * uses the tenant's Docebo client id and configuration allows), and return Docebo's answer unchanged.
   */
  private async relay(
    tenant: Tenant,
    req: Request,
    res: Response,
    body: Record<string, unknown>,
  ): Promise<string> {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form.set(k, v);
    const { clientId, clientSecret } = tenant.config.docebo;
    if (
      tenant.config.oauth.directAddsClientSecret &&
      form.get('client_id') === clientId &&
      !form.has('client_secret') &&
      !req.headers.authorization
    ) {
      form.set('client_secret', clientSecret);
    }
    try {
      const answer = await this.doceboOAuth.relay(tenant, form);
      res.status(answer.status).type(answer.contentType);
      return answer.body;
    } catch (e) {
      if (e instanceof DoceboOAuthError)
        throw temporarilyUnavailable('Docebo is not answering; try again shortly.');
      throw e;
    }
  }
}
