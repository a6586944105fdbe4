/**
 * The scopes of gateway tokens. Docebo itself has one scope (`api`) and enforces the user's role; these scopes let a
 * user grant an MCP client less than their role allows: read-only, or read and write.
 */
export const SCOPES = {
  read: 'docebo.read',
  write: 'docebo.write',
} as const;

/** Accepted in requests and advertised by the authorization server; refresh tokens are issued regardless. */
export const OFFLINE_ACCESS = 'offline_access';

/** What the resource (PRM) and 401 challenges advertise: every scope a token needs for every tool. */
export const RESOURCE_SCOPES: readonly string[] = [SCOPES.read, SCOPES.write];

/** Granted when a client asks for no scope at all (ChatGPT on reconnect, Claude Code). */
export const DEFAULT_SCOPES: readonly string[] = RESOURCE_SCOPES;

/** Words for the consent page. */
export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  [SCOPES.read]:
    'Read your Docebo data that your role lets you see: courses, enrollments, learning plans, users',
  [SCOPES.write]: 'Make changes your role allows, such as enrolling users in courses',
};

/**
 * Keeps the known scopes of a space-separated request, in a stable order. Unknown scopes are ignored rather than
 * refused (RFC 6749 §3.3 lets the server grant less), and no scope at all means the defaults.
 */
export function grantableScopes(requested: string | undefined): string[] {
  const asked = new Set((requested ?? '').split(' ').filter(Boolean));
  const known = RESOURCE_SCOPES.filter((scope) => asked.has(scope));
  return known.length ? known : [...DEFAULT_SCOPES];
}
