import { HttpError } from '../common/http-error';

/**
 * An OAuth error (RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 7009, RFC 8707): the global filter writes it as
 * `{"error": code, "error_description": …}` with its status. Authorization-endpoint errors that can be sent back to
 * a trusted redirect URI are redirected instead (see AuthorizationController).
 */
export class OAuthError extends HttpError {
  constructor(code: string, description: string, status = 400, headers: Record<string, string> = {}) {
    super(status, code, description, headers);
  }
}

export const invalidRequest = (d: string) => new OAuthError('invalid_request', d);
export const invalidGrant = (d: string) => new OAuthError('invalid_grant', d);
export const invalidScope = (d: string) => new OAuthError('invalid_scope', d);
export const invalidTarget = (d: string) => new OAuthError('invalid_target', d);
export const unsupportedGrantType = (d: string) => new OAuthError('unsupported_grant_type', d);
export const unauthorizedClient = (d: string) => new OAuthError('unauthorized_client', d);
export const invalidClientMetadata = (d: string) => new OAuthError('invalid_client_metadata', d);
export const invalidRedirectUri = (d: string) => new OAuthError('invalid_redirect_uri', d);
/** 401; with a Basic challenge when the client tried Basic authentication (RFC 6749 §5.2). */
export const invalidClient = (d: string, triedBasic = false) =>
  new OAuthError('invalid_client', d, 401, triedBasic ? { 'WWW-Authenticate': 'Basic realm="oauth2"' } : {});
/** Docebo is down or slow: the grant may be fine, so clients must not discard it (not invalid_grant). */
export const temporarilyUnavailable = (d: string, retryAfterSeconds = 5) =>
  new OAuthError('temporarily_unavailable', d, 503, { 'Retry-After': String(retryAfterSeconds) });
