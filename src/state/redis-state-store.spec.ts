import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/support/ports';
import { startRedis, type RunningRedis } from '../../test/support/redis';
import { describeRedisUrl, RedisStateStore } from './redis-state-store';
import { describeStateStore } from './state-store.contract';
import { StateStoreError, StateStoreUnavailableError } from './state-store.errors';

let redis: RunningRedis;
let prefixes = 0;
const opened: { close(): Promise<void> }[] = [];
function open<T extends { close(): Promise<void> }>(closable: T): T {
  opened.push(closable);
  return closable;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await redis?.stop();
});

// A fresh key prefix per test keeps tests apart on one server.
describeStateStore(
  'RedisStateStore',
  async () => new RedisStateStore(redis.url, { prefix: `t${++prefixes}:` }),
);

/** Polls until `check` resolves, or fails after `ms`. */
async function eventually(check: () => Promise<unknown>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(50);
    }
  }
}

describe('RedisStateStore specifics', () => {
  let raw: Redis;
  beforeAll(() => {
    raw = open(
      Object.assign(new Redis(redis.url), {
        close: async () => void (await raw.quit()),
      }),
    );
  });
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('puts every key, script keys included, under the prefix (default "dmg:")', async () => {
    const store = open(new RedisStateStore(redis.url));
    await store.set('plain', 'v', 60_000);
    await store.increment('counter', 60_000);
    await store.set('once', 'v', 60_000);
    await store.compareAndSet('once', 'v', 'w', 60_000);
    expect(await raw.get('dmg:plain')).toBe('v');
    expect(await raw.get('dmg:counter')).toBe('1');
    expect(await raw.get('dmg:once')).toBe('w');
    expect(await store.take('once')).toBe('w');
    expect(await raw.exists('dmg:once', 'plain', 'counter', 'once')).toBe(0);
    expect(await raw.pttl('dmg:counter')).toBeGreaterThan(0);
  });

  it('keeps single-use operations atomic across replicas (four connections, 100 callers)', async () => {
    const prefix = `replicas${++prefixes}:`;
    const replicas = Array.from({ length: 4 }, () => open(new RedisStateStore(redis.url, { prefix })));
    await replicas[0].set('code', 'once', 60_000);
    const taken = await Promise.all(Array.from({ length: 100 }, (_, i) => replicas[i % 4].take('code')));
    expect(taken.filter((v) => v !== undefined)).toEqual(['once']);

    const claimed = await Promise.all(
      Array.from({ length: 100 }, (_, i) => replicas[i % 4].setIfAbsent('claim', String(i), 60_000)),
    );
    expect(claimed.filter(Boolean)).toHaveLength(1);

    await replicas[0].set('family', 'gen-1', 60_000);
    const rotated = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        replicas[i % 4].compareAndSet('family', 'gen-1', `g${i}`, 60_000),
      ),
    );
    expect(rotated.filter(Boolean)).toHaveLength(1);

    const counts = await Promise.all(
      Array.from({ length: 100 }, (_, i) => replicas[i % 4].increment('hits', 60_000)),
    );
    expect(new Set(counts.map((c) => c.count)).size).toBe(100);
    expect(Math.max(...counts.map((c) => c.count))).toBe(100);
  });

  it('reports a refused command as StateStoreError, not as unavailable, naming no key', async () => {
    const store = open(new RedisStateStore(redis.url, { prefix: `t${++prefixes}:` }));
    await store.set('secret-key-1234', 'text', 60_000);
    const error = await store.increment('secret-key-1234', 60_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateStoreError);
    expect(error).not.toBeInstanceOf(StateStoreUnavailableError);
    expect((error as Error).message).not.toContain('secret-key-1234');
    expect(Object.keys(error as object)).not.toContain('command');
  });

  it('reports unavailable quickly when the server stops, and recovers when it restarts', async () => {
    let server = await startRedis();
    try {
      const store = open(
        new RedisStateStore(server.url, { prefix: 'outage:', commandTimeoutMs: 500, connectTimeoutMs: 500 }),
      );
      await store.set('code-ABCDEF', 'v', 60_000);
      await server.stop();

      await expect(store.ping()).rejects.toBeInstanceOf(StateStoreUnavailableError);
      const error = await store.take('code-ABCDEF').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateStoreUnavailableError);
      expect((error as Error).message).toContain(`127.0.0.1:${server.port}`);
      expect((error as Error).message).not.toContain('code-ABCDEF');
      await expect(store.setIfAbsent('k', 'v', 1_000)).rejects.toBeInstanceOf(StateStoreUnavailableError);

      server = await startRedis({ port: server.port });
      await eventually(() => store.ping());
      // The new server has an empty script cache: scripts must be loaded again transparently.
      await store.set('code-2', 'v2', 60_000);
      expect(await store.take('code-2')).toBe('v2');
      expect((await store.increment('n', 60_000)).count).toBe(1);
      expect(await store.get('code-ABCDEF')).toBeUndefined(); // a server without persistence lost it
      // One warning for the outage, however many reconnection attempts failed.
      expect(jest.mocked(Logger.prototype.warn)).toHaveBeenCalledTimes(1);
    } finally {
      await server.stop();
    }
  });

  it('fails fast when Redis is not there at all, and logs no password', async () => {
    const port = await freePort();
    const store = open(
      new RedisStateStore(`redis://:hunter2@127.0.0.1:${port}/0`, {
        commandTimeoutMs: 500,
        connectTimeoutMs: 500,
      }),
    );
    const error = await store.get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateStoreUnavailableError);
    expect((error as Error).message).toBe(
      `Redis state store redis://127.0.0.1:${port}/0 unavailable (cannot connect: ECONNREFUSED)`,
    );
    await expect(store.ping()).rejects.toBeInstanceOf(StateStoreUnavailableError);
    const warnings = jest.mocked(Logger.prototype.warn).mock.calls.map((c) => String(c[0]));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.join('\n')).not.toContain('hunter2');
    // Closing while disconnected neither hangs nor throws.
    await expect(store.close()).resolves.toBeUndefined();
  });

  it('describes a Redis URL without its credentials', () => {
    expect(describeRedisUrl('rediss://user:pw@cache.internal:6380/2')).toBe('rediss://cache.internal:6380/2');
    expect(describeRedisUrl('redis://h')).toBe('redis://h');
    expect(describeRedisUrl('not a url')).toBe('redis');
  });
});
