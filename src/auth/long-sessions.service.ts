import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DoceboOAuthClient, DoceboOAuthError } from '../docebo';
import type { Tenant } from '../tenancy';
import { GrantStore } from '../tokens/grant-store';
import type { AccessTokenClaims } from '../tokens/token.types';
import { IntrospectionUnavailableError, InvalidTokenError } from './auth.errors';

/** A Docebo access token and when it expires (epoch seconds). */
export interface DoceboAccess {
  readonly token: string;
  readonly expiresAt: number;
}

/** Refresh a little before Docebo's expiry, so a call never starts with a token about to die. */
const MARGIN_S = 60;
const LOCK_WAIT_MS = 10_000;

/**
 * Long sessions (tenant `oauth.longSessions`, architecture §1.3): access tokens may outlive the Docebo token they
 * carry, because some clients refresh unreliably. When that Docebo token is (nearly) expired, the gateway refreshes
 * it itself with the grant's newest Docebo refresh token, once per grant at a time (a per-process single flight and
 * the grant's lock in the state store across replicas), and keeps the new set in the grant, where the next refresh
 * of the client's own tokens picks it up.
 */
@Injectable()
export class LongSessions {
  private readonly logger = new Logger(LongSessions.name);
  private readonly inFlight = new Map<string, Promise<DoceboAccess>>();

  constructor(
    private readonly grants: GrantStore,
    private readonly doceboOAuth: DoceboOAuthClient,
  ) {}

  /** The Docebo token to act with for these access-token claims. */
  async doceboAccess(tenant: Tenant, claims: AccessTokenClaims): Promise<DoceboAccess> {
    const inside = { token: claims.doceboToken, expiresAt: claims.doceboExpiresAt };
    if (!tenant.config.oauth.longSessions || inside.expiresAt - MARGIN_S > nowSeconds()) return inside;
    const key = `${tenant.id}:${claims.grantId}`;
    let flight = this.inFlight.get(key);
    if (!flight) {
      flight = this.fresh(tenant, claims.grantId).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, flight);
    }
    return flight;
  }

  private async fresh(tenant: Tenant, grantId: string): Promise<DoceboAccess> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      const state = await this.grants.load(tenant.id, grantId);
      if (!state) throw new InvalidTokenError('The session has ended; sign in again.');
      if (state.docebo.expiresAt - MARGIN_S > nowSeconds())
        return { token: state.docebo.accessToken, expiresAt: state.docebo.expiresAt };
      if (await this.grants.lock(tenant.id, grantId)) {
        try {
          const current = await this.grants.load(tenant.id, grantId);
          if (!current) throw new InvalidTokenError('The session has ended; sign in again.');
          if (current.docebo.expiresAt - MARGIN_S > nowSeconds()) continue;
          if (!current.docebo.refreshToken)
            throw new InvalidTokenError('Docebo gave no refresh token; sign in again.');
          const docebo = await this.refresh(tenant, current.docebo.refreshToken);
          const next = {
            ...current,
            docebo: { ...docebo, refreshToken: docebo.refreshToken ?? current.docebo.refreshToken },
          };
          await this.grants.save(tenant.id, grantId, next, tenant.config.oauth.refreshTokenTtl);
          return { token: next.docebo.accessToken, expiresAt: next.docebo.expiresAt };
        } finally {
          await this.grants.unlock(tenant.id, grantId);
        }
      }
      if (Date.now() > deadline)
        throw new IntrospectionUnavailableError('Another refresh of this session is still running.');
      await sleep(50);
    }
  }

  private async refresh(tenant: Tenant, refreshToken: string) {
    try {
      return await this.doceboOAuth.refresh(tenant, refreshToken);
    } catch (e) {
      if (e instanceof DoceboOAuthError && e.kind === 'rejected') {
        this.logger.warn(`Docebo refused to extend a long session of tenant ${tenant.id}: ${e.oauthError}`);
        throw new InvalidTokenError('Docebo no longer accepts this sign-in.');
      }
      if (e instanceof DoceboOAuthError)
        throw new IntrospectionUnavailableError('Docebo did not answer the session refresh.');
      throw e;
    }
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
