import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { InjectConfig, type GatewayConfigNamespace } from '../config';
import { TenantRegistry } from '../tenancy';
import { isMcpPath, sendJsonRpcError, TRANSPORT_ERROR } from './json-rpc';

const ALLOW_HEADERS = 'Authorization, Content-Type, MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID';
const EXPOSE_HEADERS = 'WWW-Authenticate, Mcp-Session-Id';

/**
 * Origin validation and CORS for /mcp (Streamable HTTP security rules): a request whose Origin is present and not
 * allowed gets 403 before anything else runs (DNS-rebinding and cross-site protection); allowed browser origins
 * (the gateway's own and `allowedOrigins`) get CORS headers, preflights included. Clients that send no Origin —
 * every native client — are unaffected.
 */
@Injectable()
export class McpOriginPolicy {
  private readonly allowed: Set<string>;

  constructor(registry: TenantRegistry, @InjectConfig() { config }: GatewayConfigNamespace) {
    this.allowed = new Set([...registry.origins(), ...config.allowedOrigins.map((o) => new URL(o).origin)]);
  }

  isAllowed(origin: string): boolean {
    return this.allowed.has(origin);
  }

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (!isMcpPath(req.path) || !req.tenant) return next();
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    if (!this.isAllowed(origin)) {
      return sendJsonRpcError(
        res,
        403,
        TRANSPORT_ERROR,
        `Forbidden: requests from origin ${origin} are not allowed.`,
      );
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    if (req.method !== 'OPTIONS') return next();
    res.setHeader('Access-Control-Allow-Methods', 'POST, GET, DELETE, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
    res.setHeader('Access-Control-Max-Age', '86400');
    res.status(204).end();
  };
}
