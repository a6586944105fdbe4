import { startApp, type RunningApp } from '../support/app';

/**
 * Invariant 3: bad input gets a clear 4xx and never a 500 or a crash. A sweep of malformed requests against every
 * public endpoint and /mcp; after it the gateway is still healthy.
 */
describe('no client mistake is answered with a 5xx', () => {
  let gw: RunningApp;
  beforeAll(async () => {
    gw = await startApp();
  });
  afterAll(() => gw.close());

  const form = 'application/x-www-form-urlencoded';
  const cases: [string, string, RequestInit][] = [
    [
      'token: JSON array body',
      '/oauth2/token',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1,2]' },
    ],
    [
      'token: JSON null',
      '/oauth2/token',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'null' },
    ],
    [
      'token: broken JSON',
      '/oauth2/token',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":' },
    ],
    [
      'token: repeated parameters',
      '/oauth2/token',
      {
        method: 'POST',
        headers: { 'content-type': form },
        body: 'grant_type=refresh_token&grant_type=authorization_code',
      },
    ],
    [
      'token: garbage Basic header',
      '/oauth2/token',
      {
        method: 'POST',
        headers: { 'content-type': form, authorization: 'Basic %%%' },
        body: 'grant_type=refresh_token&refresh_token=x',
      },
    ],
    [
      'token: Basic without a colon',
      '/oauth2/token',
      {
        method: 'POST',
        headers: {
          'content-type': form,
          authorization: `Basic ${Buffer.from('nocolon').toString('base64')}`,
        },
        body: 'grant_type=refresh_token&refresh_token=x',
      },
    ],
    [
      'token: a 60 kB refresh token',
      '/oauth2/token',
      {
        method: 'POST',
        headers: { 'content-type': form },
        body: `grant_type=refresh_token&client_id=x&refresh_token=${'a'.repeat(60_000)}`,
      },
    ],
    ['token: no body', '/oauth2/token', { method: 'POST' }],
    ['token: GET', '/oauth2/token', { method: 'GET' }],
    [
      'register: not JSON',
      '/oauth2/register',
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' },
    ],
    [
      'register: JSON string',
      '/oauth2/register',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '"x"' },
    ],
    [
      'register: redirect_uris not a list',
      '/oauth2/register',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"redirect_uris":"https://a.example/cb"}',
      },
    ],
    [
      'register: 10 000 redirect URIs',
      '/oauth2/register',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          redirect_uris: Array.from({ length: 10_000 }, (_, i) => `https://a.example/${i}`),
        }),
      },
    ],
    ['revoke: nothing', '/oauth2/revoke', { method: 'POST' }],
    [
      'revoke: unknown client',
      '/oauth2/revoke',
      { method: 'POST', headers: { 'content-type': form }, body: 'token=x&client_id=nobody' },
    ],
    ['authorize: nothing', '/oauth2/authorize', {}],
    ['authorize: repeated client_id', '/oauth2/authorize?client_id=a&client_id=b', {}],
    [
      'authorize: a CIMD URL on a private address',
      '/oauth2/authorize?client_id=https%3A%2F%2F127.0.0.1%2Fclient.json&response_type=code',
      {},
    ],
    [
      'authorize: a CIMD URL that does not resolve',
      '/oauth2/authorize?client_id=https%3A%2F%2Fno-such-host.invalid%2Fc.json',
      {},
    ],
    ['callback: nothing', '/oauth2/callback', {}],
    ['callback: unknown state, with an error', '/oauth2/callback?state=nope&error=access_denied', {}],
    [
      'consent: empty form',
      '/oauth2/consent',
      { method: 'POST', headers: { 'content-type': form }, body: '' },
    ],
    ['consent: GET', '/oauth2/consent', {}],
    ['metadata: odd well-known', '/.well-known/oauth-authorization-server/../../etc/passwd', {}],
    ['metadata: POST', '/.well-known/oauth-authorization-server', { method: 'POST' }],
    ['mcp: no token, junk body', '/mcp', { method: 'POST', body: '\u0000\u0001' }],
    ['mcp: Bearer with spaces', '/mcp', { method: 'POST', headers: { authorization: 'Bearer a b c' } }],
    [
      'mcp: an enormous bearer',
      '/mcp',
      { method: 'POST', headers: { authorization: `Bearer ${'x'.repeat(20_000)}` } },
    ],
    [
      'mcp: a JWE-looking forged token',
      '/mcp',
      {
        method: 'POST',
        headers: { authorization: 'Bearer eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aaaa.bbbb.cccc' },
      },
    ],
    ['mcp: PUT', '/mcp', { method: 'PUT' }],
    ['sandbox: unknown tenant', '/__sandbox/nope/oauth2/token', { method: 'POST' }],
    ['percent-encoding garbage in the path', '/%E0%A4%A', {}],
  ];

  it.each(cases)('%s → 4xx with a JSON or HTML explanation', async (_name, path, init) => {
    const res = await fetch(`${gw.url}${path}`, { redirect: 'manual', ...init });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const type = res.headers.get('content-type') ?? '';
    expect(type).toMatch(/^(application\/json|text\/html)/);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(10);
    expect(text).not.toMatch(/\bat [\w.<>]+ \(.*:\d+:\d+\)/); // no stack trace
  });

  it('is still healthy after all of them', async () => {
    expect((await fetch(`${gw.url}/health/ready`)).status).toBe(200);
    expect(
      gw.logs.entries.some((e) => (e.res as { statusCode?: number } | undefined)?.statusCode === 500),
    ).toBe(false);
  });
});
