import { Injectable, Logger } from '@nestjs/common';
import { DoceboClient } from '../docebo';
import { TenantRegistry } from '../tenancy';

interface Probe {
  reachable: boolean;
  detail: string;
  at: number;
}

/** How long a probe result is trusted: long when Docebo answered (the probe costs budget), short when it did not. */
const FRESH_MS = 5 * 60_000;
const STALE_FAILURE_MS = 30_000;

/**
 * Whether each tenant's Docebo answers, for readiness. Readiness never waits for Docebo and never calls it on every
 * probe: it reads the last result, and a stale result starts one background probe. An unreachable Docebo makes
 * readiness "degraded" (still 200): the gateway's own endpoints keep working and tool calls fail gracefully, so a
 * Docebo outage must not take every replica out of the load balancer.
 */
@Injectable()
export class DoceboReachability {
  private readonly logger = new Logger(DoceboReachability.name);
  private readonly results = new Map<string, Probe>();
  private readonly running = new Set<string>();

  constructor(
    private readonly registry: TenantRegistry,
    private readonly docebo: DoceboClient,
  ) {}

  /** Per tenant: "reachable (HTTP 401)", "unreachable (timeout)", or "not probed yet". */
  snapshot(): { allReachable: boolean; tenants: Record<string, string> } {
    const tenants: Record<string, string> = {};
    let allReachable = true;
    for (const tenant of this.registry.all()) {
      const result = this.results.get(tenant.id);
      const age = result ? Date.now() - result.at : Infinity;
      if (age > (result?.reachable ? FRESH_MS : STALE_FAILURE_MS)) this.refresh(tenant.id);
      if (!result) tenants[tenant.id] = 'not probed yet';
      else {
        tenants[tenant.id] = `${result.reachable ? 'reachable' : 'unreachable'} (${result.detail})`;
        allReachable &&= result.reachable;
      }
    }
    return { allReachable, tenants };
  }

  private refresh(tenantId: string): void {
    const tenant = this.registry.get(tenantId);
    if (!tenant || this.running.has(tenantId)) return;
    this.running.add(tenantId);
    void this.docebo
      .probe(tenant)
      .then((r) => {
        const previous = this.results.get(tenantId);
        if (previous?.reachable !== r.reachable)
          this.logger.log(
            `Docebo of tenant ${tenantId} is ${r.reachable ? 'reachable' : 'unreachable'} (${r.detail})`,
          );
        this.results.set(tenantId, { ...r, at: Date.now() });
      })
      .finally(() => this.running.delete(tenantId));
  }
}
