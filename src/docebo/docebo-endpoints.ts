import { Injectable } from '@nestjs/common';
import { InjectConfig, type GatewayConfigNamespace } from '../config';
import type { Tenant } from '../tenancy';

/** Where a tenant's Docebo is, for the gateway's own calls and for the user's browser. */
export interface DoceboLocation {
  /** Base URL of server-to-server calls (API and token endpoint), no trailing slash. */
  readonly apiBase: string;
  /** Docebo's authorization endpoint, where the user's browser is sent to sign in. */
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  /** True when this is the embedded sandbox rather than a real Docebo. */
  readonly sandbox: boolean;
}

/** The path the embedded sandbox of each sandbox tenant is mounted at (see src/sandbox). */
export const SANDBOX_MOUNT = '/__sandbox';

/**
 * Resolves each tenant's Docebo location. A real Docebo has one base URL. The embedded sandbox is served by this
 * very process: browsers reach it through the tenant's public origin, while the gateway calls it over loopback,
 * because a pod often cannot reach its own public URL.
 */
@Injectable()
export class DoceboEndpoints {
  private readonly loopbackBase: string;

  constructor(@InjectConfig() { config }: GatewayConfigNamespace) {
    this.loopbackBase = `http://${loopbackHost(config.server.host)}:${config.server.port}`;
  }

  for(tenant: Tenant): DoceboLocation {
    const { baseUrl } = tenant.config.docebo;
    if (baseUrl !== 'sandbox') {
      return {
        apiBase: baseUrl,
        authorizeUrl: `${baseUrl}/oauth2/authorize`,
        tokenUrl: `${baseUrl}/oauth2/token`,
        sandbox: false,
      };
    }
    const mount = `${SANDBOX_MOUNT}/${tenant.id}`;
    const apiBase = this.loopbackBase + mount;
    return {
      apiBase,
      authorizeUrl: `${tenant.urls.origin}${mount}/oauth2/authorize`,
      tokenUrl: `${apiBase}/oauth2/token`,
      sandbox: true,
    };
  }
}

/** The address this process can call itself at, given the address it listens on. */
export function loopbackHost(listenHost: string): string {
  if (['0.0.0.0', 'localhost', '127.0.0.1', ''].includes(listenHost)) return '127.0.0.1';
  if (['::', '::1', '[::1]', '[::]'].includes(listenHost)) return '[::1]';
  return listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost;
}
