import { startSandbox, type RunningSandbox } from '../support/sandbox';

/** Fault injection, the request budget, counters, reset and the /__admin controls (docebo-api.md §6, §8 "limits"). */

let sbx: RunningSandbox;
let token: string;
beforeAll(async () => {
  sbx = await startSandbox();
});
beforeEach(() => {
  token = sbx.sandbox.issueToken('learner').access_token;
});
afterEach(() => sbx.sandbox.reset());
afterAll(() => sbx.close());

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies in assertions
const json = async (res: Response | Promise<Response>): Promise<Json> => (await (await res).json()) as Json;

function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${sbx.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
}

function admin(method: string, path: string, body?: unknown) {
  return fetch(`${sbx.url}/__admin${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('faults by request header (X-Sandbox-Fault)', () => {
  it('latency: the delayed answer arrives after an undelayed one sent later', async () => {
    const order: string[] = [];
    const slow = get('/learn/v1/courses', { 'x-sandbox-fault': 'latency=600' }).then(async (r) => {
      order.push('slow');
      return r.status;
    });
    await new Promise((r) => setTimeout(r, 20));
    const fast = get('/learn/v1/courses').then(async (r) => {
      order.push('fast');
      return r.status;
    });
    expect(await Promise.all([slow, fast])).toEqual([200, 200]);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('status=503 and status=500 answer with a Docebo error body', async () => {
    for (const status of [503, 500]) {
      const res = await get('/learn/v1/courses', { 'x-sandbox-fault': `status=${status}` });
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ status, code: 0, message: expect.any(String) });
    }
  });

  it('status=429;retry-after=2 sends Retry-After; without it there is none', async () => {
    const res = await get('/manage/v1/user/session', { 'x-sandbox-fault': 'status=429;retry-after=2' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    const bare = await get('/manage/v1/user/session', { 'x-sandbox-fault': 'status=429' });
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
  });

  it('malformed: a 200 labelled JSON whose body does not parse (the first half of the real one)', async () => {
    const real = await (await get('/manage/v1/user/session')).text();
    const res = await get('/manage/v1/user/session', { 'x-sandbox-fault': 'malformed' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(real.startsWith(text)).toBe(true);
    expect(text.length).toBeGreaterThan(0);
  });

  it('reset: the connection is destroyed without an answer', async () => {
    await expect(get('/learn/v1/courses', { 'x-sandbox-fault': 'reset' })).rejects.toThrow();
    expect((await get('/learn/v1/courses')).status).toBe(200); // the server is fine
  });

  it('revoke: the presented token is revoked before the call, which gets 401, and stays revoked', async () => {
    expect((await get('/learn/v1/courses', { 'x-sandbox-fault': 'revoke' })).status).toBe(401);
    expect((await get('/learn/v1/courses')).status).toBe(401);
  });

  it('applies to the OAuth endpoints too', async () => {
    const res = await fetch(`${sbx.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'x-sandbox-fault': 'status=503' },
    });
    expect(res.status).toBe(503);
  });

  it('answers an unknown directive with 400 naming it, and ignores the header when faultHeader is off', async () => {
    const res = await get('/learn/v1/courses', { 'x-sandbox-fault': 'explode' });
    expect(res.status).toBe(400);
    expect((await json(res)).message).toContain('unknown directive "explode"');
    expect((await get('/learn/v1/courses', { 'x-sandbox-fault': 'status=abc' })).status).toBe(400);
    sbx.sandbox.configure({ faultHeader: false });
    expect((await get('/learn/v1/courses', { 'x-sandbox-fault': 'status=503' })).status).toBe(200);
  });
});

describe('faults per instance', () => {
  it('a rule matches by path prefix and method, for a number of times', async () => {
    sbx.sandbox.faults.set({ path: '/learn/v1/courses', method: 'get', status: 503, times: 2 });
    expect((await get('/manage/v1/user/session')).status).toBe(200);
    expect((await get('/learn/v1/courses')).status).toBe(503);
    expect((await get('/learn/v1/courses/1001')).status).toBe(503);
    expect((await get('/learn/v1/courses')).status).toBe(200);
    expect(sbx.sandbox.faults.list()).toEqual([]);
  });

  it('is set, listed and cleared over /__admin/faults', async () => {
    const set = await admin('POST', '/faults', { path: '/manage/', status: 500 });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ rules: [{ path: '/manage/', status: 500 }] });
    expect((await get('/manage/v1/user/session')).status).toBe(500);
    expect((await get('/learn/v1/courses')).status).toBe(200);
    await admin('POST', '/faults', { rules: [{ retryAfter: 7, status: 429 }], append: true });
    expect((await json(admin('GET', '/faults'))).rules).toHaveLength(2);
    expect((await admin('DELETE', '/faults')).status).toBe(200);
    expect((await get('/manage/v1/user/session')).status).toBe(200);
    const bad = await admin('POST', '/faults', { status: 200 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('status'),
    });
  });
});

describe('the per-IP request budget', () => {
  it('answers 429 with Retry-After beyond requestsPerHour, for the API and OAuth alike; reset() refills it', async () => {
    sbx.sandbox.configure({ requestsPerHour: 3 });
    for (let i = 0; i < 3; i++) expect((await get('/learn/v1/courses')).status).toBe(200);
    const over = await get('/learn/v1/courses');
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await over.json()).toMatchObject({
      status: 429,
      message: expect.stringContaining('3 API calls per hour'),
    });
    expect((await fetch(`${sbx.url}/oauth2/token`, { method: 'POST' })).status).toBe(429);
    expect((await admin('GET', '/stats')).status).toBe(200); // the controls are not Docebo: no budget
    sbx.sandbox.reset();
    token = sbx.sandbox.issueToken('learner').access_token;
    expect((await get('/learn/v1/courses')).status).toBe(200);
  });
});

describe('counters', () => {
  it('counts calls per method and path, in process and at /__admin/stats, without counting the controls', async () => {
    await Promise.all(Array.from({ length: 7 }, () => get('/manage/v1/user/session')));
    await get('/learn/v1/courses?page=2');
    await get('/nope');
    expect(sbx.sandbox.stats.count('/manage/v1/user/session')).toBe(7);
    expect(sbx.sandbox.stats.count('/learn/v1/courses')).toBe(1);
    expect(sbx.sandbox.stats.countPrefix('/learn/')).toBe(1);
    const stats = await (await admin('GET', '/stats')).json();
    expect(stats).toEqual({
      total: 9,
      calls: { 'GET /manage/v1/user/session': 7, 'GET /learn/v1/courses': 1, 'GET /nope': 1 },
      statuses: { '200': 8, '404': 1 },
    });
  });
});

describe('reset and the other controls', () => {
  it('reset() restores the seed and forgets tokens, faults, counters and settings', async () => {
    const learner = sbx.sandbox.data.user('learner')!;
    const before = JSON.stringify([...sbx.sandbox.data.enrollments.values()]);
    const adminToken = sbx.sandbox.issueToken('admin').access_token;
    const course = sbx.sandbox.data.courses.find((c) => !sbx.sandbox.data.enrollment(c.id, learner.id))!;
    const enrolled = await fetch(`${sbx.url}/learn/v1/enrollments/${course.id}/${learner.id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(enrolled.status).toBe(200);
    expect(JSON.stringify([...sbx.sandbox.data.enrollments.values()])).not.toBe(before);
    sbx.sandbox.faults.set({ status: 503 });
    sbx.sandbox.configure({ userLevelNames: 'legacy' });

    expect((await admin('POST', '/reset')).status).toBe(200);
    expect(JSON.stringify([...sbx.sandbox.data.enrollments.values()])).toBe(before);
    expect((await get('/manage/v1/user/session')).status).toBe(401); // tokens are gone
    token = sbx.sandbox.issueToken('manager').access_token;
    const session = await get('/manage/v1/user/session');
    expect(session.status).toBe(200); // no fault
    expect((await json(session)).data.user_level).toBe('admin'); // default names again
    expect(sbx.sandbox.stats.snapshot()).toEqual({
      total: 2, // counted since the reset: the 401 and the 200
      calls: { 'GET /manage/v1/user/session': 2 },
      statuses: { '200': 1, '401': 1 },
    });
  });

  it('revokes and expires over /__admin, and issues tokens for scripts', async () => {
    const issued = await json(admin('POST', '/tokens', { user: 'manager' }));
    expect(issued).toMatchObject({
      token_type: 'Bearer',
      access_token: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    token = issued.access_token;
    expect((await get('/manage/v1/user/session')).status).toBe(200);
    expect(await (await admin('POST', '/expire', { user: 'manager' })).json()).toEqual({ expired: 1 });
    expect((await get('/manage/v1/user/session')).status).toBe(401);

    token = sbx.sandbox.issueToken('learner1').access_token;
    expect(await (await admin('POST', '/revoke', { token })).json()).toEqual({ revoked: 1 });
    expect((await get('/manage/v1/user/session')).status).toBe(401);
    expect(await (await admin('POST', '/revoke', { user: 'learner' })).json()).toEqual({ revoked: 2 });
    expect((await admin('POST', '/revoke', { user: 'ghost' })).status).toBe(404);
    expect((await admin('POST', '/revoke', {})).status).toBe(400);
  });

  it('reads and changes settings over /__admin/settings, never showing the secret', async () => {
    const changed = await (await admin('PATCH', '/settings', { pageSizeOverflow: 'reject' })).json();
    expect(changed).toMatchObject({ pageSizeOverflow: 'reject', clientSecret: '[REDACTED]' });
    expect((await get('/learn/v1/courses?page_size=500')).status).toBe(400);
    expect((await admin('PATCH', '/settings', { pageSizeOverflow: 'sometimes' })).status).toBe(400);
  });
});
