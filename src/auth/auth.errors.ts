import { HttpError } from '../common/http-error';

/** The bearer token is missing its mark: unknown, tampered, expired, revoked, or Docebo rejects the token inside. */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

/** Docebo could not be asked whether the token is good (down, slow, rate-limiting): a 503, never a 401. */
export class IntrospectionUnavailableError extends Error {
  override readonly name = 'IntrospectionUnavailableError';
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
  ) {
    super(message);
  }
}

const quote = (value: string) => value.replace(/["\\]/g, '');

/** `WWW-Authenticate: Bearer resource_metadata="…", …` (RFC 6750 §3, RFC 9728 §5.1). */
export function bearerChallenge(params: {
  resourceMetadata?: string;
  error?: string;
  description?: string;
  scope?: string;
}): string {
  const parts = [
    params.error && `error="${quote(params.error)}"`,
    params.description && `error_description="${quote(params.description)}"`,
    params.scope && `scope="${quote(params.scope)}"`,
    params.resourceMetadata && `resource_metadata="${quote(params.resourceMetadata)}"`,
  ].filter(Boolean);
  return parts.length ? `Bearer ${parts.join(', ')}` : 'Bearer';
}

/** A 401/400/403 answer with its challenge, written by the global exception filter. */
export function challengeError(
  status: 400 | 401 | 403,
  code: string,
  description: string,
  challenge: Parameters<typeof bearerChallenge>[0],
): HttpError {
  return new HttpError(status, code, description, { 'WWW-Authenticate': bearerChallenge(challenge) });
}
