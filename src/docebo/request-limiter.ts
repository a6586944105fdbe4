import { DoceboApiError } from './docebo-api.error';

/**
 * Per-tenant guard in front of Docebo: at most `concurrency` calls in flight (the rest wait their turn, first come
 * first served), and at most `perHour` calls in a fixed hourly window. Docebo documents 1,000 calls per hour per
 * source IP (docebo-api.md §6 [V D3]); the budget is per replica, so operators with several replicas behind one
 * egress IP set it to their share.
 */
export class RequestLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private windowStart = 0;
  private used = 0;

  constructor(
    private readonly concurrency: number,
    private readonly perHour: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one call against the hourly budget, or throws `budget_exhausted` with the seconds until it resets. */
  spend(): void {
    const now = this.now();
    if (now - this.windowStart >= 3_600_000) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used >= this.perHour) {
      const retryAfter = Math.ceil((this.windowStart + 3_600_000 - now) / 1000);
      throw new DoceboApiError('budget_exhausted', 0, undefined, retryAfter);
    }
    this.used++;
  }

  /** Runs `task` when a concurrency slot is free. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next)
        next(); // hand the slot straight over, so `active` never dips and lets a newcomer jump the queue
      else this.active--;
    }
  }

  /** Calls in flight and calls waiting, for tests and metrics. */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }
}
