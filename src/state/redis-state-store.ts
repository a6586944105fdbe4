import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import type { StateStore } from './state-store';
import { StateStoreError, StateStoreUnavailableError } from './state-store.errors';
import { checkTtl } from './ttl.util';

/** Options of the Redis store. The defaults fail a call within about two seconds when Redis is away. */
export interface RedisStateStoreOptions {
  /** Prepended to every key, so the gateway can share a Redis database. Default `dmg:`. */
  readonly prefix?: string;
  /** Longest wait for one TCP/TLS connection attempt. Default 2000 ms. */
  readonly connectTimeoutMs?: number;
  /** Longest wait for any command's answer, including time queued while reconnecting. Default 2000 ms. */
  readonly commandTimeoutMs?: number;
}

/**
 * Single-use operations as Lua scripts: Redis runs a script without interleaving any other command, so these are
 * atomic across every replica that shares the server. (GETDEL would do for `take`, but needs Redis ≥ 6.2.)
 */
const SCRIPTS = {
  dmgTake: {
    numberOfKeys: 1,
    lua: `local value = redis.call('GET', KEYS[1])
if value then redis.call('DEL', KEYS[1]) end
return value`,
  },
  dmgCompareAndSet: {
    numberOfKeys: 1,
    lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`,
  },
  // A fixed window: the first increment starts it. A counter that somehow lost its expiry gets one again.
  dmgIncrement: {
    numberOfKeys: 1,
    lua: `local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`,
  },
} as const;

/** The commands ioredis defines from SCRIPTS (EVALSHA, falling back to EVAL after a server restart). */
interface ScriptCommands {
  dmgTake(key: string): Promise<string | null>;
  dmgCompareAndSet(key: string, expected: string, value: string, ttlMs: number): Promise<number>;
  dmgIncrement(key: string, windowMs: number): Promise<[number, number]>;
}

/** Redis replies that mean "not now" rather than "wrong command". */
const UNAVAILABLE_REPLIES = /^(LOADING|READONLY|MASTERDOWN|BUSY|OOM|TRYAGAIN|CLUSTERDOWN|NOAUTH|WRONGPASS)\b/;

/**
 * The state store shared by several replicas: one Redis server (ioredis). Every operation is one command or one
 * Lua script, so nothing can interleave between a read and the write that depends on it.
 *
 * Failure behaviour: commands issued while disconnected wait in ioredis's offline queue, but never longer than
 * `commandTimeoutMs`, and they are failed after one unsuccessful reconnection attempt; commands in flight when
 * the connection drops are failed rather than resent (a resent `setIfAbsent` or `take` that had in fact run
 * would name the wrong winner; failing is the honest answer). Every failure surfaces as StateStoreUnavailableError (or StateStoreError
 * for a refused command), with a message naming neither keys nor values. The client keeps reconnecting in the
 * background (backoff up to 2 s), so the store recovers by itself when Redis comes back.
 */
export class RedisStateStore implements StateStore {
  private readonly logger = new Logger(RedisStateStore.name);
  private readonly redis: Redis;
  private readonly scripts: ScriptCommands;
  /** The server without credentials, fit for logs and readiness output. */
  readonly location: string;
  private failing = false;
  private closed = false;
  /** Why the latest connection attempt failed (an errno code such as ECONNREFUSED), for error messages. */
  private connectionProblem: string | undefined;

  constructor(url: string, options: RedisStateStoreOptions = {}) {
    this.location = describeRedisUrl(url);
    const commandTimeout = options.commandTimeoutMs ?? 2_000;
    this.redis = new Redis(url, {
      keyPrefix: options.prefix ?? 'dmg:',
      connectTimeout: options.connectTimeoutMs ?? 2_000,
      commandTimeout,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000),
      // A failover turns the old primary read-only; reconnecting (re-resolving the name) finds the new one.
      reconnectOnError: (error) => error.message.startsWith('READONLY'),
      connectionName: 'docebo-mcp-gateway',
      scripts: SCRIPTS,
    });
    this.scripts = this.redis as unknown as ScriptCommands;
    this.redis.on('error', (error: Error & { code?: unknown }) => {
      this.connectionProblem = reasonOf(error);
      // ioredis reports every failed reconnection attempt; one line per outage is enough.
      if (this.failing || this.closed) return;
      this.failing = true;
      this.logger.warn(`Redis state store ${this.location} unreachable (${reasonOf(error)}); retrying`);
    });
    this.redis.on('ready', () => {
      this.connectionProblem = undefined;
      if (!this.failing) return;
      this.failing = false;
      this.logger.log(`Redis state store ${this.location} reachable again`);
    });
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const ttl = checkTtl(ttlMs);
    await this.run(() => this.redis.set(key, value, 'PX', ttl));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const ttl = checkTtl(ttlMs);
    return (await this.run(() => this.redis.set(key, value, 'PX', ttl, 'NX'))) === 'OK';
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.run(() => this.redis.get(key))) ?? undefined;
  }

  async take(key: string): Promise<string | undefined> {
    return (await this.run(() => this.scripts.dmgTake(key))) ?? undefined;
  }

  async compareAndSet(
    key: string,
    expected: string | undefined,
    value: string,
    ttlMs: number,
  ): Promise<boolean> {
    const ttl = checkTtl(ttlMs);
    if (expected === undefined) return this.setIfAbsent(key, value, ttl);
    return (await this.run(() => this.scripts.dmgCompareAndSet(key, expected, value, ttl))) === 1;
  }

  async delete(key: string): Promise<void> {
    await this.run(() => this.redis.del(key));
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    const ttl = checkTtl(ttlMs);
    return (await this.run(() => this.redis.pexpire(key, ttl))) === 1;
  }

  async increment(key: string, windowMs: number): Promise<{ count: number; resetMs: number }> {
    const window = checkTtl(windowMs, 'windowMs');
    const [count, resetMs] = await this.run(() => this.scripts.dmgIncrement(key, window));
    return { count: Number(count), resetMs: Number(resetMs) };
  }

  async ping(): Promise<void> {
    await this.run(() => this.redis.ping());
  }

  /** Closes the connection (politely when connected) and stops reconnecting. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.redis.status === 'ready') {
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      this.redis.disconnect();
    }
  }

  /**
   * Nest runs this after the HTTP server has closed. Not onModuleDestroy: that runs before the server stops,
   * while in-flight requests may still need the store.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (e) {
      throw this.translate(e);
    }
  }

  /**
   * ioredis errors carry the command and its arguments (keys, values) as properties; a logger would print them.
   * A fresh error with a fixed-vocabulary message replaces them, and the original is deliberately not kept.
   */
  private translate(e: unknown): StateStoreError {
    const error = e instanceof Error ? e : new Error(String(e));
    if (error.name === 'ReplyError') {
      const code = /^[A-Z]+/.exec(error.message)?.[0] ?? 'ERR';
      return UNAVAILABLE_REPLIES.test(error.message)
        ? new StateStoreUnavailableError(`Redis state store ${this.location} unavailable (${code})`)
        : new StateStoreError(`Redis state store ${this.location} refused a command (${code})`);
    }
    let reason = reasonOf(error);
    if (reason === 'cannot connect' && this.connectionProblem) reason += `: ${this.connectionProblem}`;
    return new StateStoreUnavailableError(`Redis state store ${this.location} unavailable (${reason})`);
  }
}

/** A short, key-free reason for a connection-level failure. */
function reasonOf(error: Error & { code?: unknown }): string {
  if (error.name === 'MaxRetriesPerRequestError') return 'cannot connect';
  if (/timed? ?out/i.test(error.message)) return 'timed out';
  if (error.message === 'Connection is closed.') return 'connection closed';
  if (typeof error.code === 'string' && /^[A-Z_]+$/.test(error.code)) return error.code;
  return 'connection error';
}

/** `rediss://user:pw@host:6380/2` → `rediss://host:6380/2`: the URL may carry a password. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    const db = u.pathname && u.pathname !== '/' ? u.pathname : '';
    return `${u.protocol}//${u.host}${db}`;
  } catch {
    return 'redis';
  }
}
