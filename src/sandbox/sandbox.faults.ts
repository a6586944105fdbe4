import { z } from 'zod';

/**
 * Fault injection: what Docebo does on a bad day (docebo-api.md §6, §8): latency, 429 with Retry-After, 503 on
 * overload, 500, a malformed JSON body, a reset connection, a token revoked under the client's feet. Off by
 * default; set per instance (`sandbox.faults`, `POST /__admin/faults`) or per request (`X-Sandbox-Fault`).
 */

export const faultRuleSchema = z.strictObject({
  /** Only requests whose path starts with this, e.g. "/learn/v1/" (all requests when absent). */
  path: z.string().startsWith('/').optional(),
  /** Only this HTTP method. */
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .optional(),
  /** Apply to the next N matching requests, then drop the rule (forever when absent). */
  times: z.number().int().positive().optional(),
  /** Delay before answering, in ms. */
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  /** Answer with this status (and a Docebo-style error body) instead of handling the request. */
  status: z.number().int().min(400).max(599).optional(),
  /** Seconds for a Retry-After header on the status answer (no header when absent). */
  retryAfter: z.number().int().min(0).optional(),
  /** Handle the request, then send only the first half of the body (still labelled JSON). */
  malformed: z.boolean().optional(),
  /** Destroy the connection without an answer. */
  reset: z.boolean().optional(),
  /** Revoke the bearer token the request carries before handling it (so it gets a 401). */
  revoke: z.boolean().optional(),
});

/** One fault rule. */
export type FaultRule = z.output<typeof faultRuleSchema>;
export type FaultRuleInput = z.input<typeof faultRuleSchema>;

/** The effect applied to one request (the rule minus its matching fields). */
export type FaultEffect = Omit<FaultRule, 'path' | 'method' | 'times'>;

export class FaultHeaderError extends Error {}

/**
 * `X-Sandbox-Fault: latency=800`, `status=503`, `status=429;retry-after=2`, `malformed`, `reset`, `revoke`;
 * directives combine with `;` (or `,`).
 */
export function parseFaultHeader(value: string): FaultEffect {
  const effect: FaultEffect = {};
  for (const part of value.split(/[;,]/)) {
    const directive = part.trim();
    if (!directive) continue;
    const [rawName, rawValue] = directive.split('=', 2).map((s) => s.trim());
    const name = rawName.toLowerCase();
    const num = (min: number, max: number): number => {
      const n = rawValue !== undefined && /^\d+$/.test(rawValue) ? Number(rawValue) : NaN;
      if (!(n >= min && n <= max))
        throw new FaultHeaderError(`X-Sandbox-Fault: ${name} needs a number from ${min} to ${max}`);
      return n;
    };
    if (name === 'latency') effect.latencyMs = num(0, 120_000);
    else if (name === 'status') effect.status = num(400, 599);
    else if (name === 'retry-after') effect.retryAfter = num(0, 86_400);
    else if (name === 'malformed' || name === 'reset' || name === 'revoke') {
      if (rawValue !== undefined) throw new FaultHeaderError(`X-Sandbox-Fault: ${name} takes no value`);
      effect[name] = true;
    } else {
      throw new FaultHeaderError(
        `X-Sandbox-Fault: unknown directive "${name}" (use latency=ms, status=code, retry-after=s, malformed, reset, revoke)`,
      );
    }
  }
  return effect;
}

/** The instance's standing fault rules. */
export class FaultControl {
  private rules: FaultRule[] = [];

  /** Replaces every rule. */
  set(rules: FaultRuleInput | readonly FaultRuleInput[]): void {
    this.rules = (Array.isArray(rules) ? rules : [rules]).map((r) => faultRuleSchema.parse(r));
  }

  add(rule: FaultRuleInput): void {
    this.rules.push(faultRuleSchema.parse(rule));
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The first rule matching a request, consuming one of its `times`. */
  take(method: string, path: string): FaultEffect | undefined {
    const i = this.rules.findIndex(
      (r) => (!r.path || path.startsWith(r.path)) && (!r.method || r.method === method.toUpperCase()),
    );
    if (i < 0) return undefined;
    const rule = this.rules[i];
    if (rule.times !== undefined) {
      if (rule.times <= 1) this.rules.splice(i, 1);
      else this.rules[i] = { ...rule, times: rule.times - 1 };
    }
    const { path: _p, method: _m, times: _t, ...effect } = rule;
    return effect;
  }
}

/** The per-IP hourly budget (1,000 calls per hour per IP [V D3]), as a fixed one-hour window per address. */
export class RequestBudget {
  private readonly windows = new Map<string, { start: number; count: number }>();

  /** Counts a request; when over budget, how many seconds until the window resets. */
  take(ip: string, now: number, perHour: number): { ok: true } | { ok: false; retryAfter: number } {
    const hour = 3_600_000;
    let window = this.windows.get(ip);
    if (!window || now - window.start >= hour) {
      window = { start: now, count: 0 };
      this.windows.set(ip, window);
      if (this.windows.size > 10_000) this.sweep(now);
    }
    window.count++;
    if (window.count <= perHour) return { ok: true };
    return { ok: false, retryAfter: Math.max(1, Math.ceil((window.start + hour - now) / 1000)) };
  }

  clear(): void {
    this.windows.clear();
  }

  private sweep(now: number): void {
    for (const [ip, w] of this.windows) if (now - w.start >= 3_600_000) this.windows.delete(ip);
  }
}
