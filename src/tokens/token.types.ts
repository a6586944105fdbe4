/**
 * Gateway tokens (proxy mode, architecture §1.3): self-contained, encrypted (JWE dir + A256GCM, key id in the
 * header), bound to one tenant and its MCP resource. A Docebo token travels inside and never reaches a client.
 */

/** Who a token is for: the tenant, its issuer and its MCP resource URL (the audience). */
export interface TokenAudience {
  readonly tenant: string;
  readonly issuer: string;
  /** The tenant's MCP URL, exactly as published in its protected resource metadata. */
  readonly audience: string;
}

/** What the bearer guard learns from a gateway access token. Times are epoch seconds. */
export interface AccessTokenClaims {
  readonly tenant: string;
  /** Docebo user id. */
  readonly sub: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The refresh family (grant) this token belongs to; revoking the grant revokes its access tokens. */
  readonly grantId: string;
  /** The Docebo access token inside. */
  readonly doceboToken: string;
  /** When the Docebo access token expires. */
  readonly doceboExpiresAt: number;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
}

/** What a gateway refresh token carries. */
export interface RefreshTokenClaims {
  readonly tenant: string;
  readonly sub: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly grantId: string;
  /** Rotation counter within the grant: each refresh issues generation + 1. */
  readonly generation: number;
  /** The Docebo refresh token inside, when Docebo issued one. */
  readonly doceboRefreshToken?: string;
  /** The resource the grant was authorized for. */
  readonly resource: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
}

export type AccessTokenInput = Omit<AccessTokenClaims, 'jti' | 'iat' | 'exp'>;
export type RefreshTokenInput = Omit<RefreshTokenClaims, 'jti' | 'iat' | 'exp'>;

/** Why a token was refused. Messages never include the token. */
export type TokenFailure =
  | 'malformed' // not a gateway token at all, or tampered with
  | 'unknown_key' // encrypted with a key id this deployment does not hold
  | 'expired'
  | 'wrong_tenant' // minted for another tenant, issuer or audience
  | 'wrong_type' // e.g. a refresh token presented as an access token
  | 'revoked';

export class TokenError extends Error {
  constructor(
    readonly reason: TokenFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

/**
 * A token could not be minted: the inputs are inconsistent (a Docebo token already expired, a tenant that does
 * not match the audience, a scope with spaces). A programming or upstream error, not a client error; the message
 * names the problem, never a token.
 */
export class TokenMintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenMintError';
  }
}
