/**
 * The three ways the sandbox says no, each written by the sandbox's own error handler (sandbox.factory.ts):
 * API errors in the Yii-style body Docebo's REST services are inferred to use [? docebo-api.md §6: clients handle
 * `{message|name|code|status}`], OAuth token-endpoint errors as RFC 6749 JSON, and authorize-page errors as HTML.
 */

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status >= 500 ? 'Server Error' : 'Error');
}

/** The body of an API error: `{"name":"Not Found","message":"…","code":0,"status":404}`. */
export interface ApiErrorBody {
  name: string;
  message: string;
  code: number;
  status: number;
}

export function apiErrorBody(status: number, message: string): ApiErrorBody {
  return { name: reasonPhrase(status), message, code: 0, status };
}

/** An error of the REST API (`/learn/…`, `/manage/…`, `/learningplan/…`). */
export class SandboxApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'SandboxApiError';
  }
}

export const badRequest = (message: string) => new SandboxApiError(400, message);
export const forbidden = (message = 'You are not allowed to perform this action.') =>
  new SandboxApiError(403, message);
export const notFound = (message: string) => new SandboxApiError(404, message);

/** An RFC 6749 §5.2 error of `/oauth2/token`. */
export class SandboxOAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'SandboxOAuthError';
  }
}

/** An error shown as an HTML page (authorize requests that must not redirect: bad client, bad redirect URI). */
export class SandboxPageError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxPageError';
  }
}

/** A control method (revokeUser, issueToken…) named a user the sandbox does not have. */
export class UnknownUserError extends Error {
  constructor(user: number | string) {
    super(`Unknown user ${JSON.stringify(user)}.`);
    this.name = 'UnknownUserError';
  }
}
