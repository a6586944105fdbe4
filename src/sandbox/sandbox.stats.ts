/** A copy of the counters at one moment. */
export interface SandboxStatsSnapshot {
  /** Requests received (admin endpoints excluded), whatever their outcome. */
  total: number;
  /** Requests by `"<METHOD> <path>"`, path without the query: `{"GET /manage/v1/user/session": 1}`. */
  calls: Record<string, number>;
  /** Responses by status code (a reset connection has none). */
  statuses: Record<string, number>;
}

/** Call counters of one sandbox instance, so tests can assert how often the gateway really called Docebo. */
export class SandboxStats {
  private total = 0;
  private readonly calls = new Map<string, number>();
  private readonly statuses = new Map<number, number>();

  record(method: string, path: string): void {
    this.total++;
    const key = `${method.toUpperCase()} ${path}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
  }

  recordStatus(status: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  /** Calls to one path (exact, no query), e.g. `count('/manage/v1/user/session')`. */
  count(path: string, method = 'GET'): number {
    return this.calls.get(`${method.toUpperCase()} ${path}`) ?? 0;
  }

  /** Calls whose path starts with a prefix, any method or the given one. */
  countPrefix(prefix: string, method?: string): number {
    let n = 0;
    for (const [key, value] of this.calls) {
      const space = key.indexOf(' ');
      if (
        (!method || key.slice(0, space) === method.toUpperCase()) &&
        key.slice(space + 1).startsWith(prefix)
      )
        n += value;
    }
    return n;
  }

  get requests(): number {
    return this.total;
  }

  snapshot(): SandboxStatsSnapshot {
    return {
      total: this.total,
      calls: Object.fromEntries(this.calls),
      statuses: Object.fromEntries([...this.statuses].map(([k, v]) => [String(k), v])),
    };
  }

  reset(): void {
    this.total = 0;
    this.calls.clear();
    this.statuses.clear();
  }
}
