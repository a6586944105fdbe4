import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectConfig, type GatewayConfigNamespace } from '../config';

/**
 * Knows whether the process is shutting down. On SIGTERM, Nest calls beforeApplicationShutdown before it stops
 * the HTTP server: readiness turns 503 at once, and the drain delay gives load balancers time to notice before
 * the listening socket closes. In-flight requests then finish (the server closes without cutting them).
 */
@Injectable()
export class LifecycleService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LifecycleService.name);
  private draining = false;

  constructor(@InjectConfig() private readonly loaded: GatewayConfigNamespace) {}

  get shuttingDown(): boolean {
    return this.draining;
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.draining = true;
    const delay = this.loaded.config.server.drainDelay;
    this.logger.log(
      `Shutting down${signal ? ` on ${signal}` : ''}: readiness is now 503${delay ? `, draining for ${delay} ms` : ''}`,
    );
    if (delay) await sleep(delay);
  }
}
