import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { GatewayConfig } from '../config';

/** Query parameters and JSON fields whose values are secrets: never logged, wherever they appear. */
const SECRET_PARAMS = [
  'code',
  'code_verifier',
  'client_secret',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'password',
  'assertion',
  'client_assertion',
];
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];
export const REDACTED = '[REDACTED]';

/** `/oauth2/callback?code=abc&state=x` → `/oauth2/callback?code=[REDACTED]&state=x` (also inside absolute URLs). */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let changed = false;
  for (const name of SECRET_PARAMS) {
    if (params.has(name)) {
      params.set(name, REDACTED);
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q)}?${params.toString()}` : url;
}

/** Response headers worth a log line; the rest (security headers, ETag) is the same on every response. */
const LOGGED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'location',
  'www-authenticate',
  'retry-after',
];

function redactHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (SECRET_HEADERS.includes(lower)) out[name] = REDACTED;
    else if (lower === 'location' || lower === 'referer') out[name] = redactUrl(String(value));
    else out[name] = value;
  }
  return out;
}

/** Structured fields to censor in any log object, at the depths our own log calls use. */
const REDACT_PATHS = SECRET_PARAMS.filter((p) => p !== 'code' && p !== 'token').flatMap((p) => [
  p,
  `*.${p}`,
  `*.*.${p}`,
]);

interface SerializedReq {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
  raw?: IncomingMessage;
}

/** nestjs-pino options: JSON lines, one request id per line, secrets removed, pretty in a terminal. */
export function loggerParams(config: GatewayConfig, destination?: DestinationStream, isTty = false): Params {
  const pretty = config.log.pretty === 'auto' ? isTty : config.log.pretty;
  return {
    pinoHttp: [
      {
        level: config.log.level,
        genReqId: (req: IncomingMessage) => req.id,
        redact: { paths: REDACT_PATHS, censor: REDACTED },
        serializers: {
          req: (req: SerializedReq) => ({
            id: req.id,
            method: req.method,
            url: req.url && redactUrl(req.url),
            headers: redactHeaders(req.headers),
            remoteAddress: req.remoteAddress,
          }),
          res: (res: { statusCode?: number; headers?: Record<string, unknown> }) => ({
            statusCode: res.statusCode,
            headers: redactHeaders(
              Object.fromEntries(
                Object.entries(res.headers ?? {}).filter(([name]) => LOGGED_RESPONSE_HEADERS.includes(name)),
              ),
            ),
          }),
        },
        customProps: (req: IncomingMessage & { tenant?: { id: string } }) =>
          req.tenant ? { tenant: req.tenant.id } : {},
        customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
          err || res.statusCode >= 500
            ? 'error'
            : res.statusCode >= 400 && res.statusCode !== 401
              ? 'warn'
              : 'info',
        ...(pretty && !destination
          ? {
              transport: {
                target: 'pino-pretty',
                options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
              },
            }
          : {}),
      },
      ...(destination ? [destination] : []),
    ] as Params['pinoHttp'],
  };
}
