import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import type { Tenant } from '../tenancy';
import { DoceboApiError } from './docebo-api.error';
import { DoceboEndpoints } from './docebo-endpoints';
import { RequestLimiter } from './request-limiter';

export type QueryValue = string | number | boolean | undefined | readonly (string | number)[];

/** One call to Docebo's REST API on behalf of a user. */
export interface DoceboRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the tenant base URL; build it with `path\`…\``, which encodes each interpolated value. */
  readonly path: string;
  /** Arrays are sent PHP-style, `name[]=a&name[]=b`, as Docebo expects. Undefined values are left out. */
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
  /** The user's Docebo access token. */
  readonly token: string;
}

/** Time as the client sees it; tests replace it to observe backoff without waiting. */
export interface DoceboClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
export const DOCEBO_CLOCK = Symbol('DoceboClock');
const realClock: DoceboClock = { now: Date.now, sleep: (ms) => sleep(ms) };

/** Network errors that prove the request never reached Docebo, so even a POST may be retried. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 4_000;
const MAX_ERROR_BODY = 4_096;

/**
 * Encodes each interpolated value as exactly one path segment, so an id can never add segments, climb with "..",
 * or start a query: path`/learn/v1/courses/${id}`.
 */
export function path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((out, s, i) => {
    if (i === values.length) return out + s;
    const raw = String(values[i]);
    if (raw === '' || raw === '.' || raw === '..')
      throw new DoceboApiError('rejected', 0, `"${raw}" is not a valid id`);
    return out + s + encodeURIComponent(raw);
  }, '');
}

export function buildQuery(query: DoceboRequest['query'] = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(`${name}[]`, String(item));
    else params.append(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), if present and sane. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Docebo's error bodies vary ({message}, {error, error_description}, {name}, [{message}]); take the first text. */
export function extractDoceboMessage(text: string): string | undefined {
  let found: unknown;
  try {
    const body = JSON.parse(text) as Record<string, unknown> | unknown[];
    const first = (v: unknown): unknown =>
      Array.isArray(v) ? first(v[0]) : v && typeof v === 'object' ? (v as { message?: unknown }).message : v;
    found = Array.isArray(body)
      ? first(body)
      : [
          first(body.message),
          body.error_description,
          body.error,
          body.name,
          first((body.data as { message?: unknown })?.message),
        ].find((v) => typeof v === 'string' && v.trim());
  } catch {
    found = /^\s*</.test(text) ? undefined : text; // an HTML error page says nothing useful
  }
  if (typeof found !== 'string' || !found.trim()) return undefined;
  const line = found.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** One exchange with Docebo: a whole answer (status and body text), or the error that prevented one. */
type Attempt =
  | { ok: true; status: number; text: string }
  | { ok: false; error: DoceboApiError; /** the request certainly did not reach Docebo */ notSent?: boolean };

/**
 * The only code that does I/O to Docebo's REST API: per-tenant concurrency limit and hourly budget, a timeout on
 * every call, retries with exponential backoff and full jitter for idempotent calls (network errors, timeouts,
 * 429 honouring Retry-After, 502/503/504; bounded in count and total time), a POST retried only when it provably
 * never left, every failure mapped to a DoceboApiError, and every success parsed by a zod schema.
 */
@Injectable()
export class DoceboHttp {
  private readonly logger = new Logger('Docebo');
  private readonly limiters = new Map<string, RequestLimiter>();

  constructor(
    private readonly endpoints: DoceboEndpoints,
    @Optional() @Inject(DOCEBO_CLOCK) private readonly clock: DoceboClock = realClock,
  ) {}

  limiter(tenant: Tenant): RequestLimiter {
    let limiter = this.limiters.get(tenant.id);
    if (!limiter) {
      const { concurrency, requestsPerHour } = tenant.config.docebo;
      limiter = new RequestLimiter(concurrency, requestsPerHour, () => this.clock.now());
      this.limiters.set(tenant.id, limiter);
    }
    return limiter;
  }

  /** Calls Docebo and returns the body parsed by `schema`. */
  async call<S extends z.ZodType>(tenant: Tenant, request: DoceboRequest, schema: S): Promise<z.output<S>> {
    const body = await this.send(tenant, request);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      this.logger.warn(
        `Unexpected Docebo response shape for ${request.method} ${templateOf(request.path)}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
      );
      throw new DoceboApiError('malformed', 200);
    }
    return parsed.data;
  }

  /** Calls Docebo and returns the parsed JSON body (unknown), after status handling and retries. */
  async send(tenant: Tenant, request: DoceboRequest): Promise<unknown> {
    const { timeout, retry } = tenant.config.docebo;
    const idempotent = request.method === 'GET';
    const started = this.clock.now();
    const limiter = this.limiter(tenant);
    for (let attempt = 1; ; attempt++) {
      const result = await limiter.run(() => {
        limiter.spend();
        return this.attempt(tenant, request, timeout);
      });
      if (result.ok) return this.parseJson(result, request);
      const { error } = result;
      const mayRetry =
        (idempotent && error.retryable && error.kind !== 'server_error') || result.notSent === true;
      if (!mayRetry || attempt >= retry.maxAttempts) throw error;
      const delay =
        error.retryAfterSeconds !== undefined
          ? error.retryAfterSeconds * 1000
          : Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
      if (this.clock.now() - started + delay > retry.maxTotal) throw error;
      this.logger.debug(
        `Retrying ${request.method} ${templateOf(request.path)} in ${Math.round(delay)} ms (${error.kind}, attempt ${attempt})`,
      );
      await this.clock.sleep(delay);
    }
  }

  /**
   * Whether the tenant's Docebo answers at all: an unauthenticated GET of the session endpoint, where any answer
   * below 500 (Docebo says 401) means reachable. Costs one call of the hourly budget; callers cache the result.
   */
  async probe(tenant: Tenant): Promise<{ reachable: boolean; detail: string }> {
    const limiter = this.limiter(tenant);
    try {
      limiter.spend();
      const response = await fetch(`${this.endpoints.for(tenant).apiBase}/manage/v1/user/session`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(Math.min(tenant.config.docebo.timeout, 3000)),
        redirect: 'manual',
      });
      await response.body?.cancel();
      return { reachable: response.status < 500, detail: `HTTP ${response.status}` };
    } catch (e) {
      if (e instanceof DoceboApiError) return { reachable: true, detail: 'hourly budget used up' };
      return {
        reachable: false,
        detail: classifyFetchError(e).ok
          ? 'unknown'
          : (classifyFetchError(e) as { error: DoceboApiError }).error.kind,
      };
    }
  }

  private async attempt(tenant: Tenant, request: DoceboRequest, timeout: number): Promise<Attempt> {
    const url = this.endpoints.for(tenant).apiBase + request.path + buildQuery(request.query);
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${request.token}`,
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    try {
      // The timeout covers the whole exchange, body included: a stalled body is as bad as a stalled connect.
      const response = await fetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(timeout),
        redirect: 'manual', // an API that redirects is misconfigured; never follow it with the user's token
      });
      const text = await response.text();
      if (response.ok) return { ok: true, status: response.status, text };
      if (response.status >= 300 && response.status < 400) {
        return { ok: false, error: new DoceboApiError('malformed', response.status, 'unexpected redirect') };
      }
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), this.clock.now());
      const message = extractDoceboMessage(text.slice(0, MAX_ERROR_BODY));
      return { ok: false, error: DoceboApiError.fromStatus(response.status, message, retryAfter) };
    } catch (e) {
      return classifyFetchError(e);
    }
  }

  private parseJson(result: { status: number; text: string }, request: DoceboRequest): unknown {
    if (!result.text) return {};
    try {
      return JSON.parse(result.text);
    } catch {
      this.logger.warn(
        `Docebo answered ${request.method} ${templateOf(request.path)} with a body that is not JSON`,
      );
      throw new DoceboApiError('malformed', result.status);
    }
  }
}

function classifyFetchError(e: unknown): Attempt {
  const err = e as { name?: string; cause?: { code?: string; name?: string } };
  if (err.name === 'TimeoutError' || err.cause?.name === 'TimeoutError' || err.name === 'AbortError') {
    return { ok: false, error: new DoceboApiError('timeout', 0) };
  }
  const code = err.cause?.code;
  return { ok: false, error: new DoceboApiError('network', 0), notSent: !!code && NOT_SENT.has(code) };
}

/**
 * `/learn/v1/courses/123` → `/learn/v1/courses/{id}` for logs, which carry no ids or search text. Every segment with
 * a digit is an id, except the API version (`v1`).
 */
function templateOf(p: string): string {
  return p.replace(/\/([^/]*)/g, (segment, name: string) =>
    /\d/.test(name) && !/^v\d+$/.test(name) ? '/{id}' : segment,
  );
}
