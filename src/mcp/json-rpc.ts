import type { Response } from 'express';

/** Whether a (tenant-relative) path is the MCP endpoint; Express also routes `/mcp/` there. */
export function isMcpPath(path: string): boolean {
  return path === '/mcp' || path === '/mcp/';
}

/** A JSON-RPC error that is not tied to a request id (transport-level problems), as the SDK writes them. */
export function sendJsonRpcError(
  res: Response,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.status(status);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
/** The SDK's code for transport-level refusals (bad headers, too large, wrong method). */
export const TRANSPORT_ERROR = -32000;

/** A parsed message's method and params, when it looks like a JSON-RPC request. */
export function describeMessage(message: unknown): { method?: string; params?: Record<string, unknown> } {
  if (!message || typeof message !== 'object' || Array.isArray(message)) return {};
  const { method, params } = message as { method?: unknown; params?: unknown };
  return {
    method: typeof method === 'string' ? method : undefined,
    params: params && typeof params === 'object' ? (params as Record<string, unknown>) : undefined,
  };
}
