import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { compactDecrypt, CompactEncrypt, decodeProtectedHeader } from 'jose';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { InjectConfig } from '../config';
import { CLOCK, type Clock, systemClock } from './clock';
import { KeyRing, type TokenKey } from './key-ring';
import {
  type AccessTokenClaims,
  type AccessTokenInput,
  type RefreshTokenClaims,
  type RefreshTokenInput,
  type TokenAudience,
  TokenError,
  TokenMintError,
} from './token.types';

/** Accepted lateness when checking `exp`, for clock skew between replicas. */
export const CLOCK_TOLERANCE_SECONDS = 5;
/** Longer input is refused before any work (a bearer header is at most a few kB; sealed sets are small). */
const MAX_TOKEN_LENGTH = 16 * 1024;
const MAX_SEALED_LENGTH = 256 * 1024;

/**
 * The JWE `typ` of each kind. The protected header is authenticated by AES-GCM, so the type cannot be changed
 * without failing decryption: one kind can never be accepted as another.
 */
const TYP = {
  access: 'dmg-at+jwt',
  refresh: 'dmg-rt+jwt',
  sealed: 'dmg-sealed+jwt',
} as const;
type Kind = keyof typeof TYP;
const KIND_OF_TYP = new Map<unknown, Kind>(Object.entries(TYP).map(([kind, typ]) => [typ, kind as Kind]));
const DESCRIBED: Record<Kind, string> = {
  access: 'an access token',
  refresh: 'a refresh token',
  sealed: 'a sealed value',
};

const int = z.number().int();
const text = z.string().min(1);
/** The claims on the wire (JWT names), checked after decryption: a payload of another shape is malformed. */
const accessPayload = z.object({
  iss: z.string(),
  aud: z.string(),
  tenant: text,
  sub: text,
  client_id: text,
  scope: z.string(),
  grant_id: text,
  docebo_token: text,
  docebo_exp: int,
  jti: text,
  iat: int,
  exp: int,
});
const refreshPayload = z.object({
  iss: z.string(),
  aud: z.string(),
  tenant: text,
  sub: text,
  client_id: text,
  scope: z.string(),
  grant_id: text,
  gen: int.min(0),
  docebo_refresh_token: text.optional(),
  resource: z.string(),
  jti: text,
  iat: int,
  exp: int,
});
const sealedPayload = z.object({ pur: z.string(), data: z.unknown(), iat: int, exp: int });

/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** A minted token, its claims, and its lifetime in seconds (the `expires_in` of a token response). */
export interface MintedToken<C> {
  readonly token: string;
  readonly claims: C;
  readonly expiresIn: number;
}

export interface MintAccessOptions {
  /** The longest lifetime wanted (the tenant's accessTokenTtl, in seconds). */
  readonly ttlSeconds: number;
  /**
   * Long sessions: let the gateway token outlive the Docebo token inside (the gateway refreshes that one
   * itself). Without it the lifetime is capped at the Docebo token's remaining lifetime.
   */
  readonly allowBeyondDocebo?: boolean;
}

/**
 * Mints and verifies gateway tokens (architecture §1.3): JWE compact, `dir` + `A256GCM`, `kid` in the header,
 * keys from `tokenKeys` (newest encrypts, all decrypt). Also seals other secrets kept at rest (Docebo token sets
 * in the state store, cookies) with the same keys, bound to a purpose.
 *
 * Verification failures throw TokenError with a reason; no message ever contains token text. Revocation is not
 * checked here (no I/O): callers ask RevocationService.
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger(TokenService.name);
  private readonly ring: KeyRing;
  private readonly clock: Clock;

  constructor(
    @InjectConfig()
    { config, demo }: { config: { readonly tokenKeys?: readonly TokenKey[] }; demo?: boolean },
    @Optional() @Inject(CLOCK) clock?: Clock,
  ) {
    this.clock = clock ?? systemClock;
    this.ring = new KeyRing(config.tokenKeys);
    // The demo's own warning already says so: one clear warning, not two.
    if (this.ring.ephemeral && !demo) {
      this.logger.warn(
        'No tokenKeys configured (GATEWAY_TOKEN_KEYS): using a random key for this process only. ' +
          'Gateway tokens will not survive a restart and replicas will not share them.',
      );
    }
  }

  /** The key id new tokens are encrypted with. */
  get currentKid(): string {
    return this.ring.currentKid;
  }

  async mintAccessToken(
    aud: TokenAudience,
    input: AccessTokenInput,
    opts: MintAccessOptions,
  ): Promise<MintedToken<AccessTokenClaims>> {
    this.checkTenant(aud, input.tenant);
    const scope = scopeString(input.scopes);
    const iat = this.nowSeconds();
    const wanted = positiveSeconds(opts.ttlSeconds);
    const lifetime = opts.allowBeyondDocebo
      ? wanted
      : Math.min(wanted, Math.floor(input.doceboExpiresAt - iat));
    if (!(lifetime > 0)) {
      throw new TokenMintError(
        'refusing to mint an access token with no lifetime: the Docebo token inside has expired',
      );
    }
    const claims: AccessTokenClaims = {
      tenant: input.tenant,
      sub: input.sub,
      clientId: input.clientId,
      scopes: [...input.scopes],
      grantId: input.grantId,
      doceboToken: input.doceboToken,
      doceboExpiresAt: input.doceboExpiresAt,
      jti: newJti(),
      iat,
      exp: iat + lifetime,
    };
    const token = await this.encrypt('access', {
      iss: aud.issuer,
      aud: aud.audience,
      tenant: claims.tenant,
      sub: claims.sub,
      client_id: claims.clientId,
      scope,
      grant_id: claims.grantId,
      docebo_token: claims.doceboToken,
      docebo_exp: claims.doceboExpiresAt,
      jti: claims.jti,
      iat: claims.iat,
      exp: claims.exp,
    });
    return { token, claims, expiresIn: lifetime };
  }

  /** Decrypts and checks an access token for this tenant; throws TokenError. */
  async verifyAccessToken(aud: TokenAudience, token: string): Promise<AccessTokenClaims> {
    const p = this.parse(accessPayload, await this.decrypt('access', token, MAX_TOKEN_LENGTH));
    this.checkAudience(aud, p);
    this.checkExpiry(p.exp, 'token has expired');
    return {
      tenant: p.tenant,
      sub: p.sub,
      clientId: p.client_id,
      scopes: splitScope(p.scope),
      grantId: p.grant_id,
      doceboToken: p.docebo_token,
      doceboExpiresAt: p.docebo_exp,
      jti: p.jti,
      iat: p.iat,
      exp: p.exp,
    };
  }

  async mintRefreshToken(
    aud: TokenAudience,
    input: RefreshTokenInput,
    ttlSeconds: number,
  ): Promise<MintedToken<RefreshTokenClaims>> {
    this.checkTenant(aud, input.tenant);
    const scope = scopeString(input.scopes);
    if (!Number.isInteger(input.generation) || input.generation < 0) {
      throw new TokenMintError('a refresh token generation must be a non-negative integer');
    }
    const iat = this.nowSeconds();
    const lifetime = positiveSeconds(ttlSeconds);
    const claims: RefreshTokenClaims = {
      tenant: input.tenant,
      sub: input.sub,
      clientId: input.clientId,
      scopes: [...input.scopes],
      grantId: input.grantId,
      generation: input.generation,
      ...(input.doceboRefreshToken !== undefined && { doceboRefreshToken: input.doceboRefreshToken }),
      resource: input.resource,
      jti: newJti(),
      iat,
      exp: iat + lifetime,
    };
    const token = await this.encrypt('refresh', {
      iss: aud.issuer,
      aud: aud.audience,
      tenant: claims.tenant,
      sub: claims.sub,
      client_id: claims.clientId,
      scope,
      grant_id: claims.grantId,
      gen: claims.generation,
      docebo_refresh_token: claims.doceboRefreshToken,
      resource: claims.resource,
      jti: claims.jti,
      iat: claims.iat,
      exp: claims.exp,
    });
    return { token, claims, expiresIn: lifetime };
  }

  /** Decrypts and checks a refresh token for this tenant; throws TokenError. */
  async verifyRefreshToken(aud: TokenAudience, token: string): Promise<RefreshTokenClaims> {
    const p = this.parse(refreshPayload, await this.decrypt('refresh', token, MAX_TOKEN_LENGTH));
    this.checkAudience(aud, p);
    this.checkExpiry(p.exp, 'token has expired');
    return {
      tenant: p.tenant,
      sub: p.sub,
      clientId: p.client_id,
      scopes: splitScope(p.scope),
      grantId: p.grant_id,
      generation: p.gen,
      ...(p.docebo_refresh_token !== undefined && { doceboRefreshToken: p.docebo_refresh_token }),
      resource: p.resource,
      jti: p.jti,
      iat: p.iat,
      exp: p.exp,
    };
  }

  /**
   * Encrypts JSON-serializable `data` for `ttlSeconds`, bound to `purpose` (e.g. `docebo-tokens:<grantId>`,
   * `consent-cookie`): unseal with another purpose fails. Put whatever the value must be tied to (tenant, grant)
   * into the purpose.
   */
  async seal(purpose: string, data: unknown, ttlSeconds: number): Promise<string> {
    const iat = this.nowSeconds();
    return this.encrypt('sealed', { pur: purpose, data, iat, exp: iat + positiveSeconds(ttlSeconds) });
  }

  /**
   * Opens a value sealed for `purpose`; throws TokenError (`malformed`, `unknown_key`, `expired`, `wrong_type`
   * for another purpose or kind). The result is whatever was sealed: parse it if it came from an older version.
   */
  async unseal<T>(purpose: string, sealed: string): Promise<T> {
    const p = this.parse(sealedPayload, await this.decrypt('sealed', sealed, MAX_SEALED_LENGTH));
    if (p.pur !== purpose) throw new TokenError('wrong_type', 'sealed value was sealed for another purpose');
    this.checkExpiry(p.exp, 'sealed value has expired');
    return p.data as T;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  private async encrypt(kind: Kind, payload: Record<string, unknown>): Promise<string> {
    const { kid, key } = await this.ring.current();
    return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, typ: TYP[kind] })
      .encrypt(key);
  }

  /** Header checks, key selection by kid, authenticated decryption, type check; the payload as parsed JSON. */
  private async decrypt(kind: Kind, token: string, maxLength: number): Promise<unknown> {
    const malformed = new TokenError('malformed', `not ${DESCRIBED[kind]} of this gateway`);
    if (typeof token !== 'string' || token.length === 0 || token.length > maxLength) throw malformed;
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw malformed;
    }
    if (header.alg !== 'dir' || header.enc !== 'A256GCM' || typeof header.kid !== 'string') throw malformed;
    const key = await this.ring.get(header.kid);
    if (!key) {
      throw new TokenError(
        'unknown_key',
        `${DESCRIBED[kind]} encrypted with a key this gateway does not hold`,
      );
    }
    let plaintext: Uint8Array;
    try {
      ({ plaintext } = await compactDecrypt(token, key, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      }));
    } catch {
      // Tampered ciphertext, tag or header, or a key that merely shares the kid: all one answer.
      throw malformed;
    }
    // Decryption authenticated the header, so its typ is what the minting gateway wrote.
    const actual = KIND_OF_TYP.get(header.typ);
    if (actual === undefined) throw malformed;
    if (actual !== kind)
      throw new TokenError('wrong_type', `expected ${DESCRIBED[kind]}, got ${DESCRIBED[actual]}`);
    try {
      return JSON.parse(new TextDecoder().decode(plaintext)) as unknown;
    } catch {
      throw malformed;
    }
  }

  private parse<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
    const result = schema.safeParse(payload);
    if (!result.success) throw new TokenError('malformed', 'token content is not in the expected shape');
    return result.data;
  }

  private checkAudience(aud: TokenAudience, p: { iss: string; aud: string; tenant: string }): void {
    if (p.iss !== aud.issuer || p.aud !== aud.audience || p.tenant !== aud.tenant) {
      throw new TokenError('wrong_tenant', 'token was issued for another tenant, issuer or audience');
    }
  }

  private checkExpiry(exp: number, message: string): void {
    if (this.clock.now() / 1000 >= exp + CLOCK_TOLERANCE_SECONDS) throw new TokenError('expired', message);
  }

  private checkTenant(aud: TokenAudience, tenant: string): void {
    if (tenant !== aud.tenant)
      throw new TokenMintError('the token input names another tenant than its audience');
  }
}

function newJti(): string {
  return randomBytes(16).toString('base64url');
}

function positiveSeconds(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 1) {
    throw new TokenMintError('a token lifetime must be at least one second');
  }
  return Math.floor(seconds);
}

function scopeString(scopes: readonly string[]): string {
  if (!scopes.every((s) => SCOPE_TOKEN.test(s))) {
    throw new TokenMintError('a scope must be a non-empty RFC 6749 scope-token (no spaces or quotes)');
  }
  return scopes.join(' ');
}

function splitScope(scope: string): string[] {
  return scope ? scope.split(' ') : [];
}
