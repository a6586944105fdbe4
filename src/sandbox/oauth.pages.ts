import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

/**
 * The sandbox's HTML: the Docebo login page and the authorize error page. Markup stays simple on purpose (one
 * `<form>`, quoted attributes, `<button name value>`), because the headless test browser reads it with regular
 * expressions (mcp-auth.md §16). Each page sends its own strict CSP and X-Frame-Options: the sandbox is mounted
 * before the gateway's helmet, like a separate server.
 */

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;background:#f3f5f8;color:#1d2733;margin:0}
main{max-width:26rem;margin:3rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin:0 0 .5rem}label{display:block;margin-top:1rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem;border:1px solid #9aa5b1;border-radius:4px}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}button{padding:.55rem 1.2rem;border-radius:4px;border:1px solid #0b5cad;cursor:pointer}
button[value=login]{background:#0b5cad;color:#fff}button[value=cancel]{background:#fff;color:#0b5cad}
.error{background:#fde8e8;color:#8a1c1c;padding:.6rem;border-radius:4px}.note{color:#52606d;font-size:.85rem;margin-top:1.5rem}
code{background:#eef1f5;padding:0 .2rem;border-radius:3px}`;

/**
 * Sends a page with its security headers. No `form-action`: browsers apply it to every redirect that follows a form
 * post, and the login post ends, through the gateway's callback, at whatever redirect URI the MCP client registered.
 */
function sendPage(res: Response, status: number, title: string, body: string): void {
  const nonce = randomBytes(16).toString('base64');
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'`,
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    })
    .send(
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLE}</style></head>\n<body><main>\n${body}\n</main></body></html>\n`,
    );
}

export interface LoginPageModel {
  clientId: string;
  /** The authorize query string, carried in a hidden input (the "return URL"). */
  authorizeRequest: string;
  csrfToken: string;
  username?: string;
  error?: string;
}

export function sendLoginPage(res: Response, status: number, model: LoginPageModel): void {
  const error = model.error ? `<p class="error" role="alert">${escapeHtml(model.error)}</p>\n` : '';
  const body =
    `<h1>Docebo sandbox</h1>\n<p>Sign in to continue to <strong>${escapeHtml(model.clientId)}</strong>.</p>\n${error}` +
    `<form method="post" action="login">\n` +
    `<input type="hidden" name="csrf_token" value="${escapeHtml(model.csrfToken)}">\n` +
    `<input type="hidden" name="authorize_request" value="${escapeHtml(model.authorizeRequest)}">\n` +
    `<label for="username">Username</label>\n` +
    `<input id="username" type="text" name="username" value="${escapeHtml(model.username ?? '')}" autocomplete="username" autofocus>\n` +
    `<label for="password">Password</label>\n` +
    `<input id="password" type="password" name="password" value="" autocomplete="current-password">\n` +
    `<div class="actions"><button type="submit" name="action" value="login">Sign in</button>\n` +
    `<button type="submit" name="action" value="cancel">Cancel</button></div>\n` +
    `</form>\n` +
    `<p class="note">Demo accounts: <code>admin</code> (superadmin), <code>manager</code> (power user), ` +
    `<code>learner</code>, <code>learner1</code>&hellip;<code>learner240</code>; password <code>sandbox</code>.</p>`;
  sendPage(res, status, 'Sign in - Docebo sandbox', body);
}

export function sendErrorPage(res: Response, status: number, title: string, message: string): void {
  const body = `<h1>${escapeHtml(title)}</h1>\n<p class="error" role="alert">${escapeHtml(message)}</p>`;
  sendPage(res, status, `${title} - Docebo sandbox`, body);
}
