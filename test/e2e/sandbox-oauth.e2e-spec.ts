import { createHash, randomBytes } from 'node:crypto';
import { startSandbox, type RunningSandbox } from '../support/sandbox';
import { parseForm, SandboxBrowser } from '../support/sandbox-login';

/** The sandbox's OAuth2 side, over real HTTP (docebo-api.md §2, §8 "OAuth authorize", "OAuth token"). */

const REDIRECT = 'https://client.example/callback';
const OTHER = 'https://other.example/cb';
const ID = 'sandbox-client';
const SECRET = 'sandbox-secret';
const HEX40 = /^[0-9a-f]{40}$/;

let clock = Date.now();
let sbx: RunningSandbox;
beforeAll(async () => {
  sbx = await startSandbox({ redirectUris: [REDIRECT, OTHER], now: () => clock });
});
afterEach(() => sbx.sandbox.reset());
afterAll(() => sbx.close());

function authorizeUrl(params: Record<string, string | null> = {}): URL {
  const url = new URL(`${sbx.url}/oauth2/authorize`);
  const all: Record<string, string | null> = {
    response_type: 'code',
    client_id: ID,
    redirect_uri: REDIRECT,
    state: 'st-42',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== null) url.searchParams.set(k, v);
  return url;
}

type Body = Record<string, string>;
async function token(
  fields: Body,
  opts: { basic?: [string, string]; encoding?: 'form' | 'json' | 'multipart'; clientInBody?: boolean } = {},
) {
  const body: Body = {
    ...(opts.basic || opts.clientInBody === false ? {} : { client_id: ID, client_secret: SECRET }),
    ...fields,
  };
  const headers: Record<string, string> = {};
  if (opts.basic)
    headers.authorization = `Basic ${Buffer.from(`${opts.basic[0]}:${opts.basic[1]}`).toString('base64')}`;
  let payload: RequestInit['body'];
  if (opts.encoding === 'json') {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  } else if (opts.encoding === 'multipart') {
    const form = new FormData();
    for (const [k, v] of Object.entries(body)) form.append(k, v);
    payload = form;
  } else payload = new URLSearchParams(body);
  const res = await fetch(`${sbx.url}/oauth2/token`, { method: 'POST', headers, body: payload });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

async function codeFor(username = 'learner', params: Record<string, string | null> = {}): Promise<string> {
  const back = await new SandboxBrowser().signIn(authorizeUrl(params), { username, password: 'sandbox' });
  expect(back.searchParams.get('error')).toBeNull();
  return back.searchParams.get('code')!;
}

async function sessionOf(accessToken: string) {
  const res = await fetch(`${sbx.url}/manage/v1/user/session`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return {
    status: res.status,
    data: res.status === 200 ? ((await res.json()) as { data: Record<string, unknown> }).data : undefined,
  };
}

describe('GET /oauth2/authorize and the login page', () => {
  it('renders one form (hidden CSRF + pending request, username, password, login and cancel buttons) with strict headers', async () => {
    const res = await fetch(authorizeUrl());
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'nonce-[^']+'; frame-ancestors 'none'; base-uri 'none'$/,
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    const form = parseForm(html, new URL(res.url));
    expect(form.method).toBe('post');
    expect(form.action.pathname).toContain('login');
    expect(form.fields.get('csrf_token')).toMatch(/^[\w-]{40,}$/);
    expect(new URLSearchParams(form.fields.get('authorize_request')!).get('state')).toBe('st-42');
    expect([...form.fields.keys()]).toEqual(['csrf_token', 'authorize_request', 'username', 'password']);
    expect(form.buttons).toEqual([
      { name: 'action', value: 'login' },
      { name: 'action', value: 'cancel' },
    ]);
  });

  it('redirects to the registered redirect URI with a code and the state after a sign-in', async () => {
    const back = await new SandboxBrowser().signIn(authorizeUrl(), {
      username: 'learner',
      password: 'sandbox',
    });
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-42');
    expect(back.searchParams.get('code')).toMatch(HEX40);
  });

  it('signs in when the form is sent without a pressed button (as the headless helper does)', async () => {
    const browser = new SandboxBrowser();
    const page = await browser.fetch(authorizeUrl());
    const form = parseForm(await page.text(), authorizeUrl());
    const res = await browser.submit(form, { username: 'learner1', password: 'sandbox' });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!).searchParams.get('code')).toMatch(HEX40);
  });

  it('skips the login form on a second authorize in the same browser, unless prompt=login', async () => {
    const browser = new SandboxBrowser();
    await browser.signIn(authorizeUrl(), { username: 'manager', password: 'sandbox' });
    const again = await browser.fetch(authorizeUrl({ state: 'second' }));
    expect(again.status).toBe(302);
    const back = new URL(again.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('second');
    const tokens = await token({
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: REDIRECT,
    });
    expect((await sessionOf(tokens.json.access_token as string)).data?.username).toBe('manager');
    expect((await browser.fetch(authorizeUrl({ prompt: 'login' }))).status).toBe(200);
    expect((await new SandboxBrowser().fetch(authorizeUrl())).status).toBe(200); // another browser: no session
    sbx.sandbox.endBrowserSessions();
    expect((await browser.fetch(authorizeUrl())).status).toBe(200);
  });

  it('cancel redirects with error=access_denied and the state', async () => {
    const back = await new SandboxBrowser().signIn(
      authorizeUrl(),
      { username: '', password: '' },
      { name: 'action', value: 'cancel' },
    );
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st-42');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('shows the form again with an error for a wrong password or a suspended account', async () => {
    const browser = new SandboxBrowser();
    const form = parseForm(await (await browser.fetch(authorizeUrl())).text(), authorizeUrl());
    for (const [username, password, message] of [
      ['learner', 'wrong', 'Invalid username or password.'],
      ['nobody', 'sandbox', 'Invalid username or password.'],
      ['suspended', 'sandbox', 'This account is suspended.'],
    ]) {
      const res = await browser.submit(form, { username, password });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(message);
      expect(parseForm(html, form.action).fields.get('username')).toBe(username);
    }
  });

  it('refuses a login form posted without the browser’s CSRF cookie', async () => {
    const form = parseForm(await (await new SandboxBrowser().fetch(authorizeUrl())).text(), authorizeUrl());
    const res = await new SandboxBrowser().submit(form, { username: 'learner', password: 'sandbox' });
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('The sign-in form expired');
  });

  it('refuses a login form whose pending request was edited (the token covers it)', async () => {
    const browser = new SandboxBrowser();
    const form = parseForm(await (await browser.fetch(authorizeUrl())).text(), authorizeUrl());
    form.fields.set(
      'authorize_request',
      new URLSearchParams({
        response_type: 'code',
        client_id: ID,
        redirect_uri: OTHER,
        state: 'x',
      }).toString(),
    );
    expect((await browser.submit(form, { username: 'learner', password: 'sandbox' })).status).toBe(403);
  });

  it.each([
    [
      'an unregistered redirect_uri',
      { redirect_uri: 'https://evil.example/cb' },
      'does not match any redirect URI',
    ],
    [
      'a redirect_uri that differs by a trailing slash',
      { redirect_uri: `${REDIRECT}/` },
      'does not match any redirect URI',
    ],
    ['an unknown client_id', { client_id: 'someone-else' }, 'No OAuth2 app with this client_id'],
    ['no client_id', { client_id: null }, 'no client_id'],
    ['no redirect_uri while several are registered', { redirect_uri: null }, 'no redirect_uri'],
  ])('answers %s with an HTML error page and no redirect', async (_name, params, message) => {
    const res = await fetch(authorizeUrl(params), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(await res.text()).toContain(message);
  });

  it('uses the single registered redirect URI when the request names none', async () => {
    sbx.sandbox.configure({ redirectUris: [REDIRECT] });
    const back = await new SandboxBrowser().signIn(authorizeUrl({ redirect_uri: null }), {
      username: 'learner',
      password: 'sandbox',
    });
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    const tokens = await token({ grant_type: 'authorization_code', code: back.searchParams.get('code')! });
    expect(tokens.status).toBe(200);
  });

  it('redirects errors found after the client is known: unsupported response_type, unknown scope', async () => {
    for (const [params, error] of [
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ scope: 'api admin' }, 'invalid_scope'],
    ] as const) {
      const res = await fetch(authorizeUrl(params), { redirect: 'manual' });
      expect(res.status).toBe(302);
      const back = new URL(res.headers.get('location')!);
      expect(back.searchParams.get('error')).toBe(error);
      expect(back.searchParams.get('state')).toBe('st-42');
    }
    expect((await fetch(authorizeUrl({ scope: 'api' }))).status).toBe(200);
  });

  it('refuses localhost redirect URIs only when rejectLocalhostRedirects is on', async () => {
    const local = 'http://localhost:6274/oauth/callback';
    sbx.sandbox.configure({ redirectUris: [local, 'http://127.0.0.1:8080/cb'] });
    expect((await fetch(authorizeUrl({ redirect_uri: local }))).status).toBe(200);
    sbx.sandbox.configure({ rejectLocalhostRedirects: true });
    for (const uri of [local, 'http://127.0.0.1:8080/cb']) {
      const res = await fetch(authorizeUrl({ redirect_uri: uri }), { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('localhost are not allowed');
    }
  });
});

describe('PKCE', () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  it('is accepted and ignored by default: the exchange needs no code_verifier', async () => {
    const code = await codeFor('learner', {
      code_challenge: challenge,
      code_challenge_method: 'S256',
      resource: 'https://gw.example/mcp',
    });
    expect((await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).status).toBe(
      200,
    );
  });

  it('is required and verified when enforcePkce is on', async () => {
    sbx.sandbox.configure({ enforcePkce: true });
    const missing = await fetch(authorizeUrl(), { redirect: 'manual' });
    expect(new URL(missing.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');

    const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
    const noVerifier = await token({
      grant_type: 'authorization_code',
      code: await codeFor('learner', pkce),
      redirect_uri: REDIRECT,
    });
    expect(noVerifier.json).toMatchObject({ error: 'invalid_grant' });
    const wrong = await token({
      grant_type: 'authorization_code',
      code: await codeFor('learner', pkce),
      redirect_uri: REDIRECT,
      code_verifier: randomBytes(32).toString('base64url'),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json).toMatchObject({ error: 'invalid_grant' });
    const right = await token({
      grant_type: 'authorization_code',
      code: await codeFor('learner', pkce),
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(right.status).toBe(200);
  });
});

describe('POST /oauth2/token', () => {
  it('exchanges a code for exactly Docebo’s token response, once', async () => {
    const code = await codeFor();
    const first = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(first.status).toBe(200);
    expect(Object.keys(first.json).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    expect(first.json).toMatchObject({ expires_in: 3600, token_type: 'Bearer', scope: 'api' });
    expect(first.json.access_token).toMatch(HEX40);
    expect(first.json.refresh_token).toMatch(HEX40);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect((await sessionOf(first.json.access_token as string)).data?.username).toBe('learner');

    const again = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(again.status).toBe(400);
    expect(again.json).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  it('binds the code to its redirect_uri', async () => {
    const other = await token({
      grant_type: 'authorization_code',
      code: await codeFor(),
      redirect_uri: OTHER,
    });
    expect(other.json).toMatchObject({
      error: 'invalid_grant',
      error_description: 'The redirect URI is missing or does not match.',
    });
    const none = await token({ grant_type: 'authorization_code', code: await codeFor() });
    expect(none.json).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses an expired code', async () => {
    const code = await codeFor();
    clock += sbx.sandbox.settings.authorizationCodeTtl + 1000;
    const res = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(res.json).toEqual({
      error: 'invalid_grant',
      error_description: 'The authorization code has expired.',
    });
  });

  it('refreshes, rotating the refresh token by default', async () => {
    const first = await token({
      grant_type: 'authorization_code',
      code: await codeFor('manager'),
      redirect_uri: REDIRECT,
    });
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: first.json.refresh_token as string,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.access_token).not.toBe(first.json.access_token);
    expect(refreshed.json.refresh_token).toMatch(HEX40);
    expect(refreshed.json.refresh_token).not.toBe(first.json.refresh_token);
    expect((await sessionOf(refreshed.json.access_token as string)).data?.username).toBe('manager');
    const reused = await token({
      grant_type: 'refresh_token',
      refresh_token: first.json.refresh_token as string,
    });
    expect(reused.json).toMatchObject({ error: 'invalid_grant' });
    const next = await token({
      grant_type: 'refresh_token',
      refresh_token: refreshed.json.refresh_token as string,
    });
    expect(next.status).toBe(200);
  });

  it('keeps the refresh token (and returns none) when rotation is off', async () => {
    sbx.sandbox.configure({ rotateRefreshTokens: false });
    const first = await token({ grant_type: 'password', username: 'learner', password: 'sandbox' });
    for (let i = 0; i < 2; i++) {
      const refreshed = await token({
        grant_type: 'refresh_token',
        refresh_token: first.json.refresh_token as string,
      });
      expect(refreshed.status).toBe(200);
      expect(refreshed.json.refresh_token).toBeUndefined();
    }
  });

  it('refuses an expired refresh token', async () => {
    const first = await token({ grant_type: 'password', username: 'learner', password: 'sandbox' });
    clock += sbx.sandbox.settings.refreshTokenTtl + 1000;
    const res = await token({
      grant_type: 'refresh_token',
      refresh_token: first.json.refresh_token as string,
    });
    expect(res.json).toEqual({ error: 'invalid_grant', error_description: 'Refresh token has expired.' });
  });

  it('password grant: the user’s own token; a wrong password is invalid_grant', async () => {
    const ok = await token({ grant_type: 'password', username: 'admin', password: 'sandbox', scope: 'api' });
    expect(ok.status).toBe(200);
    expect((await sessionOf(ok.json.access_token as string)).data).toMatchObject({
      username: 'admin',
      user_level: 'super_admin',
    });
    const bad = await token({ grant_type: 'password', username: 'admin', password: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'invalid_grant' });
    const missing = await token({ grant_type: 'password', username: 'admin' });
    expect(missing.json).toMatchObject({ error: 'invalid_request' });
  });

  it('client_credentials grant: a token of the configured user, without a refresh token', async () => {
    const res = await token({ grant_type: 'client_credentials' }, { basic: [ID, SECRET] });
    expect(res.status).toBe(200);
    expect(res.json.refresh_token).toBeUndefined();
    expect((await sessionOf(res.json.access_token as string)).data?.username).toBe('admin');
  });

  it('authenticates the client by HTTP Basic or in the body, and refuses wrong credentials with 401 invalid_client', async () => {
    const grant = { grant_type: 'password', username: 'learner', password: 'sandbox' };
    expect((await token(grant, { basic: [ID, SECRET] })).status).toBe(200);
    expect((await token(grant)).status).toBe(200);

    const wrongBasic = await token(grant, { basic: [ID, 'wrong'] });
    expect(wrongBasic.status).toBe(401);
    expect(wrongBasic.json).toMatchObject({ error: 'invalid_client' });
    expect(wrongBasic.headers.get('www-authenticate')).toMatch(/^Basic /);
    const wrongBody = await token(
      { ...grant, client_id: ID, client_secret: 'wrong' },
      { clientInBody: false },
    );
    expect(wrongBody.status).toBe(401);
    expect(wrongBody.json).toMatchObject({ error: 'invalid_client' });
    const unknown = await token(
      { ...grant, client_id: 'other', client_secret: SECRET },
      { clientInBody: false },
    );
    expect(unknown.status).toBe(401);
    const none = await token(grant, { clientInBody: false });
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ error: 'invalid_client' });
    const both = await token({ ...grant, client_secret: SECRET }, { basic: [ID, SECRET] });
    expect(both.status).toBe(400);
    expect(both.json).toMatchObject({ error: 'invalid_request' });
  });

  it.each(['form', 'json', 'multipart'] as const)('accepts a %s body', async (encoding) => {
    const res = await token(
      { grant_type: 'password', username: 'learner', password: 'sandbox', scope: 'api' },
      { encoding },
    );
    expect(res.status).toBe(200);
    expect(res.json.access_token).toMatch(HEX40);
  });

  it('answers malformed requests with RFC 6749 errors', async () => {
    expect((await token({})).json).toMatchObject({ error: 'invalid_request' });
    expect((await token({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code' })).json).toMatchObject({
      error: 'unsupported_grant_type',
    });
    expect(
      (await token({ grant_type: 'password', username: 'learner', password: 'sandbox', scope: 'everything' }))
        .json,
    ).toMatchObject({
      error: 'invalid_scope',
    });
    const text = await fetch(`${sbx.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(text.status).toBe(400);
    expect(await text.json()).toMatchObject({ error: 'invalid_request' });
    const badJson = await fetch(`${sbx.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(await badJson.json()).toEqual({
      error: 'invalid_request',
      error_description: 'The request body is not valid JSON.',
    });
    const get = await fetch(`${sbx.url}/oauth2/token`);
    expect(get.status).toBe(400);
    expect(await get.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('issues tokens with the configured lifetime', async () => {
    sbx.sandbox.configure({ accessTokenTtl: 5000 });
    const res = await token({ grant_type: 'password', username: 'learner', password: 'sandbox' });
    expect(res.json.expires_in).toBe(5);
    expect((await sessionOf(res.json.access_token as string)).status).toBe(200);
    clock += 6000;
    expect((await sessionOf(res.json.access_token as string)).status).toBe(401);
  });

  it('applies the apiScopeForNonSuperadmins switch', async () => {
    const learner = { grant_type: 'password', username: 'learner', password: 'sandbox', scope: 'api' };
    sbx.sandbox.configure({ apiScopeForNonSuperadmins: 'reject' });
    expect((await token(learner)).json).toMatchObject({ error: 'invalid_scope' });
    expect((await token({ ...learner, username: 'admin' })).json).toMatchObject({ scope: 'api' });
    const denied = await fetch(authorizeUrl({ scope: 'api' }), { redirect: 'manual' });
    expect(denied.status).toBe(200); // the scope check runs once the user is known
    const back = await new SandboxBrowser().signIn(authorizeUrl({ scope: 'api' }), {
      username: 'learner',
      password: 'sandbox',
    });
    expect(back.searchParams.get('error')).toBe('invalid_scope');
    sbx.sandbox.configure({ apiScopeForNonSuperadmins: 'downgrade' });
    const downgraded = await token(learner);
    expect(downgraded.status).toBe(200);
    expect(downgraded.json.scope).toBeNull();
  });
});
