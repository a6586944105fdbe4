import { FaultControl, parseFaultHeader, RequestBudget } from './sandbox.faults';

describe('X-Sandbox-Fault', () => {
  it.each([
    ['latency=800', { latencyMs: 800 }],
    ['status=503', { status: 503 }],
    ['status=429;retry-after=2', { status: 429, retryAfter: 2 }],
    ['malformed', { malformed: true }],
    ['reset', { reset: true }],
    [' latency=10 , revoke ', { latencyMs: 10, revoke: true }],
  ])('reads %s', (header, effect) => {
    expect(parseFaultHeader(header)).toEqual(effect);
  });

  it.each([
    ['status=200', 'status needs a number from 400 to 599'],
    ['latency=soon', 'latency needs a number'],
    ['reset=1', 'reset takes no value'],
    ['teleport', 'unknown directive "teleport"'],
  ])('refuses %s', (header, message) => {
    expect(() => parseFaultHeader(header)).toThrow(message);
  });
});

describe('FaultControl', () => {
  it('applies the first matching rule and drops it after `times`', () => {
    const faults = new FaultControl();
    faults.set([{ path: '/learn/', method: 'post', status: 500, times: 1 }, { status: 503 }]);
    expect(faults.take('GET', '/learn/v1/courses')).toEqual({ status: 503 });
    expect(faults.take('POST', '/learn/v1/enrollments')).toEqual({ status: 500 });
    expect(faults.take('POST', '/learn/v1/enrollments')).toEqual({ status: 503 });
    faults.clear();
    expect(faults.take('GET', '/')).toBeUndefined();
  });

  it('validates rules', () => {
    expect(() => new FaultControl().set({ status: 302 })).toThrow();
    expect(() => new FaultControl().add({ latencyMs: -1 })).toThrow();
  });
});

describe('RequestBudget', () => {
  it('allows perHour calls per IP in a one-hour window, then says how long to wait', () => {
    const budget = new RequestBudget();
    const t0 = 1_000_000;
    expect(budget.take('a', t0, 2)).toEqual({ ok: true });
    expect(budget.take('a', t0 + 1000, 2)).toEqual({ ok: true });
    expect(budget.take('a', t0 + 600_000, 2)).toEqual({ ok: false, retryAfter: 3000 });
    expect(budget.take('b', t0 + 600_000, 2)).toEqual({ ok: true });
    expect(budget.take('a', t0 + 3_600_000, 2)).toEqual({ ok: true });
  });
});
