import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { InjectConfig, type GatewayConfigNamespace } from '../config';
import { sendError } from '../common/error-response';
import { TenantRegistry } from './tenant-registry.service';
import type { Tenant } from './tenant';

declare module 'express-serve-static-core' {
  interface Request {
    /** The tenant this request is for; set by TenantResolver on every tenant-scoped route. */
    tenant?: Tenant;
  }
}

/** Routes that belong to the deployment rather than to a tenant. */
const UNTENANTED = /^\/(health\/|metrics(\?|$)|__sandbox\/)/;

export type Resolution =
  | { kind: 'untenanted' }
  | { kind: 'tenant'; tenant: Tenant; path: string }
  | { kind: 'unknown-tenant'; name: string }
  | { kind: 'unknown-host'; host: string };

/**
 * Finds the tenant of each request from the Host header (host mode) or the path prefix (path mode). In path mode
 * the prefix is removed from the URL, so every controller is written once, for `/mcp`, `/oauth2/…`, `/.well-known/…`.
 * Runs as plain Express middleware before Nest's router, because that is where a URL can still be rewritten.
 */
@Injectable()
export class TenantResolver {
  private readonly trustProxy: boolean;

  constructor(
    private readonly registry: TenantRegistry,
    @InjectConfig() { config }: GatewayConfigNamespace,
  ) {
    this.trustProxy = config.trustProxy !== false && config.trustProxy !== 0;
  }

  resolve(headers: { host?: string; forwardedHost?: string }, url: string): Resolution {
    if (UNTENANTED.test(url)) return { kind: 'untenanted' };
    const forwarded = this.trustProxy ? headers.forwardedHost?.split(',')[0].trim() : undefined;
    const host = forwarded || headers.host || '';
    const match = this.registry.pattern.match(host, url);
    if (!match) return { kind: 'unknown-host', host };
    const tenant = match.tenant === undefined ? this.registry.sole() : this.registry.get(match.tenant);
    if (!tenant) return { kind: 'unknown-tenant', name: match.tenant ?? '' };
    return { kind: 'tenant', tenant, path: match.path };
  }

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const forwardedHost = req.headers['x-forwarded-host'];
    const resolution = this.resolve(
      {
        host: req.headers.host,
        forwardedHost: Array.isArray(forwardedHost) ? forwardedHost[0] : forwardedHost,
      },
      req.url,
    );
    switch (resolution.kind) {
      case 'untenanted':
        return next();
      case 'tenant':
        req.tenant = resolution.tenant;
        req.url = resolution.path;
        return next();
      case 'unknown-tenant':
        return sendError(
          req,
          res,
          404,
          'unknown_tenant',
          `No tenant named "${resolution.name}" is served here.`,
        );
      case 'unknown-host':
        return sendError(
          req,
          res,
          404,
          'unknown_host',
          `No tenant is served at this host; this gateway answers at ${this.registry.pattern.pattern}.`,
        );
    }
  };
}
