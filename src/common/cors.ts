import type { NextFunction, Request, Response } from 'express';

/** Public endpoints any web page may call (browser-based MCP clients such as MCP Inspector): metadata, token, DCR. */
const OPEN_PATHS = /^\/(\.well-known\/|oauth2\/(token|register|revoke)$)/;

/**
 * CORS for the public OAuth and discovery endpoints: any origin, no credentials (nothing there uses cookies).
 * Runs after the tenant resolver, so path-mode prefixes are already gone. /mcp has its own, stricter rules.
 */
export function openCors(req: Request, res: Response, next: NextFunction): void {
  if (!OPEN_PATHS.test(req.path)) return next();
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate, Retry-After');
  if (req.method !== 'OPTIONS') return next();
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, MCP-Protocol-Version');
  res.setHeader('Access-Control-Max-Age', '86400');
  res.status(204).end();
}
