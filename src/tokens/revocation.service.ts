import { Inject, Injectable, Optional } from '@nestjs/common';
import { STATE_STORE, type StateStore } from '../state/state-store';
import { CLOCK, type Clock, systemClock } from './clock';
import { CLOCK_TOLERANCE_SECONDS } from './token.service';
import { TokenError } from './token.types';

/** What identifies a token for revocation: its own id and the grant (refresh family) it belongs to. */
export interface RevocationSubject {
  readonly jti?: string;
  readonly grantId?: string;
}

/**
 * Revoked token ids and grants, in the state store. Tokens are self-contained, so revocation is the one thing a
 * verifier must look up; each entry lives exactly as long as what it revokes could still be presented.
 */
@Injectable()
export class RevocationService {
  private readonly clock: Clock;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Optional() @Inject(CLOCK) clock?: Clock,
  ) {
    this.clock = clock ?? systemClock;
  }

  /**
   * Revokes one token until `expiresAt` (its `exp`, epoch seconds; plus the verifier's clock tolerance).
   * A token that has already expired needs no entry.
   */
  async revokeToken(jti: string, expiresAt: number): Promise<void> {
    const ttlMs = (expiresAt + CLOCK_TOLERANCE_SECONDS) * 1000 - this.clock.now();
    if (ttlMs > 0) await this.store.set(jtiKey(jti), '1', ttlMs);
  }

  /** Revokes every token of a grant for `ttlMs` (the longest remaining lifetime of any of its tokens). */
  async revokeGrant(grantId: string, ttlMs: number): Promise<void> {
    await this.store.set(grantKey(grantId), '1', ttlMs);
  }

  /**
   * Whether the token or its grant is revoked. Both lookups are issued at once: on Redis they travel pipelined
   * on one connection, so the check costs one round trip.
   */
  async isRevoked({ jti, grantId }: RevocationSubject): Promise<boolean> {
    const found = await Promise.all([
      jti === undefined ? undefined : this.store.get(jtiKey(jti)),
      grantId === undefined ? undefined : this.store.get(grantKey(grantId)),
    ]);
    return found.some((v) => v !== undefined);
  }

  /** Throws TokenError('revoked') when the token or its grant is revoked (for the bearer guard and refresh). */
  async assertNotRevoked(subject: RevocationSubject): Promise<void> {
    if (await this.isRevoked(subject)) throw new TokenError('revoked', 'token has been revoked');
  }
}

const jtiKey = (jti: string) => `revoked:jti:${jti}`;
const grantKey = (grantId: string) => `revoked:grant:${grantId}`;
