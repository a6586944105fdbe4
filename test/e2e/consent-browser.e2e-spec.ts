import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { SCOPE_DESCRIPTIONS, SCOPES } from '../../src/auth/scopes';
import { SANDBOX_TENANT, startApp, type RunningApp } from '../support/app';
import {
  authorizeParams,
  authorizeUrl,
  pkce,
  register,
  tokenRequest,
  type Pkce,
} from '../support/oauth-requests';

/**
 * The consent page in a real browser (Chromium driven by playwright-core): what a person sees, where each button
 * leads, and that another site cannot frame it. The headless helper of mcp-auth.md §16 reads the same pages with
 * regular expressions and sends the headers it chooses; only a browser applies its own rules (Origin and
 * Referrer-Policy, CSP form-action and frame-ancestors, X-Frame-Options) — which is what this file is for.
 *
 * Set KEEP_BROWSER_ARTIFACTS=1 to keep the temp dir (the consent page screenshot and the browser profiles).
 */

const CHROMIUM = '/usr/bin/chromium';
/** Flags that work on these machines (verification-tools.md § Browser). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Markup in the name checks that the page escapes what a DCR client chose to call itself. */
const CLIENT_NAME = 'Browser <Consent> Test & Co';
const TRUSTED_CLIENT = 'trusted-browser-client';
const STEP_TIMEOUT = 10_000;
const TEST_TIMEOUT = 40_000;
const SANDBOX_AUTHORIZE = '/__sandbox/demo/oauth2/authorize';

interface LoopbackServer {
  server: Server;
  origin: string;
}

/** A loopback HTTP server of the test, on a port (so an origin) of its own. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function close(server: Server | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const sendHtml = (res: ServerResponse, body: string) =>
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>${body}`);

/** The one browser global used in page functions (the project's TypeScript has no DOM lib). */
type BrowserGlobals = { getComputedStyle(element: unknown): { backgroundColor: string } };

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('the consent page in Chromium', () => {
  let gw: RunningApp;
  let workDir: string;
  let clientId: string;
  let callbackUri: string;
  /** The MCP client's redirect URI: records every query it receives. */
  let client: LoopbackServer;
  const received: URL[] = [];
  /** Another site, which frames the consent page (and, as a control, a page that allows framing). */
  let framer: LoopbackServer;
  let framedUrl = '';
  let context: BrowserContext | undefined;
  let tab: Page;
  /** What Chromium logged in the tab's console (CSP violations land here). */
  let consoleLog: string[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'consent-browser-'));
    client = await serve((req, res) => {
      const url = new URL(req.url ?? '/', client.origin);
      if (url.pathname === '/callback') {
        received.push(url);
        return sendHtml(res, '<title>Client callback</title><p id="client-callback">received</p>');
      }
      if (url.pathname === '/frameable') return sendHtml(res, '<p id="frameable">a frameable page</p>');
      res.writeHead(404).end();
    });
    callbackUri = `${client.origin}/callback`;
    framer = await serve((_req, res) =>
      sendHtml(
        res,
        `<title>Another site</title><iframe id="victim" width="640" height="480" src="${framedUrl}"></iframe>` +
          `<iframe id="control" src="${client.origin}/frameable"></iframe>`,
      ),
    );
    gw = await startApp({
      tenants: {
        demo: {
          ...SANDBOX_TENANT,
          preRegisteredClients: [
            { clientId: TRUSTED_CLIENT, name: 'First-party app', redirectUris: [callbackUri], trusted: true },
          ],
        },
      },
    });
    clientId = (
      await register(gw.url, {
        client_name: CLIENT_NAME,
        redirect_uris: [callbackUri],
        token_endpoint_auth_method: 'none',
      })
    ).client_id;
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await Promise.all([close(client?.server), close(framer?.server), gw?.close()]);
    if (!workDir) return;
    if (process.env.KEEP_BROWSER_ARTIFACTS) process.stdout.write(`consent browser artifacts: ${workDir}\n`);
    else await rm(workDir, { recursive: true, force: true });
  });

  /** A fresh browser per test with its own profile directory: no cookie or remembered consent carries over. */
  beforeEach(async () => {
    received.length = 0;
    consoleLog = [];
    context = await chromium.launchPersistentContext(await mkdtemp(join(workDir, 'profile-')), {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      timeout: STEP_TIMEOUT,
    });
    context.setDefaultTimeout(STEP_TIMEOUT);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT);
    tab = context.pages()[0] ?? (await context.newPage());
    tab.on('console', (m) => consoleLog.push(m.text().trim()));
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  function consentRequest(id = clientId, extra: Record<string, string> = {}) {
    const p: Pkce = pkce();
    const params = authorizeParams(id, p, { redirect_uri: callbackUri, ...extra });
    return { url: authorizeUrl(gw.url, params).href, pkce: p, state: params.state };
  }

  /** Where the tab is and what it shows: the subject of the assertions, so a failure says what the user saw. */
  async function where() {
    const text = await tab
      .locator('body')
      .innerText()
      .catch(() => '');
    return { url: tab.url(), page: squash(text).slice(0, 300), console: consoleLog };
  }

  /** Clicks and waits until the tab has navigated away; a click that goes nowhere fails with what the tab shows. */
  async function clickThrough(target: Locator): Promise<void> {
    const before = tab.url();
    try {
      await Promise.all([tab.waitForURL((u) => u.href !== before), target.click()]);
    } catch (e) {
      const reason = (e as Error).message.split('\n')[0];
      throw new Error(
        `the click did not navigate (${reason}); the tab: ${JSON.stringify(await where(), null, 1)}`,
        { cause: e },
      );
    }
  }

  /** Fails, saying what the user sees, unless the tab is at a URL starting with `prefix`. */
  async function expectAt(prefix: string, what: string): Promise<void> {
    const at = await where();
    if (!at.url.startsWith(prefix))
      throw new Error(
        `expected the browser at ${what} (${prefix}…), but it is at: ${JSON.stringify(at, null, 1)}`,
      );
  }

  /** Asserts the tab ended at the client's redirect URI and returns the query the client received. */
  async function arrivedAtClient(): Promise<URL> {
    await expectAt(`${callbackUri}?`, "the client's redirect URI");
    await tab.locator('#client-callback').waitFor();
    expect(received).toHaveLength(1);
    return received[0];
  }

  /** Signs in on the sandbox's (Docebo's) login form, which the tab must be showing. */
  async function signInAtSandbox(username: string, password: string): Promise<void> {
    await expectAt(`${gw.url}${SANDBOX_AUTHORIZE}?`, 'the sandbox login page');
    expect(await tab.locator('h1').innerText()).toBe('Docebo sandbox');
    await tab.locator('input[name="username"]').fill(username);
    await tab.locator('input[name="password"]').fill(password);
    await clickThrough(tab.locator('button[name="action"][value="login"]'));
  }

  it(
    'shows the client name, the redirect host and the requested scopes, styled, with Allow and Deny',
    async () => {
      const response = await tab.goto(consentRequest(clientId, { scope: SCOPES.read }).url);
      expect(response?.status()).toBe(200);
      expect(await tab.title()).toBe(`Allow ${CLIENT_NAME}?`);
      // The name is text, not markup: no <consent> element was created from it.
      expect(await tab.locator('h1 strong').innerText()).toBe(CLIENT_NAME);
      expect(await tab.locator('consent').count()).toBe(0);

      const text = squash(await tab.locator('main').innerText());
      expect(text).toContain(`You will be sent back to ${new URL(callbackUri).host}`);
      expect(text).toContain(SCOPE_DESCRIPTIONS[SCOPES.read]);
      expect(text).not.toContain(SCOPE_DESCRIPTIONS[SCOPES.write]); // only what was asked for
      expect(await tab.locator('main li').count()).toBe(1);

      const allow = tab.getByRole('button', { name: 'Allow', exact: true });
      const deny = tab.getByRole('button', { name: 'Deny', exact: true });
      expect(await allow.isVisible()).toBe(true);
      expect(await deny.isVisible()).toBe(true);
      // The page's inline style applies under its own CSP: the primary button is blue, the card is laid out.
      expect(
        await allow.evaluate(
          (el) => (globalThis as unknown as BrowserGlobals).getComputedStyle(el).backgroundColor,
        ),
      ).toBe('rgb(31, 94, 255)');
      expect((await tab.locator('main').boundingBox())?.width).toBeGreaterThan(300);

      const shot = join(workDir, 'consent.png');
      await tab.screenshot({ path: shot, fullPage: true });
      expect((await readFile(shot)).subarray(1, 4).toString('latin1')).toBe('PNG');
    },
    TEST_TIMEOUT,
  );

  it(
    'Deny sends the browser back to the client with error=access_denied, the state and the issuer',
    async () => {
      const before = gw.sandbox().stats.countPrefix('/oauth2/');
      const { url, state } = consentRequest();
      await tab.goto(url);
      await clickThrough(tab.getByRole('button', { name: 'Deny', exact: true }));

      const back = await arrivedAtClient();
      expect(back.searchParams.get('error')).toBe('access_denied');
      expect(back.searchParams.get('state')).toBe(state);
      expect(back.searchParams.get('iss')).toBe(gw.url);
      expect(back.searchParams.has('code')).toBe(false);
      expect(gw.sandbox().stats.countPrefix('/oauth2/')).toBe(before); // Docebo was never involved
    },
    TEST_TIMEOUT,
  );

  it(
    'Allow continues to the sandbox login; signing in ends at the client with a code that redeems',
    async () => {
      const { url, state, pkce: p } = consentRequest();
      await tab.goto(url);
      await clickThrough(tab.getByRole('button', { name: 'Allow', exact: true }));
      await signInAtSandbox('learner', 'sandbox');

      const back = await arrivedAtClient();
      expect(back.searchParams.get('state')).toBe(state);
      expect(back.searchParams.get('iss')).toBe(gw.url);
      expect(back.searchParams.has('error')).toBe(false);
      const tokens = await tokenRequest(gw.url, {
        grant_type: 'authorization_code',
        code: back.searchParams.get('code') ?? '',
        code_verifier: p.verifier,
        client_id: clientId,
        redirect_uri: callbackUri,
      });
      expect(tokens).toMatchObject({ status: 200, json: { token_type: 'Bearer' } });
    },
    TEST_TIMEOUT,
  );

  // The second half of the Allow path on its own: a trusted client skips the consent page, so this pins the
  // sandbox login → gateway callback → client redirect chain even when the consent form is what fails.
  it(
    'a trusted client goes straight to the sandbox login, and signing in ends at the client with a code',
    async () => {
      const { url, state } = consentRequest(TRUSTED_CLIENT);
      await tab.goto(url);
      await signInAtSandbox('learner', 'sandbox');

      const back = await arrivedAtClient();
      expect(back.searchParams.get('state')).toBe(state);
      expect(back.searchParams.get('code')).toBeTruthy();
    },
    TEST_TIMEOUT,
  );

  it(
    'cannot be framed by another site: Chromium refuses to render it, as its headers ask',
    async () => {
      framedUrl = consentRequest().url;
      const consentResponse = tab.waitForResponse((r) => r.url() === framedUrl);
      await tab.goto(`${framer.origin}/`);

      // The gateway did answer the frame's request; it is the browser that refuses to show the answer.
      const served = await consentResponse;
      expect(served.status()).toBe(200);
      const headers = await served.allHeaders();
      expect(headers['content-security-policy']).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
      expect(headers['x-frame-options']).toBe('DENY');

      // Control: a frameable page from another origin does render in the same page.
      expect(await tab.frameLocator('#control').locator('#frameable').innerText()).toBe('a frameable page');

      const victim = await (await tab.locator('#victim').elementHandle())?.contentFrame();
      if (!victim) throw new Error('the framing page has no #victim frame');
      // Chromium reports the refusal in the console of the framing page, shortly after the frame's response.
      const deadline = Date.now() + STEP_TIMEOUT;
      while (!consoleLog.some((t) => t.includes("frame-ancestors 'none'")) && Date.now() < deadline)
        await tab.waitForTimeout(50);
      expect(consoleLog).toContain(
        `Framing '${gw.url}/' violates the following Content Security Policy directive: "frame-ancestors 'none'". The request has been blocked.`,
      );
      expect(victim.url()).toBe('chrome-error://chromewebdata/'); // Chromium's error page, not the consent page
      expect(await victim.locator('[name="decision"], [name="csrf"]').count()).toBe(0);
      expect(await victim.content()).not.toContain('Browser &lt;Consent&gt;');
    },
    TEST_TIMEOUT,
  );
});
