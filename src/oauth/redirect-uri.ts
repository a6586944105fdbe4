/**
 * Redirect URI and resource rules (mcp-auth.md §5, §8; RFC 8252 §7.3; RFC 8707).
 */

const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:']);
const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

function parse(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

export function isLoopbackUrl(url: URL): boolean {
  return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTNAMES.has(url.hostname);
}

/**
 * Why a redirect URI may not be registered, or undefined when it may: absolute, no fragment, no dangerous scheme,
 * plain http only on loopback. Custom schemes of native apps (cursor://…, vscode://…) are allowed.
 */
export function redirectUriProblem(value: string): string | undefined {
  if (value.length > 2000) return 'is longer than 2000 characters';
  const url = parse(value);
  if (!url || !/^[a-z][a-z0-9+.-]*:/i.test(value)) return 'is not an absolute URI';
  if (url.hash || value.includes('#')) return 'must not contain a fragment';
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `must not use the ${url.protocol} scheme`;
  if (url.protocol === 'http:' && !isLoopbackUrl(url))
    return 'must use https unless it is a loopback address';
  if (url.username || url.password) return 'must not contain credentials';
  return undefined;
}

/**
 * Exact string match, except that a loopback redirect may use any port (RFC 8252 §7.3): scheme, host, path and
 * query must still match exactly, and localhost never matches 127.0.0.1.
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  const a = parse(registered);
  const b = parse(requested);
  if (!a || !b || !isLoopbackUrl(a) || !isLoopbackUrl(b)) return false;
  return (
    a.protocol === b.protocol &&
    a.hostname === b.hostname &&
    a.pathname === b.pathname &&
    a.search === b.search &&
    !b.hash
  );
}

/**
 * Whether a requested `resource` names this MCP endpoint: scheme and host compared case-insensitively (URL
 * parsing lowercases them), one trailing slash tolerated (claude.ai sends `https://host/`), no fragment.
 */
export function resourceMatches(requested: string, expected: string): boolean {
  const a = parse(requested);
  const b = parse(expected);
  if (!a || !b || a.hash || requested.includes('#')) return false;
  const trim = (p: string) => (p.endsWith('/') ? p.slice(0, -1) : p);
  return a.origin === b.origin && trim(a.pathname) === trim(b.pathname) && a.search === b.search;
}
