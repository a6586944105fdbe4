import { DoceboApiError, kindForStatus, type DoceboErrorKind } from './docebo-api.error';

describe('DoceboApiError', () => {
  it.each([
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [400, 'rejected'],
    [409, 'rejected'],
    [422, 'rejected'],
    [429, 'rate_limited'],
    [500, 'server_error'],
    [501, 'server_error'],
    [502, 'unavailable'],
    [503, 'unavailable'],
    [504, 'unavailable'],
  ])('status %i is %s', (status, kind) => {
    expect(kindForStatus(status)).toBe(kind);
    expect(DoceboApiError.fromStatus(status)).toMatchObject({ kind, status });
  });

  it.each<[DoceboErrorKind, boolean]>([
    ['unauthorized', false],
    ['forbidden', false],
    ['not_found', false],
    ['rejected', false],
    ['malformed', false],
    ['rate_limited', true],
    ['budget_exhausted', true],
    ['unavailable', true],
    ['server_error', true],
    ['timeout', true],
    ['network', true],
  ])('%s: retryable %s', (kind, retryable) => {
    expect(new DoceboApiError(kind, 0).retryable).toBe(retryable);
  });

  it.each<[DoceboErrorKind, number, string | undefined, string]>([
    ['unauthorized', 401, undefined, 'The Docebo session has expired or was revoked (401); sign in again.'],
    [
      'forbidden',
      403,
      'Admin only.',
      "Docebo says this user's role does not allow this (403): Admin only; ask a Docebo administrator.",
    ],
    ['not_found', 404, undefined, 'Docebo has no such item, or this user cannot see it (404).'],
    ['rejected', 400, 'Course is not active.  ', 'Docebo refused the request (400): Course is not active.'],
    ['rejected', 409, 'Already enrolled', 'Docebo refused the request (409): Already enrolled.'],
    ['rate_limited', 429, undefined, 'Docebo is rate-limiting requests (429); try again shortly.'],
    [
      'budget_exhausted',
      0,
      undefined,
      "This gateway's hourly budget of Docebo calls for this tenant is used up; try again later.",
    ],
    ['unavailable', 503, undefined, 'Docebo is temporarily unavailable (503); try again shortly.'],
    ['server_error', 500, undefined, 'Docebo failed to handle the request (500); try again later.'],
    ['timeout', 0, undefined, 'Docebo did not answer in time; try again shortly.'],
    ['network', 0, undefined, 'Docebo could not be reached; try again shortly.'],
    ['malformed', 200, undefined, 'Docebo answered with data the gateway does not understand (200).'],
  ])('explain(%s, %i, %p)', (kind, status, doceboMessage, text) => {
    expect(DoceboApiError.explain(kind, status, doceboMessage)).toBe(text);
    const error = new DoceboApiError(kind, status, doceboMessage);
    expect(error.message).toBe(text);
    expect(error.name).toBe('DoceboApiError');
    expect(error).toBeInstanceOf(Error);
  });

  it('keeps Retry-After seconds and Docebo message as fields', () => {
    const error = DoceboApiError.fromStatus(429, 'Slow down.', 12);
    expect(error).toMatchObject({ retryAfterSeconds: 12, doceboMessage: 'Slow down.' });
  });
});
