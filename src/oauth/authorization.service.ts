import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { grantableScopes } from '../auth/scopes';
import { InjectConfig, type GatewayConfigNamespace } from '../config';
import {
  DoceboClient,
  DoceboEndpoints,
  DoceboOAuthClient,
  DoceboOAuthError,
  type DoceboTokenSet,
} from '../docebo';
import { STATE_STORE, type StateStore } from '../state/state-store';
import type { Tenant } from '../tenancy';
import { TokenService } from '../tokens/token.service';
import { CimdError } from './cimd.fetcher';
import { ClientRegistry, type OAuthClient } from './client-registry.service';
import { redirectUriMatches, resourceMatches } from './redirect-uri';

/** A validated authorization request, waiting for consent and then for Docebo. */
export interface AuthorizationRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  /** The client's own state, echoed back unchanged (absent when the client sent none). */
  readonly state?: string;
  readonly scopes: string[];
  readonly codeChallenge: string;
  /** The resource the tokens will be for: always this tenant's MCP URL. */
  readonly resource: string;
}

/** What a gateway authorization code stands for; kept sealed in the state store for 60 s. */
export interface CodeGrant extends AuthorizationRequest {
  readonly userId: string;
  readonly docebo: DoceboTokenSet;
}

/** How /oauth2/authorize ends: an error page (redirect URI not trusted), an error redirect, or a valid request. */
export type AuthorizeOutcome =
  | { kind: 'error-page'; status: number; error: string; description: string }
  | { kind: 'error-redirect'; location: string }
  | { kind: 'valid'; client: OAuthClient; request: AuthorizationRequest };

const CONSENT_TTL_MS = 10 * 60_000;
const UPSTREAM_TTL_MS = 10 * 60_000;
const CODE_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;

const requestSchema = z.object({
  clientId: z.string(),
  redirectUri: z.string(),
  state: z.string().optional(),
  scopes: z.array(z.string()),
  codeChallenge: z.string(),
  resource: z.string(),
});
const consentTransaction = z.object({ request: requestSchema, csrf: z.string(), browser: z.string() });
const upstreamTransaction = z.object({ request: requestSchema, browser: z.string(), verifier: z.string() });

const random = (bytes = 32) => randomBytes(bytes).toString('base64url');
/** SHA-256, base64url: how codes, states and browser ids are stored (never in the clear). */
export const digest = (value: string) => createHash('sha256').update(value).digest('base64url');
/** PKCE's S256 transform (RFC 7636 §4.2) is exactly this digest. */
export const s256 = digest;

/** Appends OAuth response parameters to a redirect URI, keeping its own query. */
export function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}

/**
 * The authorization-code flow in front of Docebo (architecture §1.1): validating /authorize, the consent
 * transaction, the upstream leg to Docebo with the gateway's own state and PKCE, the callback, and the gateway's
 * single-use authorization codes. Every transaction is single-use, short-lived and bound to the browser that
 * started it (a hash of its browser cookie).
 */
@Injectable()
export class AuthorizationService {
  private readonly logger = new Logger(AuthorizationService.name);
  private readonly codeTtl: number;

  constructor(
    @InjectConfig() { config }: GatewayConfigNamespace,
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly clients: ClientRegistry,
    private readonly tokens: TokenService,
    private readonly doceboOAuth: DoceboOAuthClient,
    private readonly docebo: DoceboClient,
    private readonly endpoints: DoceboEndpoints,
  ) {
    this.codeTtl = config.oauth.codeTtl;
  }

  /** Validates an authorization request (RFC 6749 §4.1.1 with OAuth 2.1's PKCE and RFC 8707's resource). */
  async validate(tenant: Tenant, q: Record<string, unknown>): Promise<AuthorizeOutcome> {
    const param = (name: string) => (typeof q[name] === 'string' ? (q[name] as string) : undefined);
    const pageError = (description: string, error = 'invalid_request', status = 400): AuthorizeOutcome => ({
      kind: 'error-page',
      status,
      error,
      description,
    });
    for (const [name, value] of Object.entries(q)) {
      if (Array.isArray(value)) return pageError(`The parameter ${name} must appear once.`);
    }
    const clientId = param('client_id');
    if (!clientId) return pageError('The request has no client_id.');
    let client: OAuthClient | undefined;
    try {
      client = await this.clients.find(tenant, clientId);
    } catch (e) {
      if (e instanceof CimdError) return pageError(e.message, 'invalid_client');
      throw e;
    }
    if (!client)
      return pageError(
        'This client is not registered with this server; the application must register again.',
        'invalid_client',
      );

    const requested = param('redirect_uri');
    let redirectUri: string;
    if (requested === undefined) {
      if (client.redirectUris.length !== 1)
        return pageError('The request has no redirect_uri, and the client registered several.');
      redirectUri = client.redirectUris[0];
    } else if (client.redirectUris.some((registered) => redirectUriMatches(registered, requested))) {
      redirectUri = requested;
    } else {
      return pageError('The redirect_uri is not one this client registered.');
    }

    // From here on the redirect URI is trusted: errors go back to the client.
    const state = param('state');
    const fail = (error: string, description: string): AuthorizeOutcome => ({
      kind: 'error-redirect',
      location: withParams(redirectUri, {
        error,
        error_description: description,
        state,
        iss: tenant.urls.issuer,
      }),
    });
    if (param('response_type') !== 'code')
      return fail('unsupported_response_type', 'Only response_type=code is supported.');
    const challenge = param('code_challenge');
    if (!challenge)
      return fail(
        'invalid_request',
        'PKCE is required: send code_challenge with code_challenge_method=S256.',
      );
    if (param('code_challenge_method') !== 'S256')
      return fail('invalid_request', 'code_challenge_method must be S256.');
    if (!CODE_CHALLENGE.test(challenge))
      return fail('invalid_request', 'code_challenge is not a valid S256 challenge.');
    const resource = param('resource');
    if (resource !== undefined && !resourceMatches(resource, tenant.urls.mcp)) {
      return fail('invalid_target', `This server only issues tokens for ${tenant.urls.mcp}.`);
    }
    return {
      kind: 'valid',
      client,
      request: {
        clientId: client.clientId,
        redirectUri,
        state,
        scopes: grantableScopes(param('scope')),
        codeChallenge: challenge,
        resource: tenant.urls.mcp,
      },
    };
  }

  /** A consent form for one page load, bound to this browser; several tabs never invalidate each other. */
  async openConsent(
    tenant: Tenant,
    request: AuthorizationRequest,
    browserId: string,
  ): Promise<{ transaction: string; csrf: string }> {
    const transaction = random(24);
    const csrf = random(24);
    const value = JSON.stringify({ request, csrf, browser: digest(browserId) });
    await this.store.set(`consent:${tenant.id}:${transaction}`, value, CONSENT_TTL_MS);
    return { transaction, csrf };
  }

  /**
   * Takes the consent transaction (single use); undefined when it is unknown, expired, used, or was opened in
   * another browser or with another CSRF token.
   */
  async takeConsent(
    tenant: Tenant,
    transaction: string,
    csrf: string,
    browserId: string | undefined,
  ): Promise<AuthorizationRequest | undefined> {
    if (!transaction || !browserId) return undefined;
    const key = `consent:${tenant.id}:${transaction}`;
    const raw = await this.store.get(key);
    const parsed = raw ? consentTransaction.safeParse(JSON.parse(raw)) : undefined;
    if (!parsed?.success || parsed.data.csrf !== csrf || parsed.data.browser !== digest(browserId))
      return undefined;
    return (await this.store.take(key)) ? parsed.data.request : undefined;
  }

  /**
   * Starts the upstream leg after consent: a fresh random state (single use, 10 minutes, bound to this browser)
   * and the gateway's own PKCE pair, then the URL of Docebo's login.
   */
  async startUpstream(tenant: Tenant, request: AuthorizationRequest, browserId: string): Promise<string> {
    const state = random();
    const verifier = random(48);
    const transaction = { request, browser: digest(browserId), verifier };
    const sealed = await this.tokens.seal('upstream', transaction, UPSTREAM_TTL_MS / 1000);
    await this.store.set(`upstream:${tenant.id}:${state}`, sealed, UPSTREAM_TTL_MS);
    const { clientId, scope } = tenant.config.docebo;
    return withParams(this.endpoints.for(tenant).authorizeUrl, {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: tenant.urls.callback,
      state,
      scope: scope || undefined,
      code_challenge: s256(verifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * Docebo's redirect back. Returns where to send the browser: the client's redirect URI with a gateway code (or
   * an OAuth error), or an error page when the state is unknown, used, expired or from another browser.
   */
  async completeCallback(
    tenant: Tenant,
    q: Record<string, unknown>,
    browserId: string | undefined,
  ): Promise<
    { kind: 'redirect'; location: string } | { kind: 'error-page'; status: number; description: string }
  > {
    const state = typeof q.state === 'string' ? q.state : '';
    const sealed = state ? await this.store.take(`upstream:${tenant.id}:${state}`) : undefined;
    // Unknown, used, expired, or sealed with a key this replica no longer holds: the sign-in cannot continue.
    const tx = sealed
      ? await this.tokens.unseal('upstream', sealed).then(
          (v) => upstreamTransaction.safeParse(v).data,
          () => undefined,
        )
      : undefined;
    if (!tx) {
      return {
        kind: 'error-page',
        status: 400,
        description: 'This sign-in has expired or was already completed. Start again from your application.',
      };
    }
    if (!browserId || tx.browser !== digest(browserId)) {
      return {
        kind: 'error-page',
        status: 403,
        description: 'This sign-in was started in another browser. Start again from your application.',
      };
    }
    const { request } = tx;
    const back = (params: Record<string, string | undefined>) => ({
      kind: 'redirect' as const,
      location: withParams(request.redirectUri, { ...params, state: request.state, iss: tenant.urls.issuer }),
    });
    if (typeof q.error === 'string') {
      const denied = q.error === 'access_denied';
      return back({
        error: denied ? 'access_denied' : 'server_error',
        error_description: denied
          ? 'The sign-in at Docebo was cancelled.'
          : 'Docebo could not complete the sign-in.',
      });
    }
    if (typeof q.code !== 'string' || !q.code)
      return back({ error: 'server_error', error_description: 'Docebo returned no authorization code.' });

    let docebo: DoceboTokenSet;
    let userId: string;
    try {
      docebo = await this.doceboOAuth.exchangeCode(tenant, q.code, tenant.urls.callback, tx.verifier);
      userId = String((await this.docebo.as(tenant, docebo.accessToken).session()).id);
    } catch (e) {
      const unavailable =
        e instanceof DoceboOAuthError
          ? e.kind === 'unavailable'
          : (e as { retryable?: boolean }).retryable === true;
      this.logger.warn(`Completing a Docebo sign-in failed for tenant ${tenant.id}: ${(e as Error).message}`);
      return back(
        unavailable
          ? {
              error: 'temporarily_unavailable',
              error_description: 'Docebo is not answering; try again shortly.',
            }
          : { error: 'server_error', error_description: 'Docebo did not accept the sign-in.' },
      );
    }
    const code = random();
    const grant: CodeGrant = { ...request, userId, docebo };
    const sealedGrant = await this.tokens.seal('code', grant, Math.ceil(this.codeTtl / 1000));
    await this.store.set(`code:${tenant.id}:${digest(code)}`, sealedGrant, this.codeTtl);
    return back({ code });
  }

  /** Redeems a gateway authorization code: single use; undefined when unknown, expired or already used. */
  async redeemCode(tenant: Tenant, code: string): Promise<CodeGrant | undefined> {
    const sealed = await this.store.take(`code:${tenant.id}:${digest(code)}`);
    if (!sealed) return undefined;
    try {
      return await this.tokens.unseal<CodeGrant>('code', sealed);
    } catch {
      return undefined; // sealed with a key this replica no longer has, or past its sealed expiry
    }
  }
}
