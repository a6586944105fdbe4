/** What went wrong with a Docebo call, as far as a caller needs to decide what to do next. */
export type DoceboErrorKind =
  | 'unauthorized' // 401: the Docebo token is expired or revoked; the client must refresh or sign in again
  | 'forbidden' // 403: the user's Docebo role does not allow this
  | 'not_found' // 404
  | 'rejected' // 400/409/422: Docebo refused the request, its message says why
  | 'rate_limited' // 429 from Docebo
  | 'budget_exhausted' // this gateway's own hourly budget of calls to the tenant's Docebo is used up
  | 'unavailable' // 502/503/504: Docebo overloaded or down
  | 'server_error' // other 5xx
  | 'timeout'
  | 'network' // connection refused, reset, DNS
  | 'malformed'; // a 2xx whose body is not what Docebo documents

/** What happened, and what the person can do about it. */
const EXPLANATIONS: Record<DoceboErrorKind, [what: string, advice?: string]> = {
  unauthorized: ['The Docebo session has expired or was revoked', 'sign in again'],
  forbidden: ["Docebo says this user's role does not allow this", 'ask a Docebo administrator'],
  not_found: ['Docebo has no such item, or this user cannot see it'],
  rejected: ['Docebo refused the request'],
  rate_limited: ['Docebo is rate-limiting requests', 'try again shortly'],
  budget_exhausted: [
    "This gateway's hourly budget of Docebo calls for this tenant is used up",
    'try again later',
  ],
  unavailable: ['Docebo is temporarily unavailable', 'try again shortly'],
  server_error: ['Docebo failed to handle the request', 'try again later'],
  timeout: ['Docebo did not answer in time', 'try again shortly'],
  network: ['Docebo could not be reached', 'try again shortly'],
  malformed: ['Docebo answered with data the gateway does not understand'],
};

/**
 * A failed Docebo call. `message` is safe to show to a user or a model: it never contains a token, and Docebo's
 * own message is included only as `doceboMessage` (trimmed).
 */
export class DoceboApiError extends Error {
  /** Whether trying the same call later may succeed. */
  readonly retryable: boolean;

  constructor(
    readonly kind: DoceboErrorKind,
    /** The HTTP status Docebo answered with; 0 when no answer arrived (timeout, network). */
    readonly status: number,
    /** Docebo's own error message, when it gave one. */
    readonly doceboMessage?: string,
    /** Seconds to wait before retrying, from Retry-After or the local budget. */
    readonly retryAfterSeconds?: number,
  ) {
    super(DoceboApiError.explain(kind, status, doceboMessage));
    this.name = 'DoceboApiError';
    this.retryable = [
      'rate_limited',
      'budget_exhausted',
      'unavailable',
      'timeout',
      'network',
      'server_error',
    ].includes(kind);
  }

  /** The short user-facing explanation: "Docebo refused the request (400): Course is not active." */
  static explain(kind: DoceboErrorKind, status: number, doceboMessage?: string): string {
    const [what, advice] = EXPLANATIONS[kind];
    const message = doceboMessage ? `: ${doceboMessage.replace(/[.\s]+$/, '')}` : '';
    return `${what}${status ? ` (${status})` : ''}${message}${advice ? `; ${advice}` : ''}.`;
  }

  static fromStatus(status: number, doceboMessage?: string, retryAfterSeconds?: number): DoceboApiError {
    return new DoceboApiError(kindForStatus(status), status, doceboMessage, retryAfterSeconds);
  }
}

export function kindForStatus(status: number): DoceboErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  if (status >= 500) return 'server_error';
  return 'rejected';
}
