import { Injectable } from '@nestjs/common';
import { InjectConfig, type GatewayConfigNamespace } from '../config';
import { PublicUrlPattern } from './public-url';
import type { Tenant } from './tenant';

/** The tenants this deployment serves, built once from configuration. */
@Injectable()
export class TenantRegistry {
  readonly pattern: PublicUrlPattern;
  private readonly tenants: ReadonlyMap<string, Tenant>;

  constructor(@InjectConfig() { config }: GatewayConfigNamespace) {
    this.pattern = new PublicUrlPattern(config.publicUrl);
    this.tenants = new Map(
      Object.entries(config.tenants).map(([id, tenantConfig]) => [
        id,
        {
          id,
          displayName: tenantConfig.displayName ?? `Docebo (${id})`,
          config: tenantConfig,
          urls: this.pattern.urlsFor(id),
        },
      ]),
    );
  }

  get(id: string): Tenant | undefined {
    return this.tenants.get(id);
  }

  all(): Tenant[] {
    return [...this.tenants.values()];
  }

  /** The only tenant, in single mode. */
  sole(): Tenant {
    return this.tenants.values().next().value as Tenant;
  }

  /** Every origin the gateway's own pages are served from (for Origin checks). */
  origins(): Set<string> {
    return new Set(this.all().map((t) => t.urls.origin));
  }
}
