import type { Request, Response } from 'express';

/**
 * The one shape of every error the gateway itself answers with (OAuth endpoints included, as RFC 6749 §5.2 asks):
 * `{ "error": "<code>", "error_description": "<what went wrong, for a person>", "request_id": "<id>" }`.
 */
export interface ErrorBody {
  error: string;
  error_description: string;
  request_id?: string;
}

export function errorBody(req: Request, code: string, description: string): ErrorBody {
  return { error: code, error_description: description, ...(req.id ? { request_id: String(req.id) } : {}) };
}

/** Writes an error response unless one was already started (then the connection is left to finish). */
export function sendError(
  req: Request,
  res: Response,
  status: number,
  code: string,
  description: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.status(status);
  res.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.json(errorBody(req, code, description));
}

/** A default code for a status when the thrower named none. */
export function codeForStatus(status: number): string {
  const codes: Record<number, string> = {
    400: 'invalid_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    406: 'not_acceptable',
    408: 'request_timeout',
    409: 'conflict',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    429: 'rate_limited',
    503: 'temporarily_unavailable',
  };
  return codes[status] ?? (status >= 500 ? 'server_error' : 'invalid_request');
}
