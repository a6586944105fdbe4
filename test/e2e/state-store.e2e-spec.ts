import Redis from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { STATE_STORE, type StateStore } from '../../src/state';
import { startApp, type RunningApp } from '../support/app';
import { startRedis, type RunningRedis } from '../support/redis';

async function ready(gw: RunningApp): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${gw.url}/health/ready`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function eventually(check: () => Promise<void>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(100);
    }
  }
}

describe('state store in the running app', () => {
  it('with the default memory store, readiness reports it up', async () => {
    const gw = await startApp();
    try {
      const { status, body } = await ready(gw);
      expect(status).toBe(200);
      expect(body).toMatchObject({ details: { stateStore: { status: 'up', store: 'memory' } } });
    } finally {
      await gw.close();
    }
  });

  describe('with Redis', () => {
    let redis: RunningRedis;
    let gw: RunningApp | undefined;
    let raw: Redis | undefined;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await gw?.close();
      await raw?.quit();
      await redis?.stop();
    });

    it('readiness follows Redis: 503 naming the store while it is down, 200 again once it is back', async () => {
      gw = await startApp({ stateStore: redis.url });
      const store = gw.app.get<StateStore>(STATE_STORE);
      await store.set('e2e', 'shared', 60_000);
      raw = new Redis(redis.url);
      expect(await raw.get('dmg:e2e')).toBe('shared');

      expect(await ready(gw)).toMatchObject({
        status: 200,
        body: { details: { stateStore: { status: 'up', store: redis.url } } },
      });

      await raw.quit();
      raw = undefined;
      await redis.stop();
      const down = await ready(gw);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({
        status: 'error',
        error: { stateStore: { status: 'down', store: redis.url } },
      });
      const message = (down.body.error as Record<string, { message: string }>).stateStore.message;
      expect(message).toContain(`Redis state store ${redis.url} unavailable`);

      redis = await startRedis({ port: redis.port });
      await eventually(async () => expect((await ready(gw!)).status).toBe(200));
    });

    it('closes its Redis connection when the app shuts down', async () => {
      raw = new Redis(redis.url);
      const gatewayClients = async () =>
        String(await raw!.client('LIST'))
          .split('\n')
          .filter((line) => line.includes('name=docebo-mcp-gateway')).length;
      expect(await gatewayClients()).toBe(1);
      await gw!.close();
      gw = undefined;
      await eventually(async () => expect(await gatewayClients()).toBe(0));
    });
  });
});
