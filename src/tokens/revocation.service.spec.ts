import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis, type RunningRedis } from '../../test/support/redis';
import { MemoryStateStore } from '../state/memory-state-store';
import { RedisStateStore } from '../state/redis-state-store';
import type { ClosableStateStore } from '../state/state-store.contract';
import type { Clock } from './clock';
import { RevocationService } from './revocation.service';
import { CLOCK_TOLERANCE_SECONDS } from './token.service';
import { TokenError } from './token.types';

let redis: RunningRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

let prefixes = 0;
const stores: [string, () => ClosableStateStore][] = [
  ['memory', () => new MemoryStateStore()],
  ['Redis', () => new RedisStateStore(redis.url, { prefix: `revocation${++prefixes}:` })],
];

describe.each(stores)('RevocationService on the %s store', (_name, makeStore) => {
  let store: ClosableStateStore;
  let clock: { ms: number } & Clock;
  let revocation: RevocationService;
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  beforeEach(() => {
    store = makeStore();
    // Real time (the store expires entries on its own clock), but movable for computing lifetimes.
    clock = { ms: Date.now(), now: () => clock.ms };
    revocation = new RevocationService(store, clock);
  });
  afterEach(() => store.close());

  it('reports a revoked token id as revoked, and other ids not', async () => {
    await revocation.revokeToken('jti-1', nowSeconds() + 3600);
    expect(await revocation.isRevoked({ jti: 'jti-1' })).toBe(true);
    expect(await revocation.isRevoked({ jti: 'jti-2' })).toBe(false);
    expect(await revocation.isRevoked({ jti: 'jti-2', grantId: 'grant-1' })).toBe(false);
    expect(await revocation.isRevoked({})).toBe(false);
  });

  it('revoking a grant revokes every token of it, whatever its jti', async () => {
    await revocation.revokeGrant('grant-1', 60_000);
    expect(await revocation.isRevoked({ jti: 'any', grantId: 'grant-1' })).toBe(true);
    expect(await revocation.isRevoked({ grantId: 'grant-1' })).toBe(true);
    expect(await revocation.isRevoked({ jti: 'any', grantId: 'grant-2' })).toBe(false);
  });

  it('keeps a token revocation exactly until the token could no longer be accepted', async () => {
    const exp = nowSeconds() + 10;
    // Pretend it is 100 ms before exp + tolerance: the entry must live ~100 ms.
    clock.ms = (exp + CLOCK_TOLERANCE_SECONDS) * 1000 - 100;
    await revocation.revokeToken('jti-short', exp);
    expect(await revocation.isRevoked({ jti: 'jti-short' })).toBe(true);
    await sleep(250);
    expect(await revocation.isRevoked({ jti: 'jti-short' })).toBe(false);
  });

  it('stores nothing for a token that has already expired', async () => {
    await revocation.revokeToken('jti-old', nowSeconds() - CLOCK_TOLERANCE_SECONDS - 1);
    expect(await revocation.isRevoked({ jti: 'jti-old' })).toBe(false);
    expect(await store.get('revoked:jti:jti-old')).toBeUndefined();
  });

  it('lets a grant revocation lapse after its ttl', async () => {
    await revocation.revokeGrant('grant-short', 80);
    expect(await revocation.isRevoked({ grantId: 'grant-short' })).toBe(true);
    await sleep(200);
    expect(await revocation.isRevoked({ grantId: 'grant-short' })).toBe(false);
  });

  it('assertNotRevoked throws TokenError("revoked") only for revoked tokens', async () => {
    await revocation.revokeToken('jti-1', nowSeconds() + 60);
    await expect(revocation.assertNotRevoked({ jti: 'jti-2', grantId: 'g' })).resolves.toBeUndefined();
    const error = await revocation.assertNotRevoked({ jti: 'jti-1', grantId: 'g' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect(error).toMatchObject({ reason: 'revoked', message: 'token has been revoked' });
  });
});
