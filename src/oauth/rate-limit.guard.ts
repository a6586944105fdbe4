import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { HttpError } from '../common/http-error';
import { InjectConfig, type GatewayConfigNamespace } from '../config';
import { STATE_STORE, type StateStore } from '../state/state-store';

export type RateLimitBucket = 'authorize' | 'token' | 'register';
const RATE_LIMIT = 'gateway:rateLimit';

/** Limits a route per client IP and minute, with the counter in the state store so it holds across replicas. */
export const RateLimit = (bucket: RateLimitBucket) => SetMetadata(RATE_LIMIT, bucket);

@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limits: Record<RateLimitBucket, number>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(STATE_STORE) private readonly store: StateStore,
    @InjectConfig() { config }: GatewayConfigNamespace,
  ) {
    this.limits = config.oauth.rateLimits;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const bucket = this.reflector.get<RateLimitBucket | undefined>(RATE_LIMIT, context.getHandler());
    if (!bucket) return true;
    const req = context.switchToHttp().getRequest<Request>();
    // req.ip honours X-Forwarded-For only as far as `trustProxy` allows (Express's trust proxy setting).
    const { count, resetMs } = await this.store.increment(
      `rl:${bucket}:${req.tenant?.id ?? ''}:${req.ip ?? 'unknown'}`,
      60_000,
    );
    if (count <= this.limits[bucket]) return true;
    const seconds = Math.max(1, Math.ceil(resetMs / 1000));
    throw new HttpError(
      429,
      'rate_limited',
      `Too many ${bucket} requests from this address; try again in ${seconds} s.`,
      {
        'Retry-After': String(seconds),
      },
    );
  }
}
