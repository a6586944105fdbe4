import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { startApp, type RunningApp } from '../support/app';
import { json } from '../support/json';
import { freePort } from '../support/ports';

describe('foundation: health, metrics, errors, logging', () => {
  let gw: RunningApp;
  beforeAll(async () => {
    gw = await startApp();
  });
  afterAll(() => gw.close());

  it('GET /health/live answers 200', async () => {
    const res = await fetch(`${gw.url}/health/live`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('GET /health/ready answers 200 with the config check up', async () => {
    const res = await fetch(`${gw.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      details: { config: { status: 'up' }, shutdown: { status: 'up' } },
    });
  });

  it('GET /metrics serves Prometheus text with the request histogram by route and status', async () => {
    await fetch(`${gw.url}/health/live`);
    await fetch(`${gw.url}/no-such-route`);
    const res = await fetch(`${gw.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/health\/live",status_code="200",tenant=""\} [1-9]/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404",tenant="demo"\} 1/,
    );
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('answers unknown routes with the JSON error shape and no internals', async () => {
    const res = await fetch(`${gw.url}/no-such-route`, { headers: { 'x-request-id': 'req-123' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('req-123');
    expect(await res.json()).toEqual({
      error: 'not_found',
      error_description: 'Cannot GET /no-such-route',
      request_id: 'req-123',
    });
  });

  it('answers malformed JSON with 400 and an oversized body with 413, in the same shape', async () => {
    const bad = await fetch(`${gw.url}/anything`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: 'invalid_request',
      error_description: 'The request body is not valid JSON.',
    });
    const big = await fetch(`${gw.url}/anything`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 'x'.repeat(1024 * 1024 + 1) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('replaces an implausible incoming X-Request-Id instead of echoing it', async () => {
    const res = await fetch(`${gw.url}/health/live`, { headers: { 'x-request-id': 'bad id <script>' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs requests as JSON with the request id, and never the bearer token, cookies or codes', async () => {
    await fetch(`${gw.url}/no-such-route?code=code-value-1&state=st&client_secret=cs-value`, {
      headers: {
        authorization: 'Bearer secret-value',
        cookie: 'sid=cookie-value',
        'x-request-id': 'log-check-1',
      },
    });
    await sleep(50);
    const text = gw.logs.text();
    for (const secret of ['secret-value', 'cookie-value', 'code-value-1', 'cs-value'])
      expect(text).not.toContain(secret);
    const line = gw.logs.entries.find((e) => (e.req as { id?: string } | undefined)?.id === 'log-check-1');
    expect(line).toMatchObject({
      tenant: 'demo',
      req: {
        url: '/no-such-route?code=%5BREDACTED%5D&state=st&client_secret=%5BREDACTED%5D',
        headers: { authorization: '[REDACTED]', cookie: '[REDACTED]' },
      },
      res: { statusCode: 404 },
    });
  });
});

describe('readiness and Docebo reachability', () => {
  it('probes each Docebo in the background: reachable stays up, unreachable is degraded (still 200), never blocking', async () => {
    const closed = await freePort(); // nothing listens there
    const gw = await startApp({
      publicUrl: 'http://127.0.0.1:{port}/t/{tenant}',
      tenants: {
        demo: { docebo: { baseUrl: 'sandbox', clientId: 'a', clientSecret: 'b' } },
        down: { docebo: { baseUrl: `http://127.0.0.1:${closed}`, clientId: 'a', clientSecret: 'b' } },
      },
    });
    try {
      const first = await fetch(`${gw.url}/health/ready`);
      expect(first.status).toBe(200);
      expect((await json(first)).details.docebo.tenants).toEqual({
        demo: 'not probed yet',
        down: 'not probed yet',
      });
      let body: { status: string; details: { docebo: { status: string; tenants: Record<string, string> } } };
      do {
        await sleep(50);
        const res = await fetch(`${gw.url}/health/ready`);
        expect(res.status).toBe(200);
        body = (await res.json()) as typeof body;
      } while (Object.values(body.details.docebo.tenants).includes('not probed yet'));
      expect(body.status).toBe('degraded');
      expect(body.details.docebo).toEqual({
        status: 'degraded',
        tenants: { demo: 'reachable (HTTP 401)', down: 'unreachable (network)' },
      });
      // cached: probing again does not call the sandbox again
      const calls = gw.sandbox().stats.count('/manage/v1/user/session');
      await fetch(`${gw.url}/health/ready`);
      expect(gw.sandbox().stats.count('/manage/v1/user/session')).toBe(calls);
    } finally {
      await gw.close();
    }
  });
});

describe('unknown tenants', () => {
  let gw: RunningApp;
  beforeAll(async () => {
    gw = await startApp({
      publicUrl: 'http://127.0.0.1:{port}/t/{tenant}',
      tenants: { acme: { docebo: { baseUrl: 'sandbox', clientId: 'a', clientSecret: 'b' } } },
    });
  });
  afterAll(() => gw.close());

  it('answers 404 JSON, not a 500, for a tenant that is not configured', async () => {
    const res = await fetch(`${gw.url}/t/zeta/mcp`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      error: 'unknown_tenant',
      error_description: 'No tenant named "zeta" is served here.',
    });
  });

  it('resolves a known tenant from its path prefix', async () => {
    const res = await fetch(`${gw.url}/t/acme/no-such-route`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      error: 'not_found',
      error_description: 'Cannot GET /t/acme/no-such-route',
    });
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/route="unmatched",status_code="404",tenant="acme"/);
  });
});

describe('graceful shutdown', () => {
  it('turns readiness to 503 at once, lets in-flight requests finish, then stops', async () => {
    const gw = await startApp({ server: { drainDelay: '600ms' } });
    // An in-flight request: headers and half a body sent before the shutdown starts.
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${gw.url}/anything`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '9' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{"a":');
      setTimeout(() => req.end('1}  '), 300);
    });
    await sleep(50);
    const closing = gw.close();
    await sleep(50);
    const ready = await fetch(`${gw.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'error',
      error: { shutdown: { status: 'down', message: 'shutting down' } },
    });
    expect((await fetch(`${gw.url}/health/live`)).status).toBe(200);
    expect(await inFlight).toBe(404); // the route does not exist; what matters is that it was answered
    await closing;
    await expect(fetch(`${gw.url}/health/live`)).rejects.toThrow();
  });
});
