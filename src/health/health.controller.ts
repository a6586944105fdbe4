import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import {
  HealthCheck,
  HealthCheckService,
  type HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { Public } from '../auth/public.decorator';
import { StateStoreHealth } from '../state/state-store.health';
import { DoceboReachability } from './docebo-reachability';
import { LifecycleService } from './lifecycle.service';
import { MetricsService } from './metrics.service';

@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly lifecycle: LifecycleService,
    private readonly metrics: MetricsService,
    private readonly stateStoreHealth: StateStoreHealth,
    private readonly docebo: DoceboReachability,
  ) {}

  /** Liveness: the process answers. Nothing else is checked, so a slow dependency never gets the pod killed. */
  @Get('health/live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /**
   * Readiness: configuration loaded, not shutting down, state store reachable (503 otherwise); each tenant's Docebo
   * reachable from a cached probe ("degraded", still 200, otherwise).
   */
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    try {
      return await this.health.check([
        () => this.config(),
        () => this.shutdown(),
        () => this.stateStore(),
        () => this.doceboReachability(),
      ]);
    } catch (e) {
      // Terminus reports a failed check as an exception; its body (which check failed) is useful and not secret.
      if (!(e instanceof ServiceUnavailableException)) throw e;
      res.status(503);
      return e.getResponse();
    }
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }

  /** The configuration was validated before the app could start; reaching this is the proof. */
  private config(): HealthIndicatorResult {
    return this.indicator.check('config').up();
  }

  /** The probe is bounded by its own timeout, so a hung Redis turns readiness 503 instead of hanging it. */
  private async stateStore(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('stateStore');
    const { store, error } = await this.stateStoreHealth.probe();
    return error ? check.down({ store, message: error }) : check.up({ store });
  }

  private doceboReachability(): HealthIndicatorResult {
    const check = this.indicator.check('docebo');
    const { allReachable, tenants } = this.docebo.snapshot();
    return allReachable ? check.up({ tenants }) : check.degraded({ tenants });
  }

  private shutdown(): HealthIndicatorResult {
    const check = this.indicator.check('shutdown');
    return this.lifecycle.shuttingDown ? check.down({ message: 'shutting down' }) : check.up();
  }
}
