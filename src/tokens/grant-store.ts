import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { STATE_STORE, type StateStore } from '../state/state-store';
import { TokenService } from './token.service';

/**
 * A grant (refresh family) as the state store keeps it, sealed with the token keys: the current refresh
 * generation, when it last rotated, and the newest Docebo token set. The authorization server rotates it on
 * refresh; the bearer guard refreshes its Docebo tokens for long sessions. Both take `lock` first.
 */
const grantState = z.object({
  generation: z.number().int(),
  rotatedAt: z.number(),
  docebo: z.object({
    accessToken: z.string(),
    refreshToken: z.string().optional(),
    expiresAt: z.number(),
    scope: z.string().optional(),
  }),
});
export type GrantState = z.output<typeof grantState>;

const LOCK_TTL_MS = 15_000;

@Injectable()
export class GrantStore {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly tokens: TokenService,
  ) {}

  async load(tenant: string, grantId: string): Promise<GrantState | undefined> {
    const sealed = await this.store.get(this.key(tenant, grantId));
    if (!sealed) return undefined;
    try {
      return grantState.parse(await this.tokens.unseal('grant', sealed));
    } catch {
      return undefined; // sealed with a key this deployment no longer holds
    }
  }

  /** Saves the state for `ttlMs` (the grant lives as long as its refresh token could). */
  async save(tenant: string, grantId: string, state: GrantState, ttlMs: number): Promise<void> {
    const sealed = await this.tokens.seal('grant', state, Math.ceil(ttlMs / 1000));
    await this.store.set(this.key(tenant, grantId), sealed, ttlMs);
  }

  async delete(tenant: string, grantId: string): Promise<void> {
    await this.store.delete(this.key(tenant, grantId));
  }

  /** Takes the grant's lock (one refresh of a grant at a time, across replicas); false when someone holds it. */
  lock(tenant: string, grantId: string): Promise<boolean> {
    return this.store.setIfAbsent(this.lockKey(tenant, grantId), '1', LOCK_TTL_MS);
  }

  unlock(tenant: string, grantId: string): Promise<void> {
    return this.store.delete(this.lockKey(tenant, grantId));
  }

  private key(tenant: string, grantId: string): string {
    return `grant:${tenant}:${grantId}`;
  }

  private lockKey(tenant: string, grantId: string): string {
    return `grant-lock:${tenant}:${grantId}`;
  }
}
