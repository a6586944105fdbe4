import { Logger, type LoggerService } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { parseConfig, type LoadedConfig } from '../config';
import { TenantRegistry, type Tenant } from '../tenancy';
import { freePort } from '../../test/support/ports';
import { startSandbox, type RunningSandbox } from '../../test/support/sandbox';
import { SandboxBrowser } from '../../test/support/sandbox-login';
import { DoceboEndpoints } from './docebo-endpoints';
import { DoceboOAuthClient, DoceboOAuthError, type DoceboTokenSet } from './docebo-oauth.client';

/**
 * DoceboOAuthClient against the sandbox's real /oauth2/authorize login form and /oauth2/token: the code exchange,
 * refresh and password grants, Docebo's refusals (`rejected`, with its OAuth error) kept apart from Docebo being
 * unreachable or broken (`unavailable`), and the direct-mode relay passing Docebo's answer through unchanged.
 */

const REDIRECT_URI = 'https://client.example.com/callback';
const CLIENT_SECRET = 'sandbox-secret';

const logs: string[] = [];
const capture = (message: unknown) => void logs.push(String(message));
const logger: LoggerService = {
  log: capture,
  warn: capture,
  error: capture,
  debug: capture,
  verbose: capture,
};

let running: RunningSandbox;

beforeAll(async () => {
  Logger.overrideLogger(logger);
  running = await startSandbox({ redirectUris: [REDIRECT_URI] });
});
afterAll(() => running.close());
beforeEach(() => {
  running.sandbox.faults.clear();
  logs.length = 0;
});

/** The OAuth client and tenant `acme`, whose Docebo is at `baseUrl`. */
function oauthFor(baseUrl: string, docebo: Record<string, unknown> = {}) {
  const loaded: LoadedConfig = {
    config: parseConfig({
      publicUrl: 'http://localhost:3000',
      tenants: {
        acme: { docebo: { baseUrl, clientId: 'sandbox-client', clientSecret: CLIENT_SECRET, ...docebo } },
      },
    }),
    source: 'test',
    demo: false,
  };
  return {
    tenant: new TenantRegistry(loaded).get('acme') as Tenant,
    oauth: new DoceboOAuthClient(new DoceboEndpoints(loaded)),
  };
}

/** Signs in through the sandbox's login page, as a browser would, and returns the code from the redirect. */
async function authorizationCode(
  username = 'learner',
  extra: Record<string, string> = {},
  redirectUri = REDIRECT_URI,
): Promise<string> {
  const url = new URL(`${running.url}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: 'sandbox-client',
    redirect_uri: redirectUri,
    state: 'st-1',
    ...extra,
  }).toString();
  const location = await new SandboxBrowser().signIn(url, { username, password: 'sandbox' });
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  expect(location.searchParams.get('state')).toBe('st-1');
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code in ${location.href}`);
  return code;
}

/** Who Docebo says an access token belongs to. */
async function ownerOf(accessToken: string): Promise<string | number> {
  const res = await fetch(`${running.url}/manage/v1/user/session`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (res.status !== 200) return res.status;
  return ((await res.json()) as { data: { username: string } }).data.username;
}

async function refusal(promise: Promise<unknown>): Promise<DoceboOAuthError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(DoceboOAuthError);
    return e as DoceboOAuthError;
  }
  throw new Error('expected the grant to fail');
}

function expectTokenSet(set: DoceboTokenSet, before: number): void {
  expect(set.accessToken).toMatch(/^[0-9a-f]{40}$/);
  expect(set.refreshToken).toMatch(/^[0-9a-f]{40}$/);
  expect(set.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 3600);
  expect(set.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 3600);
}

describe('authorization code', () => {
  it('exchanges the code from the login form for a working token set', async () => {
    const { oauth, tenant } = oauthFor(running.url);
    const code = await authorizationCode('learner');
    const before = Date.now();
    const set = await oauth.exchangeCode(tenant, code, REDIRECT_URI);
    expectTokenSet(set, before);
    expect(set.scope).toBe('api');
    expect(await ownerOf(set.accessToken)).toBe('learner');
  });

  it('a code used twice is refused: rejected, invalid_grant', async () => {
    const { oauth, tenant } = oauthFor(running.url);
    const code = await authorizationCode();
    await oauth.exchangeCode(tenant, code, REDIRECT_URI);
    const error = await refusal(oauth.exchangeCode(tenant, code, REDIRECT_URI));
    expect(error).toMatchObject({
      kind: 'rejected',
      oauthError: 'invalid_grant',
      status: 400,
      description: "Authorization code doesn't exist or is invalid for the client.",
    });
  });

  it('an unknown code is refused: rejected, invalid_grant', async () => {
    const { oauth, tenant } = oauthFor(running.url);
    const error = await refusal(oauth.exchangeCode(tenant, 'f'.repeat(40), REDIRECT_URI));
    expect(error).toMatchObject({ kind: 'rejected', oauthError: 'invalid_grant', status: 400 });
  });

  it('a redirect_uri other than the one authorized is refused', async () => {
    const { oauth, tenant } = oauthFor(running.url);
    const code = await authorizationCode();
    const error = await refusal(oauth.exchangeCode(tenant, code, 'https://client.example.com/other'));
    expect(error).toMatchObject({ kind: 'rejected', oauthError: 'invalid_grant' });
    expect(error.description).toBe('The redirect URI is missing or does not match.');
  });

  it('sends the PKCE code_verifier when given one (a sandbox that enforces PKCE checks it)', async () => {
    running.sandbox.configure({ enforcePkce: true });
    try {
      const { oauth, tenant } = oauthFor(running.url);
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
      const set = await oauth.exchangeCode(
        tenant,
        await authorizationCode('learner', pkce),
        REDIRECT_URI,
        verifier,
      );
      expect(await ownerOf(set.accessToken)).toBe('learner');
      const error = await refusal(
        oauth.exchangeCode(tenant, await authorizationCode('learner', pkce), REDIRECT_URI),
      );
      expect(error).toMatchObject({ kind: 'rejected', oauthError: 'invalid_grant' });
    } finally {
      running.sandbox.configure({ enforcePkce: false });
    }
  });

  it('a wrong client secret is refused: rejected, invalid_client', async () => {
    const { oauth, tenant } = oauthFor(running.url, { clientSecret: 'not-the-secret' });
    const error = await refusal(oauth.exchangeCode(tenant, await authorizationCode(), REDIRECT_URI));
    expect(error).toMatchObject({ kind: 'rejected', oauthError: 'invalid_client', status: 401 });
  });
});

describe('refresh', () => {
  it('returns a new working token set; the rotated refresh token is then refused', async () => {
    const { oauth, tenant } = oauthFor(running.url);
    const first = await oauth.password(tenant, 'manager', 'sandbox');
    const before = Date.now();
    const second = await oauth.refresh(tenant, first.refreshToken!);
    expectTokenSet(second, before);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await ownerOf(second.accessToken)).toBe('manager');

    const error = await refusal(oauth.refresh(tenant, first.refreshToken!));
    expect(error).toMatchObject({
      kind: 'rejected',
      oauthError: 'invalid_grant',
      description: 'Invalid refresh token.',
    });
  });

  it('without rotation, the new set has no refresh token (the caller keeps the old one, still valid)', async () => {
    running.sandbox.configure({ rotateRefreshTokens: false });
    try {
      const { oauth, tenant } = oauthFor(running.url);
      const first = await oauth.password(tenant, 'learner', 'sandbox');
      const second = await oauth.refresh(tenant, first.refreshToken!);
      expect(second.refreshToken).toBeUndefined();
      expect(await ownerOf((await oauth.refresh(tenant, first.refreshToken!)).accessToken)).toBe('learner');
    } finally {
      running.sandbox.configure({ rotateRefreshTokens: true });
    }
  });
});

describe('password grant', () => {
  it('signs a user in with username and password', async () => {
    const { oauth, tenant } = oauthFor(running.url);
    const before = Date.now();
    const set = await oauth.password(tenant, 'admin', 'sandbox');
    expectTokenSet(set, before);
    expect(await ownerOf(set.accessToken)).toBe('admin');
  });

  it('a wrong password is refused: rejected, invalid_grant', async () => {
    const { oauth, tenant } = oauthFor(running.url);
    const error = await refusal(oauth.password(tenant, 'learner', 'wrong'));
    expect(error).toMatchObject({
      kind: 'rejected',
      oauthError: 'invalid_grant',
      status: 400,
      description: 'Invalid username and password combination.',
    });
  });

  it("sends the tenant's scope; Docebo refusing `api` to a non-superadmin is a rejection", async () => {
    running.sandbox.configure({ apiScopeForNonSuperadmins: 'reject' });
    try {
      const { oauth, tenant } = oauthFor(running.url, { scope: 'api' });
      expect((await oauth.password(tenant, 'admin', 'sandbox')).scope).toBe('api');
      const error = await refusal(oauth.password(tenant, 'learner', 'sandbox'));
      expect(error).toMatchObject({ kind: 'rejected', oauthError: 'invalid_scope' });
      // Without a configured scope none is sent, and the learner gets in.
      const { oauth: plain, tenant: plainTenant } = oauthFor(running.url);
      expect(await ownerOf((await plain.password(plainTenant, 'learner', 'sandbox')).accessToken)).toBe(
        'learner',
      );
    } finally {
      running.sandbox.configure({ apiScopeForNonSuperadmins: 'allow' });
    }
  });
});

describe('unavailable is kept apart from rejected', () => {
  it('Docebo down (connection refused): unavailable, temporarily_unavailable, status 0', async () => {
    const { oauth, tenant } = oauthFor(`http://127.0.0.1:${await freePort()}`);
    const error = await refusal(oauth.refresh(tenant, 'a'.repeat(40)));
    expect(error).toMatchObject({
      kind: 'unavailable',
      oauthError: 'temporarily_unavailable',
      status: 0,
      description: 'Docebo is unreachable',
    });
  });

  it.each([
    ['503 overload', { status: 503 }, 503],
    ['500', { status: 500 }, 500],
    ['429', { status: 429, retryAfter: 5 }, 429],
    ['a truncated JSON body', { malformed: true }, 200],
  ])('%s on the token endpoint: unavailable', async (_name, fault, status) => {
    const { oauth, tenant } = oauthFor(running.url);
    const code = await authorizationCode();
    running.sandbox.faults.add({ path: '/oauth2/token', ...fault });
    const error = await refusal(oauth.exchangeCode(tenant, code, REDIRECT_URI));
    expect(error).toMatchObject({ kind: 'unavailable', oauthError: 'temporarily_unavailable', status });
  });

  it('a reset connection: unavailable', async () => {
    const { oauth, tenant } = oauthFor(running.url);
    running.sandbox.faults.add({ path: '/oauth2/token', reset: true });
    expect(await refusal(oauth.password(tenant, 'learner', 'sandbox'))).toMatchObject({
      kind: 'unavailable',
      status: 0,
    });
  });

  it('no answer within the timeout: unavailable, "Docebo timed out"', async () => {
    const { oauth, tenant } = oauthFor(running.url, { timeout: '150ms' });
    running.sandbox.faults.add({ path: '/oauth2/token', latencyMs: 1000 });
    expect(await refusal(oauth.password(tenant, 'learner', 'sandbox'))).toMatchObject({
      kind: 'unavailable',
      status: 0,
      description: 'Docebo timed out',
    });
  });

  it('token requests are never retried: one call per grant, even on 503', async () => {
    const { oauth, tenant } = oauthFor(running.url);
    running.sandbox.stats.reset();
    running.sandbox.faults.add({ path: '/oauth2/token', status: 503 });
    await refusal(oauth.password(tenant, 'learner', 'sandbox'));
    expect(running.sandbox.stats.count('/oauth2/token', 'POST')).toBe(1);
  });

  it.each([400, 401])(
    'a %i without an OAuth error body is still a refusal (invalid_grant)',
    async (status) => {
      const { oauth, tenant } = oauthFor(running.url);
      running.sandbox.faults.add({ path: '/oauth2/token', status });
      expect(await refusal(oauth.password(tenant, 'learner', 'sandbox'))).toMatchObject({
        kind: 'rejected',
        oauthError: 'invalid_grant',
        status,
      });
    },
  );
});

describe('secrets stay out of errors and logs', () => {
  it('no client secret, code, refresh token or password in any message or log line', async () => {
    const { oauth, tenant } = oauthFor(running.url);
    const code = await authorizationCode();
    const set = await oauth.exchangeCode(tenant, code, REDIRECT_URI);
    const errors = [
      await refusal(oauth.exchangeCode(tenant, code, REDIRECT_URI)),
      await refusal(oauth.password(tenant, 'learner', 'hunter2-wrong')),
    ];
    await oauth.refresh(tenant, set.refreshToken!);
    errors.push(await refusal(oauth.refresh(tenant, set.refreshToken!)));
    running.sandbox.faults.add({ path: '/oauth2/token', malformed: true });
    errors.push(await refusal(oauth.password(tenant, 'learner', 'sandbox')));
    const text = [...errors.map((e) => `${e.message} ${e.description}`), ...logs].join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [CLIENT_SECRET, code, set.refreshToken!, set.accessToken, 'hunter2-wrong']) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('direct-mode relay', () => {
  const form = (fields: Record<string, string>) =>
    new URLSearchParams({ client_id: 'sandbox-client', client_secret: CLIENT_SECRET, ...fields });
  const direct = async (body: URLSearchParams) => {
    const res = await fetch(`${running.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    return { status: res.status, contentType: res.headers.get('content-type'), body: await res.text() };
  };

  it("returns Docebo's refusal with its status and body unchanged", async () => {
    const { oauth, tenant } = oauthFor(running.url);
    const fields = { grant_type: 'authorization_code', code: 'nope', redirect_uri: REDIRECT_URI };
    const relayed = await oauth.relay(tenant, form(fields));
    expect(relayed).toEqual(await direct(form(fields)));
    expect(relayed.status).toBe(400);
    expect(JSON.parse(relayed.body)).toEqual({
      error: 'invalid_grant',
      error_description: "Authorization code doesn't exist or is invalid for the client.",
    });
  });

  it("returns Docebo's tokens as they came", async () => {
    const { oauth, tenant } = oauthFor(running.url);
    const relayed = await oauth.relay(
      tenant,
      form({ grant_type: 'password', username: 'learner', password: 'sandbox' }),
    );
    expect(relayed.status).toBe(200);
    expect(relayed.contentType).toMatch(/^application\/json/);
    const body = JSON.parse(relayed.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    expect(await ownerOf(body.access_token as string)).toBe('learner');
  });

  it.each([
    ['a 503', { status: 503 }],
    ['a truncated body', { malformed: true }],
  ])('passes %s through unchanged', async (_name, fault) => {
    const { oauth, tenant } = oauthFor(running.url);
    const fields = form({ grant_type: 'password', username: 'learner', password: 'wrong' });
    running.sandbox.faults.add({ path: '/oauth2/token', ...fault, times: 2 });
    const relayed = await oauth.relay(tenant, fields);
    expect(relayed).toEqual(await direct(fields));
    expect(relayed.status).toBe('status' in fault ? 503 : 400);
  });

  it('Docebo unreachable: throws unavailable', async () => {
    const { oauth, tenant } = oauthFor(`http://127.0.0.1:${await freePort()}`);
    const error = await refusal(oauth.relay(tenant, form({ grant_type: 'password' })));
    expect(error).toMatchObject({ kind: 'unavailable', status: 0 });
  });
});
