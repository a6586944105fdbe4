import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { OFFLINE_ACCESS } from '../auth/scopes';
import { DoceboOAuthClient, DoceboOAuthError, type DoceboTokenSet } from '../docebo';
import { STATE_STORE, type StateStore } from '../state/state-store';
import type { Tenant } from '../tenancy';
import { GrantStore, type GrantState } from '../tokens/grant-store';
import { RevocationService } from '../tokens/revocation.service';
import { TokenService } from '../tokens/token.service';
import { TokenError, type RefreshTokenClaims, type TokenAudience } from '../tokens/token.types';
import { digest, type CodeGrant } from './authorization.service';
import type { OAuthClient } from './client-registry.service';
import { invalidGrant, invalidScope, invalidTarget, temporarilyUnavailable } from './oauth.errors';
import { resourceMatches } from './redirect-uri';

/** The token endpoint's success body (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

interface GrantSubject {
  readonly userId: string;
  readonly clientId: string;
  /** What this access token may do (a refresh may ask for less). */
  readonly scopes: readonly string[];
  /** What the user granted: refresh tokens keep it, so a narrowed refresh can widen back later (RFC 6749 §6). */
  readonly grantScopes: readonly string[];
  readonly resource: string;
  readonly grantId: string;
}

/** How long a refresh waits for a concurrent refresh of the same grant to finish. */
const LOCK_WAIT_MS = 10_000;

export const audienceOf = (tenant: Tenant): TokenAudience => ({
  tenant: tenant.id,
  issuer: tenant.urls.issuer,
  audience: tenant.urls.mcp,
});

/**
 * Issues gateway tokens for grants: from an authorization code, by refresh (rotation with a grace window,
 * reuse after it revokes the grant, upstream refresh of the Docebo token), and revokes them (RFC 7009).
 */
@Injectable()
export class GrantService {
  private readonly logger = new Logger(GrantService.name);

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly tokens: TokenService,
    private readonly revocations: RevocationService,
    private readonly grants: GrantStore,
    private readonly doceboOAuth: DoceboOAuthClient,
  ) {}

  /**
   * First tokens of a new grant, from a redeemed authorization code. The code is remembered for a while with the
   * grant it produced, so that a replay of it revokes that grant (RFC 6749 §4.1.2).
   */
  async issueForCode(tenant: Tenant, grant: CodeGrant, code: string): Promise<TokenResponse> {
    const grantId = randomBytes(16).toString('base64url');
    const state: GrantState = { generation: 0, rotatedAt: Date.now(), docebo: grant.docebo };
    await this.saveState(tenant, grantId, state);
    await this.store.set(`used-code:${tenant.id}:${digest(code)}`, grantId, 10 * 60_000);
    const subject = {
      userId: grant.userId,
      clientId: grant.clientId,
      scopes: grant.scopes,
      grantScopes: grant.scopes,
      resource: grant.resource,
      grantId,
    };
    return this.mint(tenant, subject, state);
  }

  /** A replayed code: revoke the grant it produced, if it produced one. */
  async revokeForReplayedCode(tenant: Tenant, code: string): Promise<void> {
    const grantId = await this.store.get(`used-code:${tenant.id}:${digest(code)}`);
    if (grantId) await this.revokeGrant(tenant, grantId);
  }

  /**
   * Refresh (RFC 6749 §6) with rotation. Presenting the current generation refreshes Docebo and issues the next
   * generation; presenting the previous one within `refreshGrace` of the rotation (a client refreshing twice at
   * once) gets tokens of the current generation; anything older revokes the whole grant.
   */
  async refresh(
    tenant: Tenant,
    client: OAuthClient,
    refreshToken: string,
    scope?: string,
    resource?: string,
  ): Promise<TokenResponse> {
    const claims = await this.verifyRefresh(tenant, refreshToken);
    if (claims.clientId !== client.clientId)
      throw invalidGrant('The refresh token was issued to another client.');
    if (resource !== undefined && !resourceMatches(resource, claims.resource)) {
      throw invalidTarget(`The refresh token is for ${claims.resource}.`);
    }
    // offline_access is accepted and meaningless here (refresh tokens are always issued); no scope means all granted.
    const asked = (scope ?? '').split(' ').filter((s) => s && s !== OFFLINE_ACCESS);
    const scopes = asked.length ? asked : claims.scopes;
    if (!scopes.every((s) => claims.scopes.includes(s)))
      throw invalidScope('A refresh cannot add scopes the grant does not have.');
    if (await this.revocations.isRevoked({ jti: claims.jti, grantId: claims.grantId })) {
      throw invalidGrant('The grant was revoked; sign in again.');
    }
    const subject: GrantSubject = {
      userId: claims.sub,
      clientId: claims.clientId,
      scopes,
      grantScopes: claims.scopes,
      resource: claims.resource,
      grantId: claims.grantId,
    };
    const { refreshGrace } = tenant.config.oauth;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      const state = await this.loadState(tenant, claims.grantId);
      // A state store that lost the grant (a restarted memory store) must not log the user out: the token itself
      // carries the Docebo refresh token, so the presented generation is taken as current.
      const current = Math.max(state?.generation ?? claims.generation, claims.generation);
      if (claims.generation === current) {
        if (await this.grants.lock(tenant.id, claims.grantId)) {
          try {
            const fresh = await this.loadState(tenant, claims.grantId);
            if (!fresh || fresh.generation === current)
              return await this.rotate(tenant, subject, claims, current, fresh);
          } finally {
            await this.grants.unlock(tenant.id, claims.grantId);
          }
          continue; // someone rotated between our read and our lock: decide again
        }
      } else if (state && claims.generation === current - 1 && Date.now() - state.rotatedAt <= refreshGrace) {
        return this.mint(tenant, subject, state);
      } else {
        this.logger.warn(
          `Refresh token reuse after rotation for tenant ${tenant.id}, client ${claims.clientId}: revoking the grant`,
        );
        await this.revokeGrant(tenant, claims.grantId);
        throw invalidGrant('The refresh token was already used; the grant is revoked. Sign in again.');
      }
      if (Date.now() > deadline)
        throw temporarilyUnavailable('Another refresh of this grant is still running; try again.');
      await sleep(50);
    }
  }

  /** RFC 7009: a refresh token revokes its grant; an access token its own id. Unknown tokens are ignored. */
  async revoke(tenant: Tenant, client: OAuthClient, token: string, hint?: string): Promise<void> {
    const audience = audienceOf(tenant);
    const asRefresh = () =>
      this.tokens.verifyRefreshToken(audience, token).then((c) => ({ kind: 'refresh' as const, c }));
    const asAccess = () =>
      this.tokens.verifyAccessToken(audience, token).then((c) => ({ kind: 'access' as const, c }));
    const attempts = hint === 'access_token' ? [asAccess, asRefresh] : [asRefresh, asAccess];
    for (const attempt of attempts) {
      const found = await attempt().catch(() => undefined);
      if (!found) continue;
      if (found.c.clientId !== client.clientId) return; // not this client's token: nothing to do, nothing to reveal
      if (found.kind === 'refresh') await this.revokeGrant(tenant, found.c.grantId);
      else await this.revocations.revokeToken(found.c.jti, found.c.exp);
      return;
    }
  }

  private async rotate(
    tenant: Tenant,
    subject: GrantSubject,
    claims: RefreshTokenClaims,
    current: number,
    state: GrantState | undefined,
  ): Promise<TokenResponse> {
    // The stored set is the newest: with long sessions the guard may have refreshed (and rotated) Docebo's token.
    const doceboRefreshToken = state?.docebo.refreshToken ?? claims.doceboRefreshToken;
    if (!doceboRefreshToken)
      throw invalidGrant('Docebo issued no refresh token for this grant; sign in again.');
    let docebo: DoceboTokenSet;
    try {
      docebo = await this.doceboOAuth.refresh(tenant, doceboRefreshToken);
    } catch (e) {
      if (e instanceof DoceboOAuthError && e.kind === 'unavailable') {
        throw temporarilyUnavailable(
          'Docebo is not answering; the refresh token is still valid, try again shortly.',
        );
      }
      if (e instanceof DoceboOAuthError)
        throw invalidGrant('Docebo no longer accepts this sign-in; sign in again.');
      throw e;
    }
    const next: GrantState = {
      generation: current + 1,
      rotatedAt: Date.now(),
      // Docebo may not rotate its refresh token: keep the old one when it sends none.
      docebo: { ...docebo, refreshToken: docebo.refreshToken ?? doceboRefreshToken },
    };
    await this.saveState(tenant, subject.grantId, next);
    return this.mint(tenant, subject, next);
  }

  private async mint(tenant: Tenant, subject: GrantSubject, state: GrantState): Promise<TokenResponse> {
    const audience = audienceOf(tenant);
    const { accessTokenTtl, refreshTokenTtl, longSessions } = tenant.config.oauth;
    const common = {
      tenant: tenant.id,
      sub: subject.userId,
      clientId: subject.clientId,
      grantId: subject.grantId,
    };
    const access = await this.tokens.mintAccessToken(
      audience,
      {
        ...common,
        scopes: [...subject.scopes],
        doceboToken: state.docebo.accessToken,
        doceboExpiresAt: state.docebo.expiresAt,
      },
      { ttlSeconds: Math.floor(accessTokenTtl / 1000), allowBeyondDocebo: longSessions },
    );
    const refresh = await this.tokens.mintRefreshToken(
      audience,
      {
        ...common,
        scopes: [...subject.grantScopes],
        generation: state.generation,
        doceboRefreshToken: state.docebo.refreshToken,
        resource: subject.resource,
      },
      Math.floor(refreshTokenTtl / 1000),
    );
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      refresh_token: refresh.token,
      scope: subject.scopes.join(' '),
    };
  }

  private async verifyRefresh(tenant: Tenant, token: string): Promise<RefreshTokenClaims> {
    try {
      return await this.tokens.verifyRefreshToken(audienceOf(tenant), token);
    } catch (e) {
      if (e instanceof TokenError) throw invalidGrant(refreshFailure(e));
      throw e;
    }
  }

  private async revokeGrant(tenant: Tenant, grantId: string): Promise<void> {
    await this.revocations.revokeGrant(grantId, tenant.config.oauth.refreshTokenTtl);
    await this.grants.delete(tenant.id, grantId);
  }

  private loadState(tenant: Tenant, grantId: string): Promise<GrantState | undefined> {
    return this.grants.load(tenant.id, grantId);
  }

  private saveState(tenant: Tenant, grantId: string, state: GrantState): Promise<void> {
    return this.grants.save(tenant.id, grantId, state, tenant.config.oauth.refreshTokenTtl);
  }
}

function refreshFailure(e: TokenError): string {
  switch (e.reason) {
    case 'expired':
      return 'The refresh token has expired; sign in again.';
    case 'wrong_tenant':
      return 'The refresh token was issued for another server or tenant.';
    case 'unknown_key':
      return 'The refresh token was signed with a key this server no longer has; sign in again.';
    default:
      return 'The refresh token is not valid.';
  }
}
