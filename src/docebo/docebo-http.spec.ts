import { Logger, type LoggerService } from '@nestjs/common';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig, type LoadedConfig } from '../config';
import { createSandbox, createSandboxApp } from '../sandbox/sandbox.factory';
import { TenantRegistry, type Tenant } from '../tenancy';
import { freePort } from '../../test/support/ports';
import { startSandbox, type RunningSandbox } from '../../test/support/sandbox';
import { DoceboApiError } from './docebo-api.error';
import { DoceboEndpoints, loopbackHost } from './docebo-endpoints';
import {
  buildQuery,
  DoceboHttp,
  extractDoceboMessage,
  parseRetryAfter,
  path,
  type DoceboClock,
} from './docebo-http';
import { DoceboClient, type DoceboUserApi } from './docebo.client';
import { single, anyObject } from './docebo.schemas';

/**
 * DoceboHttp against the sandbox Docebo on a loopback port: every fault the sandbox can inject mapped to the right
 * DoceboApiError, retries bounded and Retry-After honoured (observed through a fake clock, so nothing waits), the
 * per-tenant budget and concurrency limit, and the rule that a POST is sent once unless it provably never left.
 */

/** A clock whose sleep returns at once and moves time forward, recording every delay asked for. */
class FakeClock implements DoceboClock {
  time = Date.UTC(2026, 2, 1, 12);
  readonly sleeps: number[] = [];
  now = (): number => this.time;
  sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.time += ms;
    return Promise.resolve();
  };
}

type DoceboSettings = Record<string, unknown>;

/** A client of one tenant, `acme`, whose Docebo is at `baseUrl`. */
function clientFor(baseUrl: string, docebo: DoceboSettings = {}) {
  const loaded: LoadedConfig = {
    config: parseConfig({
      publicUrl: 'http://localhost:3000',
      tenants: {
        acme: { docebo: { baseUrl, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', ...docebo } },
      },
    }),
    source: 'test',
    demo: false,
  };
  const tenant = new TenantRegistry(loaded).get('acme') as Tenant;
  const clock = new FakeClock();
  const http = new DoceboHttp(new DoceboEndpoints(loaded), clock);
  const docebo$ = new DoceboClient(http);
  return { tenant, clock, http, as: (token: string): DoceboUserApi => docebo$.as(tenant, token) };
}

/** The error a promise rejects with, typed; fails the test when it resolves. */
async function failure(promise: Promise<unknown>): Promise<DoceboApiError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(DoceboApiError);
    return e as DoceboApiError;
  }
  throw new Error('expected the call to fail');
}

const COURSES = '/learn/v1/courses';
const SESSION = '/manage/v1/user/session';

let running: RunningSandbox;
let adminToken: string;
let learnerToken: string;

/** What DoceboHttp logs, captured instead of printed. */
const logs: string[] = [];
const capture = (message: unknown) => void logs.push(String(message));
const logger: LoggerService = {
  log: capture,
  warn: capture,
  error: capture,
  debug: capture,
  verbose: capture,
};

beforeAll(async () => {
  Logger.overrideLogger(logger);
  running = await startSandbox();
});
afterAll(() => running.close());
beforeEach(() => {
  // Faults and counters are cleared for every test, and tokens are fresh (some tests revoke theirs). No test here
  // changes the data; the one that changes settings resets the whole sandbox (a seed rebuild is slow).
  running.sandbox.faults.clear();
  running.sandbox.stats.reset();
  logs.length = 0;
  adminToken = running.sandbox.issueToken('admin').access_token;
  learnerToken = running.sandbox.issueToken('learner').access_token;
});

describe('status codes and faults map to DoceboApiError', () => {
  it('401 for a revoked token: unauthorized, not retried, Docebo message kept', async () => {
    const { as, clock } = clientFor(running.url);
    running.sandbox.revokeToken(learnerToken);
    const error = await failure(as(learnerToken).session());
    expect(error).toMatchObject({ kind: 'unauthorized', status: 401, retryable: false });
    expect(error.doceboMessage).toBe('The access token provided is invalid.');
    expect(error.message).toBe(
      'The Docebo session has expired or was revoked (401): The access token provided is invalid; sign in again.',
    );
    expect(running.sandbox.stats.count(SESSION)).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('a token revoked under the call (fault "revoke") answers unauthorized, and stays revoked', async () => {
    const { as } = clientFor(running.url);
    running.sandbox.faults.add({ path: COURSES, revoke: true, times: 1 });
    const api = as(learnerToken);
    expect(await failure(api.listCourses())).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(await failure(api.session())).toMatchObject({ kind: 'unauthorized', status: 401 });
  });

  it('403 when a learner calls an admin endpoint: forbidden, with the reason', async () => {
    const { as } = clientFor(running.url);
    const error = await failure(as(learnerToken).listUsers());
    expect(error).toMatchObject({ kind: 'forbidden', status: 403, retryable: false });
    expect(error.doceboMessage).toBe('You do not have permission to access this resource: admin only.');
    expect(error.message).toMatch(
      /^Docebo says this user's role does not allow this \(403\): .*; ask a Docebo/,
    );
  });

  it('404: not_found with Docebo message', async () => {
    const { as } = clientFor(running.url);
    const error = await failure(as(adminToken).getCourse(999_999));
    expect(error).toMatchObject({
      kind: 'not_found',
      status: 404,
      doceboMessage: 'Course 999999 not found.',
    });
    expect(error.message).toBe(
      'Docebo has no such item, or this user cannot see it (404): Course 999999 not found.',
    );
  });

  it('400: rejected, carrying Docebo message into the user-facing text', async () => {
    const { as } = clientFor(running.url);
    const error = await failure(as(adminToken).listEnrollments({ statuses: ['bogus'] }));
    expect(error).toMatchObject({ kind: 'rejected', status: 400, retryable: false });
    expect(error.message).toBe(
      'Docebo refused the request (400): Invalid value "bogus" for parameter "status".',
    );
  });

  it('409: rejected with Docebo message, not retried', async () => {
    const { as, clock } = clientFor(running.url);
    running.sandbox.faults.add({ path: COURSES, status: 409 });
    const error = await failure(as(adminToken).listCourses());
    expect(error).toMatchObject({ kind: 'rejected', status: 409, doceboMessage: 'Injected failure.' });
    expect(running.sandbox.stats.count(COURSES)).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it.each([
    [502, 'unavailable'],
    [503, 'unavailable'],
    [504, 'unavailable'],
    [500, 'server_error'],
  ])('%i maps to %s, retryable', async (status, kind) => {
    const { as } = clientFor(running.url, { retry: { maxAttempts: 1 } });
    running.sandbox.faults.add({ path: COURSES, status });
    const error = await failure(as(adminToken).listCourses());
    expect(error).toMatchObject({ kind, status, retryable: true });
  });

  it('a 2xx body that is not JSON (fault "malformed"): malformed, not retried', async () => {
    const { as, clock } = clientFor(running.url);
    running.sandbox.faults.add({ path: SESSION, malformed: true });
    const error = await failure(as(learnerToken).session());
    expect(error).toMatchObject({ kind: 'malformed', status: 200, retryable: false });
    expect(error.message).toBe('Docebo answered with data the gateway does not understand (200).');
    expect(running.sandbox.stats.count(SESSION)).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('a 2xx JSON body of the wrong shape: malformed', async () => {
    const { http, tenant } = clientFor(running.url);
    // The keep-alive probe answers {data:{success:true}}: not a list envelope.
    const error = await failure(
      http.call(
        tenant,
        { method: 'GET', path: '/manage/v1/user/keep_alive', token: learnerToken },
        single(anyObject.extend({ items: anyObject.array() })),
      ),
    );
    expect(error).toMatchObject({ kind: 'malformed', status: 200 });
  });

  it('added latency beyond the configured timeout: timeout, status 0', async () => {
    const { as } = clientFor(running.url, { timeout: '150ms', retry: { maxAttempts: 1 } });
    running.sandbox.faults.add({ path: SESSION, latencyMs: 1000 });
    const error = await failure(as(learnerToken).session());
    expect(error).toMatchObject({ kind: 'timeout', status: 0, retryable: true });
    expect(error.message).toBe('Docebo did not answer in time; try again shortly.');
  });

  it('a connection reset without an answer: network, status 0', async () => {
    const { as } = clientFor(running.url, { retry: { maxAttempts: 1 } });
    running.sandbox.faults.add({ path: SESSION, reset: true });
    const error = await failure(as(learnerToken).session());
    expect(error).toMatchObject({ kind: 'network', status: 0, retryable: true });
    expect(error.message).toBe('Docebo could not be reached; try again shortly.');
  });

  it('no message, Docebo message included, ever contains the token', async () => {
    const { as } = clientFor(running.url, { retry: { maxAttempts: 1 } });
    const api = as(learnerToken);
    const errors = [await failure(api.listUsers()), await failure(api.getCourse(1))];
    for (const fault of [
      { status: 429, retryAfter: 1 },
      { status: 503 },
      { malformed: true },
      { reset: true },
    ]) {
      running.sandbox.faults.set({ path: SESSION, ...fault });
      errors.push(await failure(api.session()));
    }
    running.sandbox.faults.clear();
    running.sandbox.revokeToken(learnerToken);
    errors.push(await failure(api.session()));
    expect(errors.map((e) => e.kind)).toEqual([
      'forbidden',
      'not_found',
      'rate_limited',
      'unavailable',
      'malformed',
      'network',
      'unauthorized',
    ]);
    for (const e of errors) {
      expect(`${e.message} ${e.doceboMessage ?? ''} ${e.stack ?? ''}`).not.toContain(learnerToken);
    }
  });
});

describe('retries', () => {
  it('a GET answered 503 is retried and succeeds when the fault clears', async () => {
    const { as, clock } = clientFor(running.url);
    running.sandbox.faults.add({ path: COURSES, status: 503, times: 2 });
    const page = await as(adminToken).listCourses();
    expect(page.items.length).toBeGreaterThan(0);
    expect(running.sandbox.stats.count(COURSES)).toBe(3);
    // Exponential backoff with full jitter: attempt n waits up to 250 ms × 2^(n-1).
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps[0]).toBeLessThan(250);
    expect(clock.sleeps[1]).toBeLessThan(500);
  });

  it('a GET whose connection is reset is retried and succeeds', async () => {
    const { as, clock } = clientFor(running.url);
    running.sandbox.faults.add({ path: SESSION, reset: true, times: 1 });
    expect((await as(learnerToken).session()).username).toBe('learner');
    expect(running.sandbox.stats.count(SESSION)).toBe(2);
    expect(clock.sleeps).toHaveLength(1);
  });

  it('a GET that timed out is retried and succeeds', async () => {
    const { as } = clientFor(running.url, { timeout: '150ms' });
    running.sandbox.faults.add({ path: SESSION, latencyMs: 1000, times: 1 });
    expect((await as(learnerToken).session()).username).toBe('learner');
    expect(running.sandbox.stats.count(SESSION)).toBe(2);
  });

  it('honours Retry-After on a 429: waits exactly that long, then succeeds', async () => {
    const { as, clock } = clientFor(running.url);
    running.sandbox.faults.add({ path: SESSION, status: 429, retryAfter: 7, times: 1 });
    expect((await as(learnerToken).session()).username).toBe('learner');
    expect(clock.sleeps).toEqual([7000]);
    expect(running.sandbox.stats.count(SESSION)).toBe(2);
  });

  it('a 429 without Retry-After still backs off', async () => {
    const { as, clock } = clientFor(running.url);
    running.sandbox.faults.add({ path: SESSION, status: 429, times: 1 });
    await as(learnerToken).session();
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeLessThan(250);
  });

  it('stops after retry.maxAttempts and throws the last error', async () => {
    const { as, clock } = clientFor(running.url, { retry: { maxAttempts: 4 } });
    running.sandbox.faults.add({ path: COURSES, status: 503 });
    const error = await failure(as(adminToken).listCourses());
    expect(error).toMatchObject({ kind: 'unavailable', status: 503 });
    expect(running.sandbox.stats.count(COURSES)).toBe(4);
    expect(clock.sleeps).toHaveLength(3);
  });

  it('maxAttempts 1 means no retry', async () => {
    const { as, clock } = clientFor(running.url, { retry: { maxAttempts: 1 } });
    running.sandbox.faults.add({ path: COURSES, status: 503, times: 1 });
    await failure(as(adminToken).listCourses());
    expect(running.sandbox.stats.count(COURSES)).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('a Retry-After longer than what is left of retry.maxTotal fails at once with the 429 error', async () => {
    const { as, clock } = clientFor(running.url, { retry: { maxAttempts: 5, maxTotal: '20s' } });
    running.sandbox.faults.add({ path: SESSION, status: 429, retryAfter: 30 });
    const error = await failure(as(learnerToken).session());
    expect(error).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryAfterSeconds: 30,
      retryable: true,
    });
    expect(error.message).toBe(
      'Docebo is rate-limiting requests (429): Too many requests: slow down and retry later; try again shortly.',
    );
    expect(running.sandbox.stats.count(SESSION)).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('retry.maxTotal bounds the waits of one call in all', async () => {
    const { as, clock } = clientFor(running.url, { retry: { maxAttempts: 10, maxTotal: '10s' } });
    running.sandbox.faults.add({ path: SESSION, status: 429, retryAfter: 4 });
    await failure(as(learnerToken).session());
    // 4 s + 4 s fit in 10 s; a third wait would end at 12 s.
    expect(clock.sleeps).toEqual([4000, 4000]);
    expect(running.sandbox.stats.count(SESSION)).toBe(3);
  });

  it("the sandbox's own hourly limit (429, Retry-After ≈ 1 h) fails at once", async () => {
    const { as, clock } = clientFor(running.url);
    running.sandbox.reset(); // a fresh per-IP window
    running.sandbox.configure({ requestsPerHour: 1 });
    try {
      const api = as(running.sandbox.issueToken('learner').access_token);
      await api.session();
      const error = await failure(api.session());
      expect(error.kind).toBe('rate_limited');
      expect(error.retryAfterSeconds).toBeGreaterThan(3500);
      expect(clock.sleeps).toEqual([]);
    } finally {
      running.sandbox.reset();
    }
  });

  it('a GET answered 500 is not retried (only 429, 502–504, timeouts and network errors are)', async () => {
    const { as } = clientFor(running.url);
    running.sandbox.faults.add({ path: COURSES, status: 500, times: 1 });
    expect(await failure(as(adminToken).listCourses())).toMatchObject({ kind: 'server_error', status: 500 });
    expect(running.sandbox.stats.count(COURSES)).toBe(1);
  });

  it('a 4xx is never retried', async () => {
    const { as, clock } = clientFor(running.url);
    await failure(as(learnerToken).listUsers());
    expect(running.sandbox.stats.count('/manage/v1/user')).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });
});

describe('writes are not repeated', () => {
  const enrollPath = (courseId: number, userId: number) => `/learn/v1/enrollments/${courseId}/${userId}`;

  it('a POST answered 503 is sent exactly once', async () => {
    const { as, clock } = clientFor(running.url);
    const learner = running.sandbox.data.user('learner10')!.id;
    running.sandbox.faults.add({ path: '/learn/v1/enrollments', method: 'POST', status: 503, times: 1 });
    const error = await failure(as(adminToken).enroll(1001, learner));
    expect(error).toMatchObject({ kind: 'unavailable', status: 503 });
    expect(running.sandbox.stats.count(enrollPath(1001, learner), 'POST')).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('a POST answered 429 with Retry-After is sent exactly once', async () => {
    const { as, clock } = clientFor(running.url);
    running.sandbox.faults.add({ path: '/learn/v1/enrollments', method: 'POST', status: 429, retryAfter: 1 });
    const error = await failure(as(adminToken).enrollMany({ courseIds: [1001], userIds: [12310] }));
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 1 });
    expect(running.sandbox.stats.count('/learn/v1/enrollments', 'POST')).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('a POST whose connection is reset is not retried (it may have reached Docebo)', async () => {
    const { as } = clientFor(running.url);
    const learner = running.sandbox.data.user('learner10')!.id;
    running.sandbox.faults.add({ path: '/learn/v1/enrollments', method: 'POST', reset: true, times: 1 });
    expect(await failure(as(adminToken).enroll(1001, learner))).toMatchObject({ kind: 'network' });
    expect(running.sandbox.stats.count(enrollPath(1001, learner), 'POST')).toBe(1);
  });

  it('PUT and DELETE are not retried on 503 either', async () => {
    const { as } = clientFor(running.url);
    running.sandbox.faults.add({ path: '/learn/v1/enrollments', status: 503 });
    const api = as(adminToken);
    await failure(api.updateEnrollment(1001, 12310, { status: 1 }));
    await failure(api.unenroll(1001, 12310));
    expect(running.sandbox.stats.countPrefix('/learn/v1/enrollments')).toBe(2);
  });

  it('a POST whose connection is refused (never sent) is retried up to maxAttempts', async () => {
    const { as, clock } = clientFor(`http://127.0.0.1:${await freePort()}`, { retry: { maxAttempts: 3 } });
    const error = await failure(as(adminToken).enroll(1001, 12310));
    expect(error).toMatchObject({ kind: 'network', status: 0, retryable: true });
    expect(clock.sleeps).toHaveLength(2);
  });
});

describe('per-tenant hourly budget', () => {
  it('refuses with budget_exhausted and a retryAfterSeconds, without calling Docebo', async () => {
    const { as, clock } = clientFor(running.url, { requestsPerHour: 3 });
    const api = as(learnerToken);
    for (let i = 0; i < 3; i++) await api.session();
    clock.time += 600_000; // ten minutes into the hour
    const error = await failure(api.session());
    expect(error).toMatchObject({ kind: 'budget_exhausted', status: 0, retryable: true });
    expect(error.retryAfterSeconds).toBe(3000);
    expect(error.message).toBe(
      "This gateway's hourly budget of Docebo calls for this tenant is used up; try again later.",
    );
    expect(running.sandbox.stats.count(SESSION)).toBe(3);
  });

  it('opens again when the hour is over', async () => {
    const { as, clock } = clientFor(running.url, { requestsPerHour: 1 });
    const api = as(learnerToken);
    await api.session();
    await failure(api.session());
    clock.time += 3_600_000;
    expect((await api.session()).username).toBe('learner');
    expect(running.sandbox.stats.count(SESSION)).toBe(2);
  });

  it('counts every attempt, retries included', async () => {
    const { as } = clientFor(running.url, { requestsPerHour: 2, retry: { maxAttempts: 3 } });
    running.sandbox.faults.add({ path: SESSION, status: 503 });
    expect(await failure(as(learnerToken).session())).toMatchObject({ kind: 'budget_exhausted' });
    expect(running.sandbox.stats.count(SESSION)).toBe(2);
  });
});

describe('concurrency limit', () => {
  let server: Server;
  let url: string;
  let inFlight = 0;
  let maxInFlight = 0;
  const sandbox = createSandbox();

  beforeAll(async () => {
    // The sandbox behind a gauge of requests in flight, as Docebo sees them.
    const app = createSandboxApp(sandbox);
    server = createHttpServer((req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let done = false;
      const leave = () => {
        if (!done) inFlight--;
        done = true;
      };
      res.once('finish', leave).once('close', leave);
      app(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );

  it('never has more than `concurrency` calls in flight; the others wait their turn', async () => {
    const { as, http, tenant } = clientFor(url, { concurrency: 2 });
    sandbox.faults.add({ path: SESSION, latencyMs: 40 });
    const api = as(sandbox.issueToken('learner').access_token);
    const calls = Array.from({ length: 6 }, () => api.session());
    expect(http.limiter(tenant).load).toEqual({ active: 2, waiting: 4 });
    const users = await Promise.all(calls);
    expect(users.map((u) => u.username)).toEqual(Array(6).fill('learner'));
    expect(maxInFlight).toBe(2);
    expect(sandbox.stats.count(SESSION)).toBe(6);
    expect(http.limiter(tenant).load).toEqual({ active: 0, waiting: 0 });
  });

  it('frees the slot of a failed call', async () => {
    sandbox.reset();
    const { as, http, tenant } = clientFor(url, { concurrency: 1, retry: { maxAttempts: 1 } });
    sandbox.faults.add({ path: SESSION, status: 503, times: 2 });
    const api = as(sandbox.issueToken('learner').access_token);
    const results = await Promise.allSettled([api.session(), api.session(), api.session()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(http.limiter(tenant).load).toEqual({ active: 0, waiting: 0 });
  });
});

describe('request building', () => {
  it('path`…` encodes each value as one segment: "/", "?" and "%2e%2e" stay inside it', async () => {
    const { http, tenant } = clientFor(running.url);
    const get = (p: string) =>
      failure(http.call(tenant, { method: 'GET', path: p, token: adminToken }, single(anyObject)));
    for (const id of ['1001/../../manage/v1/user', '1001?x=1', '%2e%2e', '1001#frag']) {
      const p = path`/learn/v1/courses/${id}`;
      expect(p).toBe(`/learn/v1/courses/${encodeURIComponent(id)}`);
      expect(await get(p)).toMatchObject({ kind: 'rejected', status: 400 });
    }
    // Docebo saw each as one invalid course id, never as another path or a query.
    const calls = Object.keys(running.sandbox.stats.snapshot().calls);
    expect(calls).toHaveLength(4);
    for (const call of calls) expect(call).toMatch(/^GET \/learn\/v1\/courses\/[^/?#]+$/);
  });

  it('path`…` refuses "", "." and ".." before any call', () => {
    for (const id of ['', '.', '..']) {
      expect(() => path`/learn/v1/courses/${id}/sessions`).toThrow(DoceboApiError);
    }
    expect(path`/learn/v1/enrollments/${1001}/${12303}`).toBe('/learn/v1/enrollments/1001/12303');
  });

  it('buildQuery sends arrays PHP-style and leaves undefined out', () => {
    expect(buildQuery({ id_user: [1, 2], search: 'a b&c', page: undefined, empty: [] })).toBe(
      '?id_user%5B%5D=1&id_user%5B%5D=2&search=a+b%26c',
    );
    expect(buildQuery({})).toBe('');
  });
});

describe('probe (readiness)', () => {
  it('Docebo answering 401 to an anonymous call is reachable', async () => {
    const { http, tenant } = clientFor(running.url);
    expect(await http.probe(tenant)).toEqual({ reachable: true, detail: 'HTTP 401' });
    expect(running.sandbox.stats.count(SESSION)).toBe(1);
  });

  it('a 503 is unreachable', async () => {
    const { http, tenant } = clientFor(running.url);
    running.sandbox.faults.add({ path: SESSION, status: 503 });
    expect(await http.probe(tenant)).toEqual({ reachable: false, detail: 'HTTP 503' });
  });

  it('a refused connection or no answer in time is unreachable, with the reason', async () => {
    const refused = clientFor(`http://127.0.0.1:${await freePort()}`);
    expect(await refused.http.probe(refused.tenant)).toEqual({ reachable: false, detail: 'network' });
    const slow = clientFor(running.url, { timeout: '150ms' });
    running.sandbox.faults.add({ path: SESSION, latencyMs: 1000 });
    expect(await slow.http.probe(slow.tenant)).toEqual({ reachable: false, detail: 'timeout' });
  });

  it('costs one call of the hourly budget, and does not call Docebo once it is used up', async () => {
    const { http, tenant, as } = clientFor(running.url, { requestsPerHour: 1 });
    await http.probe(tenant);
    expect(await failure(as(learnerToken).session())).toMatchObject({ kind: 'budget_exhausted' });
    expect(await http.probe(tenant)).toEqual({ reachable: true, detail: 'hourly budget used up' });
    expect(running.sandbox.stats.count(SESSION)).toBe(1);
  });
});

describe('logs', () => {
  it('name the endpoint template with its version, never an id, the query or the token', async () => {
    const { as } = clientFor(running.url);
    const api = as(adminToken);
    running.sandbox.faults.add({ path: '/learn/v1/courses/1001', status: 503, times: 1 });
    await api.getCourse(1001);
    running.sandbox.faults.add({ path: COURSES, malformed: true, times: 1 });
    await failure(api.listCourses({ search: 'Kubernetes' }));
    expect(logs).toEqual([
      expect.stringMatching(
        /^Retrying GET \/learn\/v1\/courses\/\{id\} in \d+ ms \(unavailable, attempt 1\)$/,
      ),
      'Docebo answered GET /learn/v1/courses with a body that is not JSON',
    ]);
    expect(logs.join('\n')).not.toMatch(/1001|Kubernetes/);
    expect(logs.join('\n')).not.toContain(adminToken);
  });
});

describe('helpers', () => {
  it('parseRetryAfter reads delta-seconds and HTTP dates, ignores junk', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 5 ', now)).toBe(5);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("extractDoceboMessage takes the first text of Docebo's several error shapes", () => {
    expect(extractDoceboMessage('{"name":"Not Found","message":"Course 1 not found.","code":0}')).toBe(
      'Course 1 not found.',
    );
    expect(extractDoceboMessage('{"error":"invalid_grant","error_description":"Bad code"}')).toBe('Bad code');
    expect(extractDoceboMessage('[{"message":"first"},{"message":"second"}]')).toBe('first');
    expect(extractDoceboMessage('{"data":{"message":"nested"}}')).toBe('nested');
    expect(extractDoceboMessage('{"message":["in an array"]}')).toBe('in an array');
    expect(extractDoceboMessage('plain   text\nerror')).toBe('plain text error');
    expect(extractDoceboMessage('<html><body>502 Bad Gateway</body></html>')).toBeUndefined();
    expect(extractDoceboMessage('{}')).toBeUndefined();
    expect(extractDoceboMessage('x'.repeat(500))).toHaveLength(200);
  });

  it('DoceboEndpoints: a real Docebo is its base URL; the embedded sandbox is called over loopback', () => {
    const loaded: LoadedConfig = {
      config: parseConfig({
        publicUrl: 'https://{tenant}.mcp.example.com',
        server: { host: '0.0.0.0', port: 8080 },
        tenants: {
          acme: { docebo: { baseUrl: 'https://acme.docebosaas.com/', clientId: 'a', clientSecret: 'b' } },
          demo: { docebo: { baseUrl: 'sandbox', clientId: 'a', clientSecret: 'b' } },
        },
      }),
      source: 'test',
      demo: false,
    };
    const registry = new TenantRegistry(loaded);
    const endpoints = new DoceboEndpoints(loaded);
    expect(endpoints.for(registry.get('acme')!)).toEqual({
      apiBase: 'https://acme.docebosaas.com',
      authorizeUrl: 'https://acme.docebosaas.com/oauth2/authorize',
      tokenUrl: 'https://acme.docebosaas.com/oauth2/token',
      sandbox: false,
    });
    expect(endpoints.for(registry.get('demo')!)).toEqual({
      apiBase: 'http://127.0.0.1:8080/__sandbox/demo',
      authorizeUrl: 'https://demo.mcp.example.com/__sandbox/demo/oauth2/authorize',
      tokenUrl: 'http://127.0.0.1:8080/__sandbox/demo/oauth2/token',
      sandbox: true,
    });
  });

  it('loopbackHost: how the gateway calls its own embedded sandbox', () => {
    expect(loopbackHost('0.0.0.0')).toBe('127.0.0.1');
    expect(loopbackHost('::')).toBe('[::1]');
    expect(loopbackHost('10.0.0.5')).toBe('10.0.0.5');
    expect(loopbackHost('fd00::1')).toBe('[fd00::1]');
  });
});
