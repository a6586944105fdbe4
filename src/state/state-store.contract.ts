/// <reference types="jest" />
// The one behaviour suite both StateStore implementations must pass (run by memory-state-store.spec.ts and
// redis-state-store.spec.ts). Not a spec itself: it only declares tests when called.
import { setTimeout as sleep } from 'node:timers/promises';
import type { StateStore } from './state-store';
import { StateStoreError } from './state-store.errors';

/** A store under test, and how to release it. */
export type ClosableStateStore = StateStore & { close(): Promise<void> };

/** Short enough to keep the suite fast, long enough that a value is certainly still there right after writing. */
const SHORT_TTL = 80;
const AFTER_SHORT_TTL = 200;
const LONG_TTL = 60_000;

/**
 * Declares the StateStore behaviour tests. `makeStore` is called before each test and must return an empty
 * store (e.g. a fresh key prefix); it is closed after the test.
 */
export function describeStateStore(name: string, makeStore: () => Promise<ClosableStateStore>): void {
  describe(`${name} (StateStore contract)`, () => {
    let store: ClosableStateStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('set and get', () => {
      it('returns what was stored, and undefined for a key never stored', async () => {
        await store.set('a', 'one', LONG_TTL);
        expect(await store.get('a')).toBe('one');
        expect(await store.get('b')).toBeUndefined();
      });

      it('keeps unicode keys and values byte for byte, and an empty string apart from absence', async () => {
        const value = 'Grüße 🚀 日本語 \u0000 "quoted" \\ \n end';
        await store.set('clé:ключ:🔑', value, LONG_TTL);
        await store.set('empty', '', LONG_TTL);
        expect(await store.get('clé:ключ:🔑')).toBe(value);
        expect(await store.get('empty')).toBe('');
        expect(await store.take('clé:ключ:🔑')).toBe(value);
      });

      it('replaces the value and the lifetime of an existing key', async () => {
        await store.set('k', 'old', SHORT_TTL);
        await store.set('k', 'new', LONG_TTL);
        await sleep(AFTER_SHORT_TTL);
        expect(await store.get('k')).toBe('new');
      });

      it('forgets a value once its lifetime has passed', async () => {
        await store.set('k', 'v', SHORT_TTL);
        expect(await store.get('k')).toBe('v');
        await sleep(AFTER_SHORT_TTL);
        expect(await store.get('k')).toBeUndefined();
      });

      it('refuses lifetimes that are not positive and finite', async () => {
        for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expect(store.set('k', 'v', ttl)).rejects.toBeInstanceOf(RangeError);
          await expect(store.setIfAbsent('k', 'v', ttl)).rejects.toBeInstanceOf(RangeError);
          await expect(store.compareAndSet('k', undefined, 'v', ttl)).rejects.toBeInstanceOf(RangeError);
          await expect(store.expire('k', ttl)).rejects.toBeInstanceOf(RangeError);
          await expect(store.increment('k', ttl)).rejects.toBeInstanceOf(RangeError);
        }
        expect(await store.get('k')).toBeUndefined();
      });
    });

    describe('setIfAbsent', () => {
      it('stores only when the key is absent, and never overwrites', async () => {
        expect(await store.setIfAbsent('k', 'first', LONG_TTL)).toBe(true);
        expect(await store.setIfAbsent('k', 'second', LONG_TTL)).toBe(false);
        expect(await store.get('k')).toBe('first');
      });

      it('treats an expired key as absent', async () => {
        expect(await store.setIfAbsent('k', 'first', SHORT_TTL)).toBe(true);
        await sleep(AFTER_SHORT_TTL);
        expect(await store.setIfAbsent('k', 'second', LONG_TTL)).toBe(true);
        expect(await store.get('k')).toBe('second');
      });

      it('lets exactly one of 100 concurrent callers win, and keeps the winner’s value', async () => {
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) => store.setIfAbsent('race', `caller-${i}`, LONG_TTL)),
        );
        const winners = results.flatMap((won, i) => (won ? [i] : []));
        expect(winners).toHaveLength(1);
        expect(await store.get('race')).toBe(`caller-${winners[0]}`);
      });
    });

    describe('take', () => {
      it('returns the value and deletes it, so a second take gets nothing', async () => {
        await store.set('code', 'grant-1', LONG_TTL);
        expect(await store.take('code')).toBe('grant-1');
        expect(await store.take('code')).toBeUndefined();
        expect(await store.get('code')).toBeUndefined();
      });

      it('returns undefined for a missing or expired key', async () => {
        expect(await store.take('missing')).toBeUndefined();
        await store.set('short', 'v', SHORT_TTL);
        await sleep(AFTER_SHORT_TTL);
        expect(await store.take('short')).toBeUndefined();
      });

      it('gives the value to exactly one of 100 concurrent callers', async () => {
        await store.set('code', 'single-use', LONG_TTL);
        const results = await Promise.all(Array.from({ length: 100 }, () => store.take('code')));
        expect(results.filter((r) => r !== undefined)).toEqual(['single-use']);
      });
    });

    describe('compareAndSet', () => {
      it('replaces the value when it equals the expected one, and refuses otherwise', async () => {
        await store.set('k', 'gen-1', LONG_TTL);
        expect(await store.compareAndSet('k', 'gen-0', 'gen-2', LONG_TTL)).toBe(false);
        expect(await store.get('k')).toBe('gen-1');
        expect(await store.compareAndSet('k', 'gen-1', 'gen-2', LONG_TTL)).toBe(true);
        expect(await store.get('k')).toBe('gen-2');
      });

      it('with expected undefined, sets only an absent key', async () => {
        expect(await store.compareAndSet('k', undefined, 'first', LONG_TTL)).toBe(true);
        expect(await store.compareAndSet('k', undefined, 'second', LONG_TTL)).toBe(false);
        expect(await store.get('k')).toBe('first');
      });

      it('refuses when a value is expected but the key is absent or expired', async () => {
        expect(await store.compareAndSet('missing', 'x', 'y', LONG_TTL)).toBe(false);
        expect(await store.get('missing')).toBeUndefined();
        await store.set('short', 'x', SHORT_TTL);
        await sleep(AFTER_SHORT_TTL);
        expect(await store.compareAndSet('short', 'x', 'y', LONG_TTL)).toBe(false);
        expect(await store.get('short')).toBeUndefined();
      });

      it('does not confuse an empty string with absence', async () => {
        await store.set('k', '', LONG_TTL);
        expect(await store.compareAndSet('k', undefined, 'x', LONG_TTL)).toBe(false);
        expect(await store.compareAndSet('k', '', 'x', LONG_TTL)).toBe(true);
        expect(await store.get('k')).toBe('x');
      });

      it('gives the replaced value the new lifetime', async () => {
        await store.set('k', 'a', LONG_TTL);
        expect(await store.compareAndSet('k', 'a', 'b', SHORT_TTL)).toBe(true);
        await sleep(AFTER_SHORT_TTL);
        expect(await store.get('k')).toBeUndefined();
      });

      it('lets exactly one of 100 concurrent callers with the same expectation win', async () => {
        await store.set('family', 'gen-1', LONG_TTL);
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            store.compareAndSet('family', 'gen-1', `gen-2/${i}`, LONG_TTL),
          ),
        );
        const winners = results.flatMap((won, i) => (won ? [i] : []));
        expect(winners).toHaveLength(1);
        expect(await store.get('family')).toBe(`gen-2/${winners[0]}`);
      });
    });

    describe('delete', () => {
      it('removes a key, and accepts a key that does not exist', async () => {
        await store.set('k', 'v', LONG_TTL);
        await store.delete('k');
        expect(await store.get('k')).toBeUndefined();
        await expect(store.delete('never-stored')).resolves.toBeUndefined();
      });
    });

    describe('expire', () => {
      it('returns false for a missing or expired key, and does not create it', async () => {
        expect(await store.expire('missing', LONG_TTL)).toBe(false);
        expect(await store.get('missing')).toBeUndefined();
        await store.set('short', 'v', SHORT_TTL);
        await sleep(AFTER_SHORT_TTL);
        expect(await store.expire('short', LONG_TTL)).toBe(false);
        expect(await store.get('short')).toBeUndefined();
      });

      it('shortens the lifetime of an existing key', async () => {
        await store.set('k', 'v', LONG_TTL);
        expect(await store.expire('k', SHORT_TTL)).toBe(true);
        expect(await store.get('k')).toBe('v');
        await sleep(AFTER_SHORT_TTL);
        expect(await store.get('k')).toBeUndefined();
      });

      it('extends the lifetime of an existing key', async () => {
        await store.set('k', 'v', SHORT_TTL);
        expect(await store.expire('k', LONG_TTL)).toBe(true);
        await sleep(AFTER_SHORT_TTL);
        expect(await store.get('k')).toBe('v');
      });
    });

    describe('increment', () => {
      it('counts from 1 within a fixed window that starts at the first increment', async () => {
        const first = await store.increment('hits', LONG_TTL);
        expect(first.count).toBe(1);
        expect(first.resetMs).toBeGreaterThan(LONG_TTL - 5_000);
        expect(first.resetMs).toBeLessThanOrEqual(LONG_TTL);
        await sleep(20);
        const second = await store.increment('hits', LONG_TTL);
        expect(second.count).toBe(2);
        // The window is not pushed back by later increments.
        expect(second.resetMs).toBeLessThan(first.resetMs);
        expect(second.resetMs).toBeGreaterThan(0);
        expect(await store.get('hits')).toBe('2');
      });

      it('starts again at 1 after the window ends', async () => {
        await store.increment('hits', SHORT_TTL);
        expect((await store.increment('hits', SHORT_TTL)).count).toBe(2);
        await sleep(AFTER_SHORT_TTL);
        expect((await store.increment('hits', SHORT_TTL)).count).toBe(1);
      });

      it('keeps separate counters per key', async () => {
        await store.increment('a', LONG_TTL);
        await store.increment('a', LONG_TTL);
        expect((await store.increment('b', LONG_TTL)).count).toBe(1);
        expect((await store.increment('a', LONG_TTL)).count).toBe(3);
      });

      it('loses no increment under 100 concurrent callers', async () => {
        const results = await Promise.all(
          Array.from({ length: 100 }, () => store.increment('hits', LONG_TTL)),
        );
        expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 100 }, (_, i) => i + 1),
        );
      });

      it('refuses to count a key that holds something other than a counter', async () => {
        await store.set('k', 'not a number', LONG_TTL);
        await expect(store.increment('k', LONG_TTL)).rejects.toBeInstanceOf(StateStoreError);
        expect(await store.get('k')).toBe('not a number');
      });
    });

    it('ping resolves while the store is reachable', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
