import { createHash, randomBytes } from 'node:crypto';
import { CALLBACK, walk, type Answers, type Jar, type WalkOptions } from './headless-oauth';

/** Low-level OAuth requests for negative tests, where the SDK client would refuse to send what we need. */

export interface Pkce {
  verifier: string;
  challenge: string;
}
export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  [k: string]: unknown;
}

/** The base URL of a tenant's OAuth endpoints, e.g. `http://127.0.0.1:1234` or `…/t/acme`. */
export async function register(base: string, body: Record<string, unknown> = {}): Promise<RegisteredClient> {
  const res = await fetch(`${base}/oauth2/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'negative-tests',
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: 'none',
      ...body,
    }),
  });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as RegisteredClient;
}

export function authorizeUrl(base: string, params: Record<string, string | undefined>): URL {
  const url = new URL(`${base}/oauth2/authorize`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url;
}

/** Standard authorize parameters for a client; override or remove (undefined) any of them. */
export function authorizeParams(clientId: string, p: Pkce, extra: Record<string, string | undefined> = {}) {
  return {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    state: 'st-' + randomBytes(6).toString('hex'),
    ...extra,
  };
}

/** Walks the browser part (consent, sandbox login) and returns the final redirect to the client. */
export async function authorizeInBrowser(
  url: URL,
  answers: Answers,
  jar: Jar = new Map(),
  options: WalkOptions = {},
): Promise<URL> {
  return walk(url, answers, jar, options);
}

export async function tokenRequest(
  base: string,
  form: Record<string, string | undefined>,
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) if (v !== undefined) body.set(k, v);
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON: leave empty, the status tells */
  }
  return { status: res.status, headers: res.headers, json };
}

export const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
