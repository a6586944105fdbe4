/**
 * A tiny browser for the sandbox's login page: GET the authorize URL, read the one form the way the headless helper
 * of mcp-auth.md §16 reads it (regular expressions over quoted attributes), submit it with its hidden inputs, and stop
 * at the first redirect that leaves the sandbox. Cookies are kept per host, so a second call in the same browser
 * shows the sandbox's session at work.
 */

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const attr = (tag: string, name: string): string | undefined => {
  const m = tag.match(new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
  return m ? decode(m[1] ?? m[2] ?? m[3]) : undefined;
};

/** The one form of a page: where it posts and the fields a browser would send without user input. */
export interface ParsedForm {
  method: string;
  action: URL;
  fields: URLSearchParams;
  buttons: { name: string; value: string }[];
}

export function parseForm(html: string, pageUrl: URL): ParsedForm {
  const forms = html.match(/<form\b[^>]*>[\s\S]*?<\/form>/gi) ?? [];
  if (forms.length !== 1) throw new Error(`expected one form, found ${forms.length}`);
  const form = forms[0];
  const open = form.match(/<form\b[^>]*>/i)![0];
  const fields = new URLSearchParams();
  for (const tag of form.match(/<input\b[^>]*>/gi) ?? []) {
    const name = attr(tag, 'name');
    const type = (attr(tag, 'type') ?? 'text').toLowerCase();
    if (!name || type === 'submit' || type === 'button') continue;
    fields.append(name, attr(tag, 'value') ?? '');
  }
  const buttons = (form.match(/<button\b[^>]*>/gi) ?? []).map((tag) => ({
    name: attr(tag, 'name') ?? '',
    value: attr(tag, 'value') ?? '',
  }));
  return {
    method: (attr(open, 'method') ?? 'get').toLowerCase(),
    action: new URL(attr(open, 'action') ?? pageUrl.href, pageUrl),
    fields,
    buttons,
  };
}

export class SandboxBrowser {
  /** host → cookie name → value */
  readonly jar = new Map<string, Map<string, string>>();

  async fetch(url: URL, init: RequestInit = {}): Promise<Response> {
    const cookies = this.jar.get(url.host) ?? new Map<string, string>();
    this.jar.set(url.host, cookies);
    const headers = new Headers(init.headers);
    if (cookies.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const kv = c.split(';')[0];
      const i = kv.indexOf('=');
      cookies.set(kv.slice(0, i).trim(), kv.slice(i + 1));
    }
    return res;
  }

  /** Submits a parsed form with extra values and an optional pressed button. */
  submit(
    form: ParsedForm,
    values: Record<string, string>,
    press?: { name: string; value: string },
  ): Promise<Response> {
    const body = new URLSearchParams(form.fields);
    for (const [k, v] of Object.entries(values)) body.set(k, v);
    if (press) body.set(press.name, press.value);
    return this.fetch(form.action, {
      method: 'POST',
      body,
      headers: { origin: form.action.origin, 'sec-fetch-site': 'same-origin' },
    });
  }

  /**
   * The whole sign-in: authorize → login form → 302 to the redirect URI. Returns that Location (with code and
   * state, or an error). Throws when the page is not the expected one.
   */
  async signIn(
    authorizeUrl: string | URL,
    credentials: { username: string; password: string },
    press: { name: string; value: string } = { name: 'action', value: 'login' },
  ): Promise<URL> {
    const url = new URL(authorizeUrl);
    const page = await this.fetch(url);
    if (page.status === 302) return new URL(page.headers.get('location')!, url);
    if (page.status !== 200)
      throw new Error(`authorize answered ${page.status}: ${(await page.text()).slice(0, 200)}`);
    const form = parseForm(await page.text(), url);
    const res = await this.submit(form, credentials, press);
    const location = res.headers.get('location');
    if (res.status !== 302 || !location)
      throw new Error(`login answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return new URL(location, form.action);
  }
}
