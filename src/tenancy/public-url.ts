/**
 * The public URL pattern from `publicUrl`, and the one place where every per-tenant public URL is derived.
 *
 * - host mode   `https://{tenant}.mcp.example.com`  → tenant from the Host header, issuer at the origin root
 * - path mode   `https://mcp.example.com/t/{tenant}` → tenant from the path prefix, issuer with a path
 * - single mode `http://localhost:3000`              → one tenant, no {tenant} at all
 */
export type TenancyMode = 'host' | 'path' | 'single';

/** Every public URL of one tenant. Strings, with no trailing slash, used byte for byte everywhere. */
export interface TenantUrls {
  /** Scheme, host and port: `https://acme.mcp.example.com`. */
  readonly origin: string;
  /** The path prefix of this tenant's routes: `''` or `/t/acme`. */
  readonly basePath: string;
  /** The authorization server's issuer, also `authorization_servers[0]` and the `iss` response parameter. */
  readonly issuer: string;
  /** The MCP endpoint, which is also the OAuth resource (token audience). */
  readonly mcp: string;
  /** RFC 9728 metadata of the MCP resource, path-inserted form (what 401 challenges point at). */
  readonly protectedResourceMetadata: string;
  /** RFC 8414 metadata of the issuer, path-inserted form. */
  readonly authorizationServerMetadata: string;
  readonly authorize: string;
  readonly token: string;
  readonly register: string;
  readonly revoke: string;
  /** The one redirect URI registered in the tenant's Docebo OAuth app. */
  readonly callback: string;
}

const PLACEHOLDER = '{tenant}';

export class PublicUrlPattern {
  readonly mode: TenancyMode;
  private readonly scheme: string;
  /** host mode: the host after "{tenant}."; otherwise the whole host. Includes a non-default port. */
  private readonly hostPart: string;
  /** path mode: the fixed prefix before the tenant segment, e.g. `/t`. */
  private readonly pathPrefix: string;

  constructor(readonly pattern: string) {
    const url = new URL(pattern.replace(PLACEHOLDER, 'x'));
    this.scheme = url.protocol;
    const authority = pattern.split('/')[2];
    if (authority.includes(PLACEHOLDER)) {
      this.mode = 'host';
      this.hostPart = url.host.slice(2); // drop "x."
      this.pathPrefix = '';
    } else {
      this.mode = pattern.includes(PLACEHOLDER) ? 'path' : 'single';
      this.hostPart = url.host;
      this.pathPrefix = this.mode === 'path' ? url.pathname.slice(0, url.pathname.lastIndexOf('/')) : '';
    }
  }

  /** The host (with port when not default) requests for a tenant arrive at, lowercase. */
  hostFor(tenant: string): string {
    return this.mode === 'host' ? `${tenant}.${this.hostPart}` : this.hostPart;
  }

  basePathFor(tenant: string): string {
    return this.mode === 'path' ? `${this.pathPrefix}/${tenant}` : '';
  }

  urlsFor(tenant: string): TenantUrls {
    const origin = `${this.scheme}//${this.hostFor(tenant)}`;
    const basePath = this.basePathFor(tenant);
    const base = origin + basePath;
    return {
      origin,
      basePath,
      issuer: base,
      mcp: `${base}/mcp`,
      protectedResourceMetadata: `${origin}/.well-known/oauth-protected-resource${basePath}/mcp`,
      authorizationServerMetadata: `${origin}/.well-known/oauth-authorization-server${basePath}`,
      authorize: `${base}/oauth2/authorize`,
      token: `${base}/oauth2/token`,
      register: `${base}/oauth2/register`,
      revoke: `${base}/oauth2/revoke`,
      callback: `${base}/oauth2/callback`,
    };
  }

  /**
   * Which tenant a request names, and the path it has inside the tenant. `host` is the Host (or trusted
   * X-Forwarded-Host) header; `path` is the request path with its query. Returns undefined when the request
   * does not fit the pattern at all; the tenant may still be unknown to the registry.
   */
  match(host: string, path: string): { tenant: string | undefined; path: string } | undefined {
    const requestHost = normalizeHost(host, this.scheme);
    if (this.mode === 'host') {
      const suffix = `.${this.hostPart}`;
      if (!requestHost.endsWith(suffix)) return undefined;
      const label = requestHost.slice(0, -suffix.length);
      return label && !label.includes('.') ? { tenant: label, path } : undefined;
    }
    if (requestHost !== this.hostPart) return undefined;
    if (this.mode === 'single') return { tenant: undefined, path };
    return this.matchPath(path);
  }

  /** Path mode: `/t/acme/mcp` → acme + `/mcp`; `/.well-known/x/t/acme/mcp` → acme + `/.well-known/x/mcp`. */
  private matchPath(path: string): { tenant: string | undefined; path: string } | undefined {
    const q = path.indexOf('?');
    const [pathname, query] = q < 0 ? [path, ''] : [path.slice(0, q), path.slice(q)];
    const wellKnown = /^\/\.well-known\/[^/]+/.exec(pathname);
    const head = wellKnown ? wellKnown[0] : '';
    const rest = pathname.slice(head.length);
    if (!rest.startsWith(`${this.pathPrefix}/`)) return undefined;
    const afterPrefix = rest.slice(this.pathPrefix.length + 1);
    const slash = afterPrefix.indexOf('/');
    const tenant = slash < 0 ? afterPrefix : afterPrefix.slice(0, slash);
    if (!tenant) return undefined;
    const inner = slash < 0 ? '' : afterPrefix.slice(slash);
    return { tenant: safeDecode(tenant), path: (head + inner || '/') + query };
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment;
  }
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** Lowercase, no trailing dot, no default port: `Acme.MCP.example.com.:443` → `acme.mcp.example.com`. */
export function normalizeHost(host: string, scheme: string): string {
  let h = host.trim().toLowerCase();
  const port = /:(\d+)$/.exec(h);
  if (port && !h.endsWith(']') && port[1] === DEFAULT_PORTS[scheme]) h = h.slice(0, -port[0].length);
  return h.replace(/\.(?=$|:)/, '');
}
