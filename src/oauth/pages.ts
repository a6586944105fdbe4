import type { Response } from 'express';
import { SCOPE_DESCRIPTIONS } from '../auth/scopes';
import type { Tenant } from '../tenancy';
import type { OAuthClient } from './client-registry.service';
import { html, type SafeHtml } from './html';
import { isLoopbackUrl } from './redirect-uri';

/**
 * Server-rendered pages of the authorization flow. One `<form>`, quoted attributes and `<button name value>`, so
 * that a browser and the headless test helper (a regex form reader) both work. No script at all.
 */

/** Pages may be styled inline and nothing else; they can never be framed (clickjacking of the Allow button). */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;background:#f5f6f8;color:#1d2330;margin:0}
main{max-width:34rem;margin:3rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 2px 12px #0001}
h1{font-size:1.35rem;margin:0 0 1rem}ul{padding-left:1.2rem}.muted{color:#5b6475;font-size:.9rem}
.warn{background:#fff5e0;border-left:4px solid #e0a400;padding:.5rem .8rem}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}button{font:inherit;padding:.6rem 1.4rem;border-radius:8px;border:1px solid #c7ccd6;background:#fff;cursor:pointer}
button.primary{background:#1f5eff;border-color:#1f5eff;color:#fff}code{background:#f0f1f4;padding:0 .25rem;border-radius:4px}`;

function page(res: Response, status: number, title: string, body: SafeHtml): void {
  res.status(status);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('X-Frame-Options', 'DENY');
  // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on the form post, which the consent
  // check must refuse; cross-origin navigations (to Docebo, to the client) still get no Referer.
  res.setHeader('Referrer-Policy', 'same-origin');
  res.send(
    html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width,initial-scale=1" />
          <title>${title}</title>
          <style>
            ${STYLE}
          </style>
        </head>
        <body>
          <main>${body}</main>
        </body>
      </html>`.value,
  );
}

export interface ConsentView {
  tenant: Tenant;
  client: OAuthClient;
  redirectUri: string;
  scopes: string[];
  transaction: string;
  csrf: string;
}

function redirectLabel(uri: string): { host: string; local: boolean } {
  try {
    const url = new URL(uri);
    return { host: url.host || `${url.protocol}//`, local: isLoopbackUrl(url) };
  } catch {
    return { host: uri, local: false };
  }
}

/** The consent page: who is asking, where the answer goes, what it may do. */
export function renderConsent(res: Response, v: ConsentView): void {
  const target = redirectLabel(v.redirectUri);
  const allLocal = v.client.redirectUris.every((u) => redirectLabel(u).local);
  const verified =
    v.client.source === 'cimd'
      ? html`<p class="muted">
          The application is identified by <code>${new URL(v.client.clientId).host}</code>.
        </p>`
      : v.client.source === 'dcr'
        ? html`<p class="muted">
            The application registered itself and chose its own name; allow only if you started this.
          </p>`
        : html``;
  page(
    res,
    200,
    `Allow ${v.client.name}?`,
    html`<h1>Allow <strong>${v.client.name}</strong> to use ${v.tenant.displayName} as you?</h1>
      ${verified}
      <p>After you sign in to Docebo, it will be able to:</p>
      <ul>
        ${v.scopes.map((s) => html`<li>${SCOPE_DESCRIPTIONS[s] ?? s}</li>`)}
      </ul>
      <p>
        You will be sent back to
        <strong>${target.host}</strong>${target.local ? html` (an application on this computer)` : html``}.
      </p>
      ${allLocal ? html`<p class="warn">This application only receives answers on this computer. If you did not just start a connection in an application here, choose Deny.</p>` : html``}
      <form method="post" action="${v.tenant.urls.issuer}/oauth2/consent">
        <input type="hidden" name="transaction" value="${v.transaction}" />
        <input type="hidden" name="csrf" value="${v.csrf}" />
        <div class="actions">
          <button class="primary" type="submit" name="decision" value="approve">Allow</button>
          <button type="submit" name="decision" value="deny">Deny</button>
        </div>
      </form>`,
  );
}

/** An error shown in the browser because there is no trusted redirect URI to send it to. */
export function renderError(
  res: Response,
  status: number,
  error: string,
  description: string,
  wantsHtml: boolean,
): void {
  if (!wantsHtml) {
    res.status(status).setHeader('Cache-Control', 'no-store');
    res.json({ error, error_description: description });
    return;
  }
  page(
    res,
    status,
    'Cannot continue',
    html`<h1>This sign-in cannot continue</h1>
      <p>${description}</p>
      <p class="muted">Error: <code>${error}</code></p>`,
  );
}
