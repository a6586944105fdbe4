import { startApp, type RunningApp } from '../support/app';
import { parseForm, SandboxBrowser } from '../support/sandbox-login';

const CLIENT = { client_id: 'sandbox-client', client_secret: 'sandbox-secret' };

function authorizeUrl(base: string, redirectUri: string, state = 'st-1'): URL {
  const url = new URL(`${base}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT.client_id,
    redirect_uri: redirectUri,
    state,
  }).toString();
  return url;
}

describe('the gateway serves the embedded sandbox at /__sandbox/{tenant}', () => {
  let gw: RunningApp;
  let sandboxBase: string;
  let callback: string;
  beforeAll(async () => {
    gw = await startApp();
    sandboxBase = `${gw.url}/__sandbox/demo`;
    callback = `${gw.url}/oauth2/callback`; // the demo tenant's gateway callback (publicUrl http://127.0.0.1:<port>)
  });
  afterAll(() => gw.close());

  it('shows the login form for the tenant gateway callback, with the sandbox’s own security headers', async () => {
    const res = await fetch(authorizeUrl(sandboxBase, callback));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'nonce-[^']+'; frame-ancestors 'none'/,
    );
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const form = parseForm(await res.text(), new URL(res.url));
    expect(form.method).toBe('post');
    expect(form.action.pathname).toBe('/__sandbox/demo/oauth2/login');
  });

  it('answers another redirect_uri with an error page and no redirect', async () => {
    const res = await fetch(authorizeUrl(sandboxBase, 'https://evil.example/cb'), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('does not match any redirect URI registered');
  });

  it('completes a sign-in through the gateway origin, then serves the API to the token it issued', async () => {
    const back = await new SandboxBrowser().signIn(authorizeUrl(sandboxBase, callback, 'through-gw'), {
      username: 'learner',
      password: 'sandbox',
    });
    expect(`${back.origin}${back.pathname}`).toBe(callback);
    expect(back.searchParams.get('state')).toBe('through-gw');
    const token = await fetch(`${sandboxBase}/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: back.searchParams.get('code')!,
        redirect_uri: callback,
        ...CLIENT,
      }),
    });
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    const me = await fetch(`${sandboxBase}/manage/v1/user/session`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(me.status).toBe(200);
    expect(me.headers.get('x-docebo-backyard')).toBe('manage');
    expect(((await me.json()) as { data: { username: string } }).data.username).toBe('learner');
  });

  it('exposes the instance’s controls at /__sandbox/demo/__admin by default', async () => {
    const stats = await fetch(`${sandboxBase}/__admin/stats`);
    expect(stats.status).toBe(200);
    expect(await stats.json()).toMatchObject({
      calls: expect.objectContaining({ 'GET /oauth2/authorize': expect.any(Number) }),
    });
  });

  it('answers 404 for a tenant that has no sandbox', async () => {
    const res = await fetch(`${gw.url}/__sandbox/nobody/oauth2/authorize`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
    expect((await fetch(`${gw.url}/__sandbox/`)).status).toBe(404);
  });
});

describe('sandbox instances follow the tenant configuration', () => {
  let gw: RunningApp;
  beforeAll(async () => {
    gw = await startApp({
      publicUrl: 'http://127.0.0.1:{port}/t/{tenant}',
      tenants: {
        demo: {
          docebo: { baseUrl: 'sandbox', clientId: 'demo-app', clientSecret: 'demo-secret' },
          sandbox: { redirectUris: ['https://claude.ai/api/mcp/auth_callback'], adminEndpoints: false },
        },
        acme: { docebo: { baseUrl: 'https://acme.docebosaas.com', clientId: 'a', clientSecret: 'b' } },
      },
    });
  });
  afterAll(() => gw.close());

  it('registers the path-mode callback and sandbox.redirectUris in the tenant’s own app', async () => {
    const base = `${gw.url}/__sandbox/demo`;
    for (const redirect of [`${gw.url}/t/demo/oauth2/callback`, 'https://claude.ai/api/mcp/auth_callback']) {
      const url = authorizeUrl(base, redirect);
      url.searchParams.set('client_id', 'demo-app');
      expect((await fetch(url)).status).toBe(200);
    }
    // the default sandbox client is not this tenant's app
    expect((await fetch(authorizeUrl(base, `${gw.url}/t/demo/oauth2/callback`))).status).toBe(400);
  });

  it('hides the /__admin controls when the tenant turns them off', async () => {
    const res = await fetch(`${gw.url}/__sandbox/demo/__admin/stats`);
    expect(res.status).toBe(401); // just another unauthenticated Docebo path
    expect(await res.json()).toMatchObject({ status: 401 });
  });

  it('serves no sandbox for a tenant that points at a real Docebo', async () => {
    expect((await fetch(`${gw.url}/__sandbox/acme/manage/v1/user/session`)).status).toBe(404);
  });
});
