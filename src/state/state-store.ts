/**
 * The small shared store for what must be single-use or revocable: used authorization codes, pending
 * authorization transactions, refresh-token families, revoked token ids, rate-limit counters and registered
 * clients. Values are strings (callers serialize); every key expires. Two implementations, memory (one replica)
 * and Redis (several replicas), pass one test suite.
 *
 * Every operation that makes something single-use is atomic across replicas (Redis: one command or a Lua script).
 *
 * Failures: a store that cannot be reached throws StateStoreUnavailableError (state-store.errors.ts) within a
 * bounded time, never hangs; answer such requests with "try again later". Lifetimes must be positive and finite
 * (RangeError otherwise). Error messages never contain keys or values.
 */
export interface StateStore {
  /** Stores `value` under `key` for `ttlMs`, replacing what was there. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Stores only when `key` is absent; true when this call stored it (the first caller wins). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
  /** Reads and deletes in one step: of concurrent callers exactly one gets the value (single-use codes, state). */
  take(key: string): Promise<string | undefined>;
  /**
   * Replaces the value only when it currently equals `expected` (`undefined`: only when absent); true when
   * replaced. The new value gets `ttlMs`.
   */
  compareAndSet(key: string, expected: string | undefined, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Sets a new lifetime for an existing key; false when the key does not exist. */
  expire(key: string, ttlMs: number): Promise<boolean>;
  /**
   * Adds one to a counter that lives `windowMs` from its first increment (a fixed window) and returns the new
   * count together with the milliseconds until the window ends.
   */
  increment(key: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
  /** Throws when the store cannot be reached (readiness). */
  ping(): Promise<void>;
}

/** Injection token of the configured StateStore. */
export const STATE_STORE = Symbol('StateStore');
