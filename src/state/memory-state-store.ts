import { Logger } from '@nestjs/common';
import type { StateStore } from './state-store';
import { StateStoreError } from './state-store.errors';
import { checkTtl } from './ttl.util';

/** Options of the in-memory store; the defaults suit one gateway replica. */
export interface MemoryStateStoreOptions {
  /** Most entries held at once; see MemoryStateStore for what happens when it is reached. Default 100 000. */
  readonly maxEntries?: number;
  /** How often expired entries are swept out (they are also dropped whenever they are read). Default 60 s. */
  readonly sweepIntervalMs?: number;
  /** Milliseconds since the epoch; tests pass a controllable clock. */
  readonly now?: () => number;
}

interface Entry {
  value: string;
  /** Epoch milliseconds after which the entry no longer exists. */
  expiresAt: number;
}

/** At capacity, an O(n) sweep for expired entries runs at most this often before anything is evicted. */
const FULL_SWEEP_INTERVAL_MS = 1_000;
const EVICTION_WARNING_INTERVAL_MS = 60_000;

/**
 * The state store of a single replica: a Map in this process.
 *
 * - Expiry is lazy (an expired entry is dropped when it is touched) plus a periodic sweep on an `unref()`'d
 *   timer, so memory held by entries nobody reads again is returned too. `close()` stops the timer.
 * - Bounded: at most `maxEntries` entries. When a new key would exceed the bound, expired entries are swept
 *   first; if the store is still full, the entry **created or replaced longest ago** is evicted (first-in,
 *   first-out over writes: `set`, `setIfAbsent`, `compareAndSet` and a counter's first `increment` count as
 *   writes; reads, `expire` and later increments do not). Short-lived entries (codes, transactions, counters)
 *   are the newest, so they survive; what goes first is the oldest long-lived data, e.g. a client registration,
 *   which a client can redo. A warning is logged (at most once a minute) so an operator can raise the bound or
 *   move to Redis.
 * - Atomic: every operation runs to completion synchronously inside one call, so no other call can interleave.
 */
export class MemoryStateStore implements StateStore {
  private readonly logger = new Logger(MemoryStateStore.name);
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly sweepTimer: NodeJS.Timeout;
  private lastSweep: number;
  private lastEvictionWarning = -Infinity;
  private evictedCount = 0;

  constructor(options: MemoryStateStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError('maxEntries must be a positive integer');
    }
    this.now = options.now ?? Date.now;
    this.lastSweep = this.now();
    this.sweepTimer = setInterval(
      () => this.sweep(),
      checkTtl(options.sweepIntervalMs ?? 60_000, 'sweepIntervalMs'),
    );
    // The sweep must never keep the process (or a test run) alive on its own.
    this.sweepTimer.unref();
  }

  /** Live and not-yet-swept entries. */
  get size(): number {
    return this.entries.size;
  }

  /** Entries evicted because the store was full, since it was created. */
  get evicted(): number {
    return this.evictedCount;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.write(key, value, checkTtl(ttlMs));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const ttl = checkTtl(ttlMs);
    if (this.live(key)) return false;
    this.write(key, value, ttl);
    return true;
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async take(key: string): Promise<string | undefined> {
    const entry = this.live(key);
    if (entry) this.entries.delete(key);
    return entry?.value;
  }

  async compareAndSet(
    key: string,
    expected: string | undefined,
    value: string,
    ttlMs: number,
  ): Promise<boolean> {
    const ttl = checkTtl(ttlMs);
    if (this.live(key)?.value !== expected) return false;
    this.write(key, value, ttl);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    const ttl = checkTtl(ttlMs);
    const entry = this.live(key);
    if (!entry) return false;
    entry.expiresAt = this.now() + ttl;
    return true;
  }

  async increment(key: string, windowMs: number): Promise<{ count: number; resetMs: number }> {
    const window = checkTtl(windowMs, 'windowMs');
    const now = this.now();
    const entry = this.live(key);
    if (!entry) {
      this.write(key, '1', window);
      return { count: 1, resetMs: window };
    }
    // Same refusal as Redis INCR on a value that is not an integer.
    if (!/^-?\d+$/.test(entry.value)) throw new StateStoreError('state store: value is not a counter');
    const count = Number(entry.value) + 1;
    entry.value = String(count);
    return { count, resetMs: entry.expiresAt - now };
  }

  async ping(): Promise<void> {}

  /** Drops every expired entry; returns how many. Runs on the timer, and before evicting when full. */
  sweep(): number {
    const now = this.now();
    this.lastSweep = now;
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** Stops the sweep timer. The entries stay readable until the store is garbage collected. */
  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
  }

  /** Nest calls this after the HTTP server has closed, when no request can need the store any more. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** The entry under `key` unless it has expired (then it is dropped: lazy expiry). */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private write(key: string, value: string, ttlMs: number): void {
    // Deleting first moves a replaced key to the end of the Map's insertion order (newest write).
    const replaced = this.entries.delete(key);
    if (!replaced && this.entries.size >= this.maxEntries) this.makeRoom();
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  private makeRoom(): void {
    const now = this.now();
    if (now - this.lastSweep >= FULL_SWEEP_INTERVAL_MS && this.sweep() > 0) return;
    // A Map iterates in insertion order: the first key is the one written longest ago.
    const oldest = this.entries.keys().next();
    if (oldest.done) return;
    this.entries.delete(oldest.value);
    this.evictedCount++;
    if (now - this.lastEvictionWarning >= EVICTION_WARNING_INTERVAL_MS) {
      this.lastEvictionWarning = now;
      this.logger.warn(
        `Memory state store is full (${this.maxEntries} entries): evicting the oldest entries ` +
          `(${this.evictedCount} so far). Use a Redis state store (stateStore: redis://…) for this load.`,
      );
    }
  }
}
