import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import type { Server } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { TokenService } from '../../src/tokens/token.service';
import { startApp, type RunningApp, type TestConfig } from '../support/app';
import { approveAs, CALLBACK, HeadlessProvider, walk, type Visit } from '../support/headless-oauth';
import { json } from '../support/json';
import {
  authorizeParams,
  authorizeUrl,
  basic,
  pkce,
  register,
  tokenRequest,
} from '../support/oauth-requests';
import { startRedis } from '../support/redis';
import { selfSignedCertificate, serveDocuments } from '../support/tls';

const LEARNER_ID = 12303; // seeded user "learner" (src/sandbox/sandbox.seed.ts)

/** Runs the SDK client's own auth() twice: once to the browser redirect, once to exchange the code. */
async function authorize(gw: RunningApp, provider: HeadlessProvider, serverUrl = `${gw.url}/mcp`) {
  expect(await auth(provider, { serverUrl })).toBe('REDIRECT');
  expect(provider.code).toBeDefined();
  expect(await auth(provider, { serverUrl, authorizationCode: provider.code })).toBe('AUTHORIZED');
  return provider.tokens()!;
}

function audienceOf(gw: RunningApp, base = gw.url, tenant = 'demo') {
  return { tenant, issuer: base, audience: `${base}/mcp` };
}

describe('OAuth flow through the SDK client, against the embedded sandbox', () => {
  let gw: RunningApp;
  beforeAll(async () => {
    gw = await startApp({
      tenants: {
        demo: {
          docebo: { baseUrl: 'sandbox', clientId: 'sandbox-client', clientSecret: 'sandbox-secret' },
          oauth: { doceboAppRedirectUris: [CALLBACK] },
          preRegisteredClients: [
            {
              clientId: 'pre-client',
              clientSecret: 'pre-secret',
              name: 'Pre-registered app',
              redirectUris: [CALLBACK],
            },
          ],
        },
      },
    });
  });
  afterAll(() => gw.close());

  it('discovery → DCR → consent → Docebo login → callback → token → refresh → revoke', async () => {
    const provider = new HeadlessProvider(approveAs('learner'));
    const tokens = await authorize(gw, provider);
    // the authorization response carried the issuer (RFC 9207)
    expect(provider.lastRedirect?.searchParams.get('iss')).toBe(gw.url);
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'docebo.read docebo.write' });
    expect(tokens.expires_in).toBeGreaterThan(3500);
    expect(tokens.expires_in).toBeLessThanOrEqual(3600);
    const clientId = provider.clientInformation()!.client_id;
    expect(clientId).toMatch(/^dcr_/);

    const claims = await gw.app.get(TokenService).verifyAccessToken(audienceOf(gw), tokens.access_token);
    expect(claims).toMatchObject({
      sub: String(LEARNER_ID),
      clientId,
      tenant: 'demo',
      scopes: ['docebo.read', 'docebo.write'],
    });
    // the Docebo token stays inside: it is not the bearer, and it works at Docebo as the learner
    expect(tokens.access_token).not.toContain(claims.doceboToken);
    const session = await json(
      fetch(`${gw.url}/__sandbox/demo/manage/v1/user/session`, {
        headers: { authorization: `Bearer ${claims.doceboToken}` },
      }),
    );
    expect(session.data.username).toBe('learner');

    // refresh: auth() with a stored refresh token refreshes instead of redirecting
    expect(await auth(provider, { serverUrl: `${gw.url}/mcp` })).toBe('AUTHORIZED');
    const refreshed = provider.tokens()!;
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const after = await gw.app.get(TokenService).verifyAccessToken(audienceOf(gw), refreshed.access_token);
    expect(after.doceboToken).not.toBe(claims.doceboToken); // Docebo was refreshed upstream
    expect(after.grantId).toBe(claims.grantId);

    // revoke the grant (RFC 7009): its refresh token and its access tokens stop working
    const revoke = await fetch(`${gw.url}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshed.refresh_token!, client_id: clientId }),
    });
    expect(revoke.status).toBe(200);
    const again = await tokenRequest(gw.url, {
      grant_type: 'refresh_token',
      refresh_token: refreshed.refresh_token,
      client_id: clientId,
    });
    expect(again).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    const mcp = await fetch(`${gw.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    });
    expect(mcp.status).toBe(401);

    // nothing secret reached the logs: codes (in callback URLs and Location headers), tokens, cookies
    const logs = gw.logs.text();
    const secrets = {
      code: provider.codeSeen!,
      access: tokens.access_token,
      refresh: tokens.refresh_token!,
      docebo: claims.doceboToken,
    };
    for (const [name, value] of Object.entries(secrets))
      expect({ name, logged: logs.includes(value) }).toEqual({ name, logged: false });
    expect(logs).toContain('code=%5BREDACTED%5D');
    for (const cookies of provider.jar.values())
      for (const value of cookies.values()) expect(logs).not.toContain(value);
  });

  it('a pre-registered confidential client authenticates with client_secret_basic', async () => {
    const provider = new HeadlessProvider(approveAs('manager'), {
      client_id: 'pre-client',
      client_secret: 'pre-secret',
    });
    const tokens = await authorize(gw, provider);
    const claims = await gw.app.get(TokenService).verifyAccessToken(audienceOf(gw), tokens.access_token);
    expect(claims.clientId).toBe('pre-client');
    // the SDK picked Basic (advertised): the token request carried an Authorization header and no secret in the body
    const tokenLines = gw.logs.entries.filter(
      (e) =>
        (e.req as { url?: string })?.url === '/oauth2/token' &&
        (e.res as { statusCode: number }).statusCode === 200,
    );
    expect(
      tokenLines.some(
        (e) => (e.req as { headers: Record<string, string> }).headers.authorization === '[REDACTED]',
      ),
    ).toBe(true);

    const wrong = await tokenRequest(
      gw.url,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
      { authorization: basic('pre-client', 'nope') },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({
      error: 'invalid_client',
      error_description: 'The client secret is wrong.',
    });
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="oauth2"');
  });

  it("a client set up with the tenant's own Docebo client id and secret still connects", async () => {
    const provider = new HeadlessProvider(approveAs('learner'), {
      client_id: 'sandbox-client',
      client_secret: 'sandbox-secret',
    });
    const tokens = await authorize(gw, provider);
    expect(
      (await gw.app.get(TokenService).verifyAccessToken(audienceOf(gw), tokens.access_token)).clientId,
    ).toBe('sandbox-client');
  });

  it('Deny returns access_denied to the client, with its state', async () => {
    const provider = new HeadlessProvider({ consent: { press: { name: 'decision', value: 'deny' } } });
    await expect(auth(provider, { serverUrl: `${gw.url}/mcp` })).rejects.toThrow(
      'authorization failed: access_denied',
    );
    expect(provider.lastRedirect?.searchParams.get('iss')).toBe(gw.url);
  });

  it('remembers consent per browser and client, except for cross-site navigations', async () => {
    const provider = new HeadlessProvider(approveAs('learner'));
    await authorize(gw, provider);
    // same browser, same client: no consent page (an answer-less walk would throw on one), sandbox session reused
    const again = new URL(`${gw.url}/oauth2/authorize`);
    const p = pkce();
    const params = authorizeParams(provider.clientInformation()!.client_id, p);
    for (const [k, v] of Object.entries(params)) again.searchParams.set(k, v!);
    const back = await walk(again, {}, provider.jar);
    expect(back.searchParams.get('code')).toBeTruthy();
    // a cross-site navigation to the same request shows the consent page again
    await expect(
      walk(again, {}, provider.jar, { firstHeaders: { 'sec-fetch-site': 'cross-site' } }),
    ).rejects.toThrow('no answer for the form posting to /oauth2/consent');
  });
});

describe('a CIMD client (client id metadata document served over https on loopback)', () => {
  let gw: RunningApp;
  let docs: { origin: string; server: Server };
  const documents = new Map<string, unknown>();
  beforeAll(async () => {
    const tls = selfSignedCertificate();
    docs = await serveDocuments(tls, documents);
    gw = await startApp({
      oauth: { cimd: { dangerouslyAllowPrivateNetworks: true, extraCaFile: tls.certFile } },
    });
  });
  afterAll(async () => {
    await gw.close();
    docs.server.close();
  });

  it('completes the flow with the URL as client_id', async () => {
    const clientId = `${docs.origin}/client.json`;
    documents.set('/client.json', {
      client_id: clientId,
      client_name: 'CIMD e2e',
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: 'none',
    });
    const provider = new HeadlessProvider(approveAs('learner'), undefined, clientId);
    const tokens = await authorize(gw, provider);
    expect(
      (await gw.app.get(TokenService).verifyAccessToken(audienceOf(gw), tokens.access_token)).clientId,
    ).toBe(clientId);
  });

  it('refuses a document whose client_id differs from its URL, on a page (no redirect)', async () => {
    const clientId = `${docs.origin}/liar.json`;
    documents.set('/liar.json', {
      client_id: `${docs.origin}/someone-else.json`,
      client_name: 'Liar',
      redirect_uris: [CALLBACK],
    });
    const res = await fetch(authorizeUrl(gw.url, authorizeParams(clientId, pkce())), {
      redirect: 'manual',
      headers: { accept: 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.json()).toEqual({
      error: 'invalid_client',
      error_description:
        'The client metadata document names a different client_id than the URL it was fetched from.',
    });
  });

  it('refuses a redirect_uri the document does not list', async () => {
    const clientId = `${docs.origin}/client.json`;
    const res = await fetch(
      authorizeUrl(gw.url, authorizeParams(clientId, pkce(), { redirect_uri: 'https://evil.example/cb' })),
      {
        redirect: 'manual',
        headers: { accept: 'application/json' },
      },
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'invalid_request',
      error_description: 'The redirect_uri is not one this client registered.',
    });
  });
});

describe('authorization and token endpoint errors, each exact', () => {
  let gw: RunningApp;
  let clientId: string;
  beforeAll(async () => {
    gw = await startApp({
      oauth: { codeTtl: '1s', rateLimits: { register: 40 } },
      tenants: {
        demo: {
          docebo: { baseUrl: 'sandbox', clientId: 'sandbox-client', clientSecret: 'sandbox-secret' },
          oauth: { refreshGrace: '1s' },
        },
      },
    });
    clientId = (await register(gw.url)).client_id;
  });
  afterAll(() => gw.close());

  /** Authorizes in the browser and returns the code and the PKCE pair used. */
  async function codeFor(id = clientId, extra: Record<string, string | undefined> = {}) {
    const p = pkce();
    const back = await walk(
      authorizeUrl(gw.url, authorizeParams(id, p, extra)),
      approveAs('learner'),
      new Map(),
    );
    return { code: back.searchParams.get('code')!, pkce: p, back };
  }
  const exchange = (
    code: string,
    verifier: string | undefined,
    id = clientId,
    extra: Record<string, string> = {},
  ) =>
    tokenRequest(gw.url, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: id,
      redirect_uri: CALLBACK,
      ...extra,
    });
  const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
    tokenRequest(gw.url, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: clientId,
      ...extra,
    });

  /** The error redirect for an authorize request (the redirect URI is trusted, so errors go back to it). */
  async function redirectError(extra: Record<string, string | undefined>) {
    const params = authorizeParams(clientId, pkce(), extra);
    const res = await fetch(authorizeUrl(gw.url, params), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.href.startsWith(CALLBACK)).toBe(true);
    expect(location.searchParams.get('state')).toBe(params.state);
    expect(location.searchParams.get('iss')).toBe(gw.url);
    return {
      error: location.searchParams.get('error'),
      description: location.searchParams.get('error_description'),
    };
  }

  it('missing PKCE → invalid_request at the redirect URI', async () => {
    expect(await redirectError({ code_challenge: undefined, code_challenge_method: undefined })).toEqual({
      error: 'invalid_request',
      description: 'PKCE is required: send code_challenge with code_challenge_method=S256.',
    });
  });

  it('plain PKCE → invalid_request', async () => {
    expect(await redirectError({ code_challenge_method: 'plain' })).toEqual({
      error: 'invalid_request',
      description: 'code_challenge_method must be S256.',
    });
  });

  it('response_type other than code → unsupported_response_type', async () => {
    expect((await redirectError({ response_type: 'token' })).error).toBe('unsupported_response_type');
  });

  it('a foreign resource → invalid_target; the own resource with a trailing slash or upper-case host is fine', async () => {
    expect(await redirectError({ resource: 'https://other.example/mcp' })).toEqual({
      error: 'invalid_target',
      description: `This server only issues tokens for ${gw.url}/mcp.`,
    });
    for (const resource of [`${gw.url}/mcp/`, `${gw.url}/mcp`.replace('http://', 'HTTP://')]) {
      const { code, pkce: p } = await codeFor(clientId, { resource });
      expect((await exchange(code, p.verifier, clientId, { resource })).status).toBe(200);
    }
  });

  it('a redirect URI that was not registered is shown as an error, never redirected to', async () => {
    const url = authorizeUrl(
      gw.url,
      authorizeParams(clientId, pkce(), { redirect_uri: 'https://evil.example/callback' }),
    );
    const asJson = await fetch(url, { redirect: 'manual', headers: { accept: 'application/json' } });
    expect(asJson.status).toBe(400);
    expect(asJson.headers.get('location')).toBeNull();
    expect(await asJson.json()).toEqual({
      error: 'invalid_request',
      error_description: 'The redirect_uri is not one this client registered.',
    });
    const asPage = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(asPage.status).toBe(400);
    expect(asPage.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await asPage.text()).toContain('The redirect_uri is not one this client registered.');
  });

  it('an unknown client_id is shown as an error page', async () => {
    const res = await fetch(authorizeUrl(gw.url, authorizeParams('dcr_doesnotexist', pkce())), {
      redirect: 'manual',
      headers: { accept: 'application/json' },
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error).toBe('invalid_client');
  });

  it('a wrong code_verifier → invalid_grant; a missing one → invalid_request', async () => {
    const { code } = await codeFor();
    expect((await exchange(code, undefined)).json).toEqual(
      expect.objectContaining({
        error: 'invalid_request',
        error_description: 'code_verifier is required (PKCE).',
      }),
    );
    const wrong = await exchange(code, pkce().verifier);
    expect(wrong).toMatchObject({
      status: 400,
      json: {
        error: 'invalid_grant',
        error_description: 'The code_verifier does not match the code_challenge.',
      },
    });
    expect(wrong.headers.get('cache-control')).toBe('no-store');
  });

  it('a reused code → invalid_grant, and the grant it produced is revoked', async () => {
    const { code, pkce: p } = await codeFor();
    const first = await exchange(code, p.verifier);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const second = await exchange(code, p.verifier);
    expect(second).toMatchObject({
      status: 400,
      json: {
        error: 'invalid_grant',
        error_description: 'The authorization code is invalid, expired or already used.',
      },
    });
    const refreshed = await refresh(first.json.refresh_token as string);
    expect(refreshed).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'The grant was revoked; sign in again.' },
    });
  });

  it('a code issued to another client → invalid_grant', async () => {
    const other = (await register(gw.url)).client_id;
    const { code, pkce: p } = await codeFor();
    expect(await exchange(code, p.verifier, other)).toMatchObject({
      status: 400,
      json: {
        error: 'invalid_grant',
        error_description: 'The authorization code was issued to another client.',
      },
    });
  });

  it('an expired code → invalid_grant', async () => {
    const { code, pkce: p } = await codeFor();
    await sleep(1200); // codeTtl is 1 s in this app
    expect((await exchange(code, p.verifier)).json).toMatchObject({ error: 'invalid_grant' });
  });

  it('an unknown client at the token endpoint → 401 invalid_client (clients then register again)', async () => {
    const res = await tokenRequest(gw.url, {
      grant_type: 'authorization_code',
      code: 'x',
      code_verifier: pkce().verifier,
      client_id: 'dcr_gone',
    });
    expect(res).toMatchObject({
      status: 401,
      json: { error: 'invalid_client', error_description: 'Unknown client; register again.' },
    });
  });

  it('grant types other than authorization_code and refresh_token → unsupported_grant_type', async () => {
    const res = await tokenRequest(gw.url, { grant_type: 'client_credentials', client_id: clientId });
    expect(res).toMatchObject({ status: 400, json: { error: 'unsupported_grant_type' } });
  });

  it('a tampered or forged refresh token → invalid_grant', async () => {
    const { code, pkce: p } = await codeFor();
    const { refresh_token } = (await exchange(code, p.verifier)).json as { refresh_token: string };
    const parts = refresh_token.split('.');
    parts[3] = parts[3].slice(0, -2) + (parts[3].endsWith('A') ? 'BB' : 'AA');
    for (const bad of [
      parts.join('.'),
      'not-a-token',
      refresh_token.replace(/^[^.]+/, 'eyJhbGciOiJub25lIn0'),
    ]) {
      const res = await refresh(bad);
      expect(res).toMatchObject({
        status: 400,
        json: { error: 'invalid_grant', error_description: 'The refresh token is not valid.' },
      });
    }
  });

  it('a refresh may narrow the scopes (offline_access is ignored) but never widen them', async () => {
    const { code, pkce: p } = await codeFor();
    const rt = (await exchange(code, p.verifier)).json.refresh_token as string;
    const narrowed = await refresh(rt, { scope: 'docebo.read offline_access' });
    expect(narrowed).toMatchObject({ status: 200, json: { scope: 'docebo.read' } });
    const widened = await refresh(narrowed.json.refresh_token as string, {
      scope: 'docebo.read docebo.admin',
    });
    expect(widened).toMatchObject({
      status: 400,
      json: {
        error: 'invalid_scope',
        error_description: 'A refresh cannot add scopes the grant does not have.',
      },
    });
    // the grant itself was not narrowed: a refresh without scope gets everything that was granted
    const full = await refresh(narrowed.json.refresh_token as string);
    expect(full).toMatchObject({ status: 200, json: { scope: 'docebo.read docebo.write' } });
  });

  it('rotation: the previous refresh token works within the grace window; reuse after it revokes the grant', async () => {
    const { code, pkce: p } = await codeFor();
    const rt0 = (await exchange(code, p.verifier)).json.refresh_token as string;
    const r1 = await refresh(rt0);
    expect(r1.status).toBe(200);
    const concurrent = await refresh(rt0); // a client refreshing twice at once: inside the 1 s grace window
    expect(concurrent.status).toBe(200);
    await sleep(1200);
    expect(await refresh(rt0)).toMatchObject({
      status: 400,
      json: {
        error: 'invalid_grant',
        error_description: 'The refresh token was already used; the grant is revoked. Sign in again.',
      },
    });
    // the whole family is gone, the newest token included
    expect((await refresh(r1.json.refresh_token as string)).json.error).toBe('invalid_grant');
  });

  it('Docebo unavailable during refresh → 503 temporarily_unavailable, and the refresh token survives', async () => {
    const { code, pkce: p } = await codeFor();
    const rt = (await exchange(code, p.verifier)).json.refresh_token as string;
    gw.sandbox().faults.set({ path: '/oauth2/token', status: 503, times: 1 });
    const down = await refresh(rt);
    expect(down.status).toBe(503);
    expect(down.json).toMatchObject({ error: 'temporarily_unavailable' });
    expect(down.headers.get('retry-after')).toBe('5');
    expect((await refresh(rt)).status).toBe(200);
  });

  it('a replayed Docebo callback (state) is refused', async () => {
    const p = pkce();
    const jar = new Map();
    const callback = await walk(
      authorizeUrl(gw.url, authorizeParams(clientId, p)),
      approveAs('learner'),
      jar,
      { stopAt: `${gw.url}/oauth2/callback` },
    );
    const cookie = [...(jar.get(new URL(gw.url).host) ?? new Map())].map(([k, v]) => `${k}=${v}`).join('; ');
    const first = await fetch(callback, { redirect: 'manual', headers: { cookie } });
    expect(first.status).toBe(302);
    expect(new URL(first.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    const replay = await fetch(callback, { redirect: 'manual', headers: { cookie, accept: 'text/html' } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('This sign-in has expired or was already completed.');
  });

  it('a callback in another browser (no binding cookie) is refused', async () => {
    const callback = await walk(
      authorizeUrl(gw.url, authorizeParams(clientId, pkce())),
      approveAs('learner'),
      new Map(),
      { stopAt: `${gw.url}/oauth2/callback` },
    );
    const res = await fetch(callback, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('This sign-in was started in another browser.');
  });

  it('a consent form without its CSRF token, or posted cross-site, is refused', async () => {
    const visits: Visit[] = [];
    const jar = new Map();
    await expect(
      walk(authorizeUrl(gw.url, authorizeParams(clientId, pkce())), {}, jar, { visits }),
    ).rejects.toThrow('no answer');
    const page = visits.at(-1)!;
    const transaction = /name="transaction" value="([^"]+)"/.exec(page.html!)![1];
    const cookie = [...jar.get(new URL(gw.url).host)!].map(([k, v]) => `${k}=${v}`).join('; ');
    const post = (fields: Record<string, string>, site = 'same-origin') =>
      fetch(`${gw.url}/oauth2/consent`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          cookie,
          'content-type': 'application/x-www-form-urlencoded',
          'sec-fetch-site': site,
          accept: 'text/html',
        },
        body: new URLSearchParams(fields),
      });
    const noCsrf = await post({ transaction, decision: 'approve' });
    expect(noCsrf.status).toBe(400);
    expect(await noCsrf.text()).toContain(
      'This consent form has expired, was already used, or was opened in another browser.',
    );
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.html!)![1];
    const crossSite = await post({ transaction, csrf, decision: 'approve' }, 'cross-site');
    expect(crossSite.status).toBe(403);
  });

  it('the consent page cannot be framed and names the client and where it will be sent', async () => {
    const visits: Visit[] = [];
    await expect(
      walk(authorizeUrl(gw.url, authorizeParams(clientId, pkce())), {}, new Map(), { visits }),
    ).rejects.toThrow('no answer');
    const page = visits.at(-1)!;
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.html).toContain('negative-tests');
    expect(page.html).toContain('127.0.0.1:53682');
  });
});

describe('dynamic client registration', () => {
  let gw: RunningApp;
  beforeAll(async () => {
    gw = await startApp();
  });
  afterAll(() => gw.close());
  const post = (body: unknown) =>
    fetch(`${gw.url}/oauth2/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it("accepts real clients' bodies: VS Code's six redirect URIs and device grant, Cursor's custom scheme, no auth method", async () => {
    const vscode = await post({
      client_name: 'Visual Studio Code',
      redirect_uris: [
        'https://insiders.vscode.dev/redirect',
        'https://vscode.dev/redirect',
        'http://localhost/',
        'http://127.0.0.1/',
        'http://localhost:33418/',
        'http://127.0.0.1:33418/',
      ],
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    });
    expect(vscode.status).toBe(201);
    expect(await vscode.json()).toMatchObject({
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
    });
    const cursor = await json(post({ redirect_uris: ['cursor://anysphere.cursor-mcp/oauth/callback'] }));
    // no token_endpoint_auth_method: RFC 7591's default, a confidential client with a secret that never expires
    expect(cursor).toMatchObject({
      token_endpoint_auth_method: 'client_secret_basic',
      client_secret_expires_at: 0,
    });
    expect(cursor.client_secret).toEqual(expect.any(String));
  });

  it.each([
    [
      { redirect_uris: ['javascript:alert(1)'] },
      'invalid_redirect_uri',
      'must not use the javascript: scheme',
    ],
    [{ redirect_uris: ['data:text/html,hi'] }, 'invalid_redirect_uri', 'must not use the data: scheme'],
    [
      { redirect_uris: ['https://app.example/cb#frag'] },
      'invalid_redirect_uri',
      'must not contain a fragment',
    ],
    [
      { redirect_uris: ['http://app.example/cb'] },
      'invalid_redirect_uri',
      'must use https unless it is a loopback address',
    ],
    [{ redirect_uris: [] }, 'invalid_redirect_uri', 'must list at least one redirect URI'],
    [
      { redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'private_key_jwt' },
      'invalid_client_metadata',
      'private_key_jwt',
    ],
  ])('refuses %j with %s', async (body, error, fragment) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const answer = await json(res);
    expect(answer.error).toBe(error);
    expect(answer.error_description).toContain(fragment);
  });

  it('is rate-limited per address, with Retry-After', async () => {
    const limited = await startApp({ oauth: { rateLimits: { register: 3 } } });
    try {
      const statuses: number[] = [];
      let last!: Response;
      for (let i = 0; i < 4; i++) {
        last = await fetch(`${limited.url}/oauth2/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ redirect_uris: ['https://a.example/cb'] }),
        });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([201, 201, 201, 429]);
      expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await json(last)).toMatchObject({
        error: 'rate_limited',
        error_description: expect.stringMatching(
          /^Too many register requests from this address; try again in \d+ s\.$/,
        ),
      });
    } finally {
      await limited.close();
    }
  });
});

describe('multi-tenant: each tenant its own metadata, and tokens that stay home', () => {
  const docebo = { baseUrl: 'sandbox', clientId: 'sandbox-client', clientSecret: 'sandbox-secret' };
  const shared = [{ clientId: 'shared-app', redirectUris: [CALLBACK] }];
  const tenants = {
    acme: { docebo, preRegisteredClients: shared },
    beta: { docebo, preRegisteredClients: shared },
  };

  it('path mode: a token from acme is refused by beta', async () => {
    const gw = await startApp({ publicUrl: 'http://127.0.0.1:{port}/t/{tenant}', tenants });
    try {
      const acme = `${gw.url}/t/acme`;
      const provider = new HeadlessProvider(approveAs('learner'), { client_id: 'shared-app' });
      const tokens = await authorize(gw, provider, `${acme}/mcp`);
      const claims = await gw.app
        .get(TokenService)
        .verifyAccessToken(audienceOf(gw, acme, 'acme'), tokens.access_token);
      expect(claims.tenant).toBe('acme');
      const atBeta = await tokenRequest(`${gw.url}/t/beta`, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: 'shared-app',
      });
      expect(atBeta).toMatchObject({
        status: 400,
        json: {
          error: 'invalid_grant',
          error_description: 'The refresh token was issued for another server or tenant.',
        },
      });
      const mcp = await fetch(`${gw.url}/t/beta/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(mcp.status).toBe(401);
      expect(mcp.headers.get('www-authenticate')).toContain(
        'The access token was issued for another resource.',
      );
    } finally {
      await gw.close();
    }
  });

  it('host mode: the same flow on acme.localhost, refused on beta.localhost', async () => {
    // the real module object (an ES import would be a copy under the test transform)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dns = require('node:dns') as typeof import('node:dns');
    const lookup = dns.lookup;
    // *.localhost → 127.0.0.1 for this test (glibc does not resolve subdomains of localhost)
    (dns as { lookup: unknown }).lookup = (host: string, opts: unknown, cb?: unknown) => {
      const callback = (typeof opts === 'function' ? opts : cb) as (...a: unknown[]) => void;
      const options = (typeof opts === 'object' && opts) || {};
      if (!host.endsWith('.localhost')) return (lookup as (...a: unknown[]) => void)(host, opts, cb);
      return (options as { all?: boolean }).all
        ? callback(null, [{ address: '127.0.0.1', family: 4 }])
        : callback(null, '127.0.0.1', 4);
    };
    const gw = await startApp({ publicUrl: 'http://{tenant}.localhost:{port}', tenants });
    try {
      const acme = `http://acme.localhost:${gw.port}`;
      const provider = new HeadlessProvider(approveAs('learner'), { client_id: 'shared-app' });
      const tokens = await authorize(gw, provider, `${acme}/mcp`);
      expect(provider.lastRedirect?.searchParams.get('iss')).toBe(acme);
      const atBeta = await tokenRequest(`http://beta.localhost:${gw.port}`, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: 'shared-app',
      });
      expect(atBeta).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    } finally {
      (dns as { lookup: unknown }).lookup = lookup;
      await gw.close();
    }
  });
});

describe('the whole flow on a Redis state store', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let gw: RunningApp;
  beforeAll(async () => {
    redis = await startRedis();
    gw = await startApp({ stateStore: redis.url } as TestConfig);
  });
  afterAll(async () => {
    await gw.close();
    await redis.stop();
  });

  it('DCR, consent, code, token, refresh and code replay protection hold with Redis', async () => {
    const provider = new HeadlessProvider(approveAs('learner'));
    const tokens = await authorize(gw, provider);
    expect(await auth(provider, { serverUrl: `${gw.url}/mcp` })).toBe('AUTHORIZED');
    expect(provider.tokens()!.refresh_token).not.toBe(tokens.refresh_token);
    const health = await json(fetch(`${gw.url}/health/ready`));
    expect(health.details.stateStore).toMatchObject({
      status: 'up',
      store: expect.stringMatching(/^redis:\/\//),
    });
  });
});

describe('direct mode (compatibility): raw Docebo tokens through the token relay', () => {
  let gw: RunningApp;
  beforeAll(async () => {
    gw = await startApp({
      tenants: {
        demo: {
          docebo: { baseUrl: 'sandbox', clientId: 'sandbox-client', clientSecret: 'sandbox-secret' },
          oauth: { mode: 'direct' },
          sandbox: { redirectUris: [CALLBACK] },
        },
      },
    });
  });
  afterAll(() => gw.close());

  it("signs in at the sandbox's own authorize endpoint and exchanges the code through the gateway's relay", async () => {
    const provider = new HeadlessProvider(
      { login: approveAs('learner').login },
      { client_id: 'sandbox-client' },
    );
    const tokens = await authorize(gw, provider);
    // a raw Docebo token: 40 hex characters, usable at Docebo directly
    expect(tokens.access_token).toMatch(/^[0-9a-f]{40}$/);
    const session = await json(
      fetch(`${gw.url}/__sandbox/demo/manage/v1/user/session`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      }),
    );
    expect(session.data.username).toBe('learner');
    // the relay added the tenant's secret: the client never had it
    const relayed = await tokenRequest(gw.url, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: 'sandbox-client',
    });
    expect(relayed.status).toBe(200);
    expect(relayed.json.access_token).toMatch(/^[0-9a-f]{40}$/);
    // Docebo's errors come back unchanged
    const bad = await tokenRequest(gw.url, {
      grant_type: 'refresh_token',
      refresh_token: 'nope',
      client_id: 'sandbox-client',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('invalid_grant');
  });
});
