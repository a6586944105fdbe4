import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';

/**
 * A small browser for end-to-end tests (mcp-auth.md §16): per-host cookies, manual redirects, and each page's
 * form submitted with its hidden inputs, typed values and the pressed button, with browser-like Origin, Referer
 * and Sec-Fetch-Site headers, so CSRF, Origin and "remember consent" checks run for real. No test-only bypass.
 */

/** How to answer a form, chosen by a substring of its action path: values to type, the button to press. */
export type FormAnswer = { fill?: Record<string, string>; press?: { name: string; value: string } };
export type Answers = Record<string, FormAnswer>;
/** host → cookie name → value */
export type Jar = Map<string, Map<string, string>>;

/** Where the walk stops: nothing listens here, the Location is the answer. */
export const CALLBACK = 'http://127.0.0.1:53682/callback';

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const attr = (tag: string, name: string) => {
  const m = tag.match(new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
  return m ? decode(m[1] ?? m[2] ?? m[3]) : undefined;
};

/** One page seen on the way, for assertions. */
export interface Visit {
  url: string;
  status: number;
  headers: Headers;
  html?: string;
}

export interface WalkOptions {
  /** Stop at the first URL starting with this (default CALLBACK). */
  stopAt?: string;
  /** Headers sent on the first request only (e.g. Sec-Fetch-Site of the navigation that opened the browser). */
  firstHeaders?: Record<string, string>;
  visits?: Visit[];
}

export async function walk(start: URL, answers: Answers, jar: Jar, options: WalkOptions = {}): Promise<URL> {
  const stopAt = options.stopAt ?? CALLBACK;
  let url = start;
  let init: RequestInit = { headers: options.firstHeaders };
  for (let hop = 0; hop < 25; hop++) {
    if (url.href.startsWith(stopAt)) return url;
    const cookies = jar.get(url.host) ?? new Map<string, string>();
    jar.set(url.host, cookies);
    const headers = new Headers(init.headers);
    if (cookies.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    headers.set('accept', 'text/html,application/xhtml+xml');
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const kv = c.split(';')[0];
      const i = kv.indexOf('=');
      cookies.set(kv.slice(0, i).trim(), kv.slice(i + 1));
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      options.visits?.push({ url: url.href, status: res.status, headers: res.headers });
      url = new URL(location, url);
      init = {};
      continue;
    }
    const html = await res.text();
    options.visits?.push({ url: url.href, status: res.status, headers: res.headers, html });
    const form = html.match(/<form\b[^>]*>[\s\S]*?<\/form>/i)?.[0];
    if (res.status !== 200 || !form)
      throw new Error(`stuck at ${url} (HTTP ${res.status}): ${html.slice(0, 300)}`);
    const open = form.match(/<form\b[^>]*>/i)![0];
    const action = new URL(attr(open, 'action') ?? url.href, url);
    const answer = Object.entries(answers).find(([path]) => action.pathname.includes(path))?.[1];
    if (!answer) throw new Error(`no answer for the form posting to ${action.pathname}`);
    const body = new URLSearchParams(); // hidden inputs carry the CSRF token, transaction id, return URL
    for (const tag of form.match(/<input\b[^>]*>/gi) ?? []) {
      const name = attr(tag, 'name');
      const type = (attr(tag, 'type') ?? 'text').toLowerCase();
      if (!name || type === 'submit' || type === 'button') continue;
      if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/i.test(tag)) continue;
      body.append(name, attr(tag, 'value') ?? (type === 'checkbox' ? 'on' : ''));
    }
    for (const [k, v] of Object.entries(answer.fill ?? {})) body.set(k, v);
    if (answer.press) body.set(answer.press.name, answer.press.value); // the <button name value> a person clicks
    const sent = {
      origin: url.origin,
      referer: url.href,
      'sec-fetch-site': url.origin === action.origin ? 'same-origin' : 'cross-site',
    };
    if ((attr(open, 'method') ?? 'get').toLowerCase() === 'post')
      init = { method: 'POST', body, headers: sent };
    else {
      action.search = body.toString();
      init = { headers: sent };
    }
    url = action;
  }
  throw new Error('too many hops');
}

/** Approve on the consent page, sign in at the sandbox as `username`. */
export const approveAs = (username: string, password = 'sandbox'): Answers => ({
  consent: { press: { name: 'decision', value: 'approve' } },
  login: { fill: { username, password }, press: { name: 'action', value: 'login' } },
});

/** In-memory OAuthClientProvider: DCR by default, a pre-registered client, or a CIMD URL. */
export class HeadlessProvider implements OAuthClientProvider {
  code?: string;
  /** The last code received (kept after `code` is consumed), for assertions. */
  codeSeen?: string;
  /** The full redirect the walk ended at (code, state, iss or error). */
  lastRedirect?: URL;
  private saved?: OAuthTokens;
  private verifier = '';
  private expectedState = '';
  /** Survives re-authorization, so remembered consent can be tested. */
  readonly jar: Jar = new Map();

  constructor(
    public answers: Answers,
    private client?: OAuthClientInformationMixed,
    readonly clientMetadataUrl?: string,
  ) {}

  get redirectUrl() {
    return CALLBACK;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'e2e-headless',
      redirect_uris: [CALLBACK],
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() {
    return (this.expectedState = randomUUID());
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
  async redirectToAuthorization(url: URL) {
    const back = await walk(url, this.answers, this.jar);
    this.lastRedirect = back;
    if (back.searchParams.get('state') !== this.expectedState) throw new Error('state mismatch');
    const error = back.searchParams.get('error');
    if (error) throw new Error(`authorization failed: ${error}`);
    this.code = back.searchParams.get('code') ?? undefined;
    this.codeSeen = this.code;
  }
}

/** Connects (authorizing on the first 401); wrap later calls in `call` so a 403 step-up is completed too. */
export async function connectHeadless(
  mcpUrl: URL,
  answers: Answers,
  preRegistered?: OAuthClientInformationMixed,
  provider = new HeadlessProvider(answers, preRegistered),
) {
  const client = new Client({ name: 'e2e-headless', version: '0.0.0' });
  let transport!: StreamableHTTPClientTransport;
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (attempt >= 2 || !(e instanceof UnauthorizedError) || !provider.code) throw e;
        const code = provider.code;
        provider.code = undefined;
        await transport.finishAuth(code); // the transport that saw the challenge: it remembers resource_metadata
      }
    }
  };
  await call(() =>
    client.connect((transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }))),
  );
  return { client, provider, call, transport: () => transport };
}
