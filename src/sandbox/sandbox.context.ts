import { randomBytes, randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { OAuthStore } from './oauth.store';
import type { SandboxData, SandboxUser } from './sandbox.data';
import type { SandboxSettings } from './sandbox.options';

/** What every route of one sandbox instance shares. `data` and `settings` are replaced by reset(). */
export interface SandboxContext {
  data: SandboxData;
  settings: SandboxSettings;
  readonly store: OAuthStore;
  readonly cursors: CursorStore;
  readonly now: () => number;
  /** Per-instance key for CSRF tokens. */
  readonly secret: Buffer;
}

export function newSecret(): Buffer {
  return randomBytes(32);
}

/** The signed-in user of an API request, set by the bearer middleware. */
export interface Principal {
  readonly user: SandboxUser;
  readonly token: string;
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('sandbox route reached without the bearer middleware');
  return principal;
}

interface StoredCursor {
  readonly userId: number;
  readonly params: string;
  readonly expiresAt: number;
}

/**
 * Enrollment cursors: "unique ID used to temporarily store search parameters" [C R2, R5]. The first page stores the
 * filters under an id; later pages send `cursor=<id>` and get the same filters back.
 */
export class CursorStore {
  private readonly cursors = new Map<string, StoredCursor>();

  constructor(private readonly now: () => number) {}

  save(userId: number, params: string, ttl = 30 * 60_000): string {
    if (this.cursors.size >= 1000) {
      const now = this.now();
      for (const [id, c] of this.cursors)
        if (c.expiresAt < now || this.cursors.size >= 1000) this.cursors.delete(id);
    }
    const id = randomUUID().replace(/-/g, '');
    this.cursors.set(id, { userId, params, expiresAt: this.now() + ttl });
    return id;
  }

  /** The stored filters of a cursor, when it exists, is alive and belongs to this user. */
  load(id: string, userId: number): string | undefined {
    const c = this.cursors.get(id);
    return c && c.userId === userId && c.expiresAt > this.now() ? c.params : undefined;
  }

  clear(): void {
    this.cursors.clear();
  }
}
