import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { codeForStatus, sendError } from './error-response';
import { HttpError } from './http-error';
import { StateStoreUnavailableError } from '../state/state-store.errors';

/** Errors thrown by Express's body parsers carry a status and a type; their messages may quote the body. */
interface BodyParserError {
  status: number;
  type: string;
}
function isBodyParserError(e: unknown): e is BodyParserError {
  return !!e && typeof e === 'object' && typeof (e as BodyParserError).type === 'string' && 'status' in e;
}

const BODY_PARSER_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'The request body is not valid JSON.',
  'entity.too.large': 'The request body is larger than this endpoint accepts.',
  'encoding.unsupported': 'The request body uses an unsupported content encoding.',
  'charset.unsupported': 'The request body uses an unsupported charset.',
  'request.aborted': 'The request was aborted before its body arrived.',
};

/**
 * The last word on every error: a JSON body of one stable shape, the right 4xx for client mistakes, never a stack
 * trace or an internal message for a 5xx, and nothing at all once the response has started.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    respondWithError(exception, ctx.getRequest<Request>(), ctx.getResponse<Response>());
  }
}

const logger = new Logger('Exceptions');

/** Shared by the Nest filter and the Express error handler that follows the body parsers. */
export function respondWithError(exception: unknown, req: Request, res: Response): void {
  const { status, code, description, headers } = describe(exception);
  if (status >= 500) {
    logger.error(
      { err: exception, requestId: req.id },
      `Unhandled error on ${req.method} ${req.route?.path ?? ''}`,
    );
  }
  sendError(req, res, status, code, description, headers);
}

function describe(exception: unknown): {
  status: number;
  code: string;
  description: string;
  headers?: Record<string, string>;
} {
  if (exception instanceof HttpError) {
    const { status, code, description, headers } = exception;
    return { status, code, description, headers };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status >= 500) return internal(status);
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : ((response as { message?: string | string[] }).message ?? exception.message);
    return { status, code: codeForStatus(status), description: [message].flat().join('; ') };
  }
  if (exception instanceof StateStoreUnavailableError) {
    // The shared store is down: the request may be fine, so say "later", never "invalid" (clients keep grants).
    return {
      status: 503,
      code: 'temporarily_unavailable',
      description: 'The gateway cannot reach its state store; try again shortly.',
      headers: { 'Retry-After': '5' },
    };
  }
  if (isBodyParserError(exception) && exception.status >= 400 && exception.status < 500) {
    return {
      status: exception.status,
      code: codeForStatus(exception.status),
      description: BODY_PARSER_MESSAGES[exception.type] ?? 'The request body could not be read.',
    };
  }
  return internal(500);
}

function internal(status: number) {
  return {
    status,
    code: codeForStatus(status),
    description:
      status === 503
        ? 'The service is temporarily unavailable; try again shortly.'
        : 'The gateway failed to handle this request.',
  };
}
