import { randomBytes } from 'node:crypto';

/**
 * Tokens, codes and browser sessions of one sandbox instance, in memory. Access and refresh tokens are opaque
 * 40-hex strings like Docebo's [V D1]; so are codes.
 */

export interface AccessTokenRecord {
  readonly userId: number;
  readonly clientId: string;
  readonly scope: string | null;
  expiresAt: number;
}

export interface RefreshTokenRecord {
  readonly userId: number;
  readonly clientId: string;
  readonly scope: string | null;
  readonly expiresAt: number;
}

export interface AuthorizationCodeRecord {
  readonly clientId: string;
  /** The redirect_uri the authorize request carried, or null when it relied on the single registered one. */
  readonly redirectUri: string | null;
  readonly userId: number;
  readonly scope: string | null;
  readonly expiresAt: number;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: 'S256' | 'plain' | null;
}

export interface BrowserSessionRecord {
  readonly userId: number;
  readonly expiresAt: number;
}

/** What `/oauth2/token` answers [V D1]. */
export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  scope: string | null;
  refresh_token?: string;
}

/** Why a bearer token was refused. */
export type TokenRejection = 'missing' | 'unknown' | 'expired';

export const opaqueToken = (): string => randomBytes(20).toString('hex');

export class OAuthStore {
  private readonly access = new Map<string, AccessTokenRecord>();
  private readonly refresh = new Map<string, RefreshTokenRecord>();
  private readonly codes = new Map<string, AuthorizationCodeRecord>();
  private readonly sessions = new Map<string, BrowserSessionRecord>();

  constructor(private readonly now: () => number) {}

  issueTokens(
    grant: { userId: number; clientId: string; scope: string | null },
    ttl: { access: number; refresh: number },
    withRefresh: boolean,
  ): TokenResponse {
    const now = this.now();
    this.sweep(now);
    const accessToken = opaqueToken();
    this.access.set(accessToken, { ...grant, expiresAt: now + ttl.access });
    const response: TokenResponse = {
      access_token: accessToken,
      expires_in: Math.round(ttl.access / 1000),
      token_type: 'Bearer',
      scope: grant.scope,
    };
    if (withRefresh) {
      const refreshToken = opaqueToken();
      this.refresh.set(refreshToken, { ...grant, expiresAt: now + ttl.refresh });
      response.refresh_token = refreshToken;
    }
    return response;
  }

  verifyAccess(
    token: string,
  ): { ok: true; record: AccessTokenRecord } | { ok: false; reason: TokenRejection } {
    const record = this.access.get(token);
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, record };
  }

  findRefresh(token: string): RefreshTokenRecord | undefined {
    return this.refresh.get(token);
  }

  retireRefresh(token: string): void {
    this.refresh.delete(token);
  }

  saveCode(record: AuthorizationCodeRecord): string {
    this.sweep(this.now());
    const code = opaqueToken();
    this.codes.set(code, record);
    return code;
  }

  /** Takes a code out: it can be redeemed once, whatever the outcome of the exchange. */
  takeCode(code: string): AuthorizationCodeRecord | undefined {
    const record = this.codes.get(code);
    this.codes.delete(code);
    return record;
  }

  startSession(userId: number, ttl: number): string {
    const id = randomBytes(24).toString('base64url');
    this.sessions.set(id, { userId, expiresAt: this.now() + ttl });
    return id;
  }

  session(id: string | undefined): BrowserSessionRecord | undefined {
    const record = id === undefined ? undefined : this.sessions.get(id);
    return record && record.expiresAt > this.now() ? record : undefined;
  }

  /** Revokes an access or refresh token; true when it existed. */
  revokeToken(token: string): boolean {
    return this.access.delete(token) || this.refresh.delete(token);
  }

  /** Revokes every token of a user and ends their browser sessions; returns how many tokens went. */
  revokeUser(userId: number): number {
    let n = 0;
    for (const map of [this.access, this.refresh] as Map<string, { userId: number }>[]) {
      for (const [token, record] of map) {
        if (record.userId === userId) {
          map.delete(token);
          n++;
        }
      }
    }
    for (const [id, record] of this.sessions) if (record.userId === userId) this.sessions.delete(id);
    return n;
  }

  /** Makes access tokens expired now (all, one token, or one user's); returns how many. */
  expireAccess(filter: { token?: string; userId?: number } = {}): number {
    const past = this.now() - 1;
    let n = 0;
    for (const [token, record] of this.access) {
      if (filter.token !== undefined && token !== filter.token) continue;
      if (filter.userId !== undefined && record.userId !== filter.userId) continue;
      record.expiresAt = past;
      n++;
    }
    return n;
  }

  endSessions(): void {
    this.sessions.clear();
  }

  clear(): void {
    this.access.clear();
    this.refresh.clear();
    this.codes.clear();
    this.sessions.clear();
  }

  get size(): { access: number; refresh: number; codes: number; sessions: number } {
    return {
      access: this.access.size,
      refresh: this.refresh.size,
      codes: this.codes.size,
      sessions: this.sessions.size,
    };
  }

  /** Drops long-dead entries so a long-running demo does not grow without bound. */
  private sweep(now: number): void {
    if (this.access.size + this.codes.size < 10_000) return;
    const graceMs = 86_400_000; // an expired token stays known for a day, so it keeps answering "expired"
    for (const [k, v] of this.access) if (v.expiresAt + graceMs < now) this.access.delete(k);
    for (const [k, v] of this.refresh) if (v.expiresAt < now) this.refresh.delete(k);
    for (const [k, v] of this.codes) if (v.expiresAt < now) this.codes.delete(k);
    for (const [k, v] of this.sessions) if (v.expiresAt < now) this.sessions.delete(k);
  }
}
