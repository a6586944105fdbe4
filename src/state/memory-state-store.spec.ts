import { Logger } from '@nestjs/common';
import { MemoryStateStore } from './memory-state-store';
import { describeStateStore } from './state-store.contract';

describeStateStore('MemoryStateStore', async () => new MemoryStateStore());

describe('MemoryStateStore specifics', () => {
  let time = 1_000_000;
  const now = () => time;
  let stores: MemoryStateStore[] = [];
  const make = (options: ConstructorParameters<typeof MemoryStateStore>[0] = {}) => {
    const store = new MemoryStateStore({ now, ...options });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
    jest.restoreAllMocks();
  });

  it('the sweep frees expired entries nobody reads again', async () => {
    const store = make();
    await store.set('short-1', 'v', 1_000);
    await store.set('short-2', 'v', 1_000);
    await store.set('long', 'v', 60_000);
    time += 1_001;
    expect(store.size).toBe(3); // lazy: nothing has touched them yet
    expect(store.sweep()).toBe(2);
    expect(store.size).toBe(1);
    expect(await store.get('long')).toBe('v');
  });

  it('sweeps on its own timer', async () => {
    const store = make({ sweepIntervalMs: 10 });
    await store.set('short', 'v', 1_000);
    time += 1_001;
    for (let i = 0; i < 200 && store.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(store.size).toBe(0);
  });

  it('when full, evicts the entry created or replaced longest ago, and warns once', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const store = make({ maxEntries: 3 });
    await store.set('a', '1', 60_000);
    await store.set('b', '2', 60_000);
    await store.set('c', '3', 60_000);
    await store.set('a', '1b', 60_000); // replacing moves "a" to the newest position
    await store.get('b'); // reads and new lifetimes are not writes: no reordering
    await store.expire('b', 120_000);
    await store.set('d', '4', 60_000); // full: "b" goes
    expect(store.size).toBe(3);
    expect(await store.get('b')).toBeUndefined();
    expect([await store.get('a'), await store.get('c'), await store.get('d')]).toEqual(['1b', '3', '4']);
    await store.set('e', '5', 60_000); // then "c"
    expect(await store.get('c')).toBeUndefined();
    expect(store.evicted).toBe(2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/full \(3 entries\)/);
    // Keys and values never appear in the warning.
    expect(String(warn.mock.calls[0][0])).not.toMatch(/"b"|1b/);
  });

  it('when full, drops expired entries before evicting live ones', async () => {
    const store = make({ maxEntries: 2 });
    await store.set('expiring', 'v', 500);
    await store.set('live', 'v', 60_000);
    time += 2_000;
    await store.set('new', 'v', 60_000);
    expect(store.evicted).toBe(0);
    expect(await store.get('live')).toBe('v');
    expect(await store.get('new')).toBe('v');
  });

  it('replacing a key in a full store evicts nothing', async () => {
    const store = make({ maxEntries: 2 });
    await store.set('a', '1', 60_000);
    await store.set('b', '2', 60_000);
    expect(await store.compareAndSet('a', '1', '1b', 60_000)).toBe(true);
    expect(store.evicted).toBe(0);
    expect(await store.get('b')).toBe('2');
  });

  it('measures the increment window on its clock', async () => {
    const store = make();
    expect(await store.increment('n', 10_000)).toEqual({ count: 1, resetMs: 10_000 });
    time += 4_000;
    expect(await store.increment('n', 10_000)).toEqual({ count: 2, resetMs: 6_000 });
    time += 6_000;
    expect(await store.increment('n', 10_000)).toEqual({ count: 1, resetMs: 10_000 });
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new MemoryStateStore({ maxEntries: 0 })).toThrow(RangeError);
  });
});
