import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { HttpError } from '../common/http-error';
import { challengeError } from './auth.errors';
import { IntrospectionUnavailableError, InvalidTokenError } from './auth.errors';
import { IS_PUBLIC } from './public.decorator';
import { RESOURCE_SCOPES } from './scopes';

/**
 * The global guard: every route needs a valid bearer token unless it is marked @Public(). Failures carry the
 * challenge MCP clients discover the authorization server from: an absolute `resource_metadata` URL (the tenant's
 * path-inserted protected resource metadata), the scopes, and `error="invalid_token"` when a token was sent.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard('bearer') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<Request>();
    // RFC 6750 allows tokens in the query or a form body; this server does not (they end up in logs and caches).
    if (
      (req.query as Record<string, unknown>)?.access_token !== undefined ||
      (req.body as Record<string, unknown> | undefined)?.access_token !== undefined
    ) {
      throw challengeError(
        400,
        'invalid_request',
        'Send the access token in the Authorization header, not in the URL or body.',
        this.challenge(req, 'invalid_request'),
      );
    }
    return super.canActivate(context);
  }

  override handleRequest<TUser>(err: unknown, user: TUser, info: unknown, context: ExecutionContext): TUser {
    const req = context.switchToHttp().getRequest<Request>();
    if (err instanceof IntrospectionUnavailableError) {
      throw new HttpError(
        503,
        'temporarily_unavailable',
        `${err.message} Your sign-in is kept; try again shortly.`,
        {
          'Retry-After': String(err.retryAfterSeconds ?? 5),
        },
      );
    }
    if (err instanceof InvalidTokenError)
      throw challengeError(
        401,
        'invalid_token',
        err.message,
        this.challenge(req, 'invalid_token', err.message),
      );
    if (err) throw err;
    if (user) return user;
    // No usable token: passport-http-bearer says 400 for a malformed Authorization header, else a bare challenge.
    if (info === 400) {
      throw challengeError(
        400,
        'invalid_request',
        'The Authorization header is malformed; send "Bearer <token>".',
        this.challenge(req, 'invalid_request'),
      );
    }
    throw challengeError(
      401,
      'unauthorized',
      'This endpoint needs an access token: authorize with the server named in WWW-Authenticate.',
      this.challenge(req),
    );
  }

  private challenge(req: Request, error?: string, description?: string) {
    return {
      resourceMetadata: req.tenant?.urls.protectedResourceMetadata,
      error,
      description,
      scope: RESOURCE_SCOPES.join(' '),
    };
  }
}
