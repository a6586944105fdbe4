import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of this process. A registry per application (not prom-client's global one), so several apps
 * in one process, as in tests, never collide.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, matched route, status and tenant',
    labelNames: ['method', 'route', 'status_code', 'tenant'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Times every request; the route label is the matched route pattern, never the raw path (bounded cardinality). */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const end = this.httpDuration.startTimer();
    res.once('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      // Nest answers unknown paths from a catch-all route ("{/*splat}"): count those as unmatched.
      const matched = typeof route === 'string' && !route.includes('*splat') ? route : undefined;
      end({
        method: req.method,
        route: matched ?? (res.statusCode === 404 ? 'unmatched' : 'other'),
        status_code: String(res.statusCode),
        tenant: req.tenant?.id ?? '',
      });
    });
    next();
  };
}
