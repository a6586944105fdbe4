import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-http-bearer';
import { toDoceboLevel, type SessionUser } from '../docebo';
import type { Tenant } from '../tenancy';
import { RevocationService } from '../tokens/revocation.service';
import { TokenService } from '../tokens/token.service';
import { TokenError } from '../tokens/token.types';
import { InvalidTokenError } from './auth.errors';
import { DoceboIntrospection } from './docebo-introspection.service';
import { LongSessions } from './long-sessions.service';
import type { Principal } from './principal';
import { RESOURCE_SCOPES } from './scopes';

const TOKEN_FAILURES: Record<string, string> = {
  expired: 'The access token has expired.',
  wrong_tenant: 'The access token was issued for another resource.',
  unknown_key: 'The access token was encrypted with a key this server no longer has.',
  wrong_type: 'This is not an access token.',
  revoked: 'The access token was revoked.',
};

/** In direct mode the bearer is Docebo's own token; its expiry is unknown, so the principal says one hour. */
const DIRECT_MODE_CLIENT = 'docebo-direct';

/**
 * Verifies bearer tokens (passport-http-bearer): in proxy mode a gateway token (decrypted and checked by
 * TokenService, then the revocation list), in direct mode a raw Docebo token; in both the Docebo token is
 * introspected (cached). Failures throw InvalidTokenError (401) or IntrospectionUnavailableError (503).
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(
    private readonly tokens: TokenService,
    private readonly revocations: RevocationService,
    private readonly introspection: DoceboIntrospection,
    private readonly longSessions: LongSessions,
  ) {
    super({ passReqToCallback: true });
  }

  async validate(req: Request, token: string): Promise<Principal> {
    const tenant = req.tenant;
    if (!tenant) throw new InvalidTokenError('This route is not served for a tenant.');
    if (tenant.config.oauth.mode === 'direct') {
      const user = await this.introspection.user(tenant, token);
      return principal(
        tenant,
        user,
        DIRECT_MODE_CLIENT,
        [...RESOURCE_SCOPES],
        Math.floor(Date.now() / 1000) + 3600,
        token,
      );
    }
    const audience = { tenant: tenant.id, issuer: tenant.urls.issuer, audience: tenant.urls.mcp };
    let claims;
    try {
      claims = await this.tokens.verifyAccessToken(audience, token);
    } catch (e) {
      if (e instanceof TokenError)
        throw new InvalidTokenError(TOKEN_FAILURES[e.reason] ?? 'The access token is not valid.');
      throw e;
    }
    if (await this.revocations.isRevoked({ jti: claims.jti, grantId: claims.grantId })) {
      throw new InvalidTokenError(TOKEN_FAILURES.revoked);
    }
    const docebo = await this.longSessions.doceboAccess(tenant, claims);
    const user = await this.introspection.user(tenant, docebo.token, docebo.expiresAt);
    if (String(user.id) !== claims.sub)
      throw new InvalidTokenError('The Docebo session belongs to another user.');
    return principal(tenant, user, claims.clientId, claims.scopes, claims.exp, docebo.token);
  }
}

function principal(
  tenant: Tenant,
  user: SessionUser,
  clientId: string,
  scopes: readonly string[],
  expiresAt: number,
  doceboToken: string,
): Principal {
  const displayName = [user.firstname, user.lastname].filter(Boolean).join(' ') || user.username;
  return {
    tenant,
    userId: user.id,
    username: user.username,
    displayName,
    level: toDoceboLevel(user.user_level),
    clientId,
    scopes,
    expiresAt,
    doceboToken,
    profile: user,
  };
}
