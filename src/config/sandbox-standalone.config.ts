import { z } from 'zod';
import { ConfigError, type Env, formatIssues, readEnv } from './config.loader';
import { sandboxSettings } from './config.schema';

/**
 * Settings of `npm run sandbox`: the Docebo emulator on its own, as a separate Docebo host on 127.0.0.1, so tests
 * and tools can point a tenant's `docebo.baseUrl` at it. Read from the environment (each variable may also be given
 * as <NAME>_FILE); the sandbox knobs are the same as a tenant's `sandbox:` block.
 */

const knob = sandboxSettings.shape;
const list = <T>(inner: z.ZodType<T, string[]>) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(inner);

/** When no SANDBOX_REDIRECT_URIS is given: the callback of a gateway running `npm start` on this machine. */
export const DEFAULT_STANDALONE_REDIRECT_URIS = [
  'http://localhost:3000/oauth2/callback',
  'http://127.0.0.1:3000/oauth2/callback',
];

const schema = z.strictObject({
  SANDBOX_PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number')
    .transform(Number)
    .refine((n) => n <= 65535, 'must be a port number from 0 to 65535')
    .default(4000),
  SANDBOX_CLIENT_ID: z.string().trim().min(1, 'must not be empty').default('sandbox-client'),
  SANDBOX_CLIENT_SECRET: z.string().trim().min(1, 'must not be empty').default('sandbox-secret'),
  SANDBOX_REDIRECT_URIS: list(knob.redirectUris.unwrap()).default(DEFAULT_STANDALONE_REDIRECT_URIS),
  SANDBOX_ACCESS_TOKEN_TTL: knob.accessTokenTtl,
  SANDBOX_REFRESH_TOKEN_TTL: knob.refreshTokenTtl,
  SANDBOX_REJECT_LOCALHOST_REDIRECTS: knob.rejectLocalhostRedirects,
  SANDBOX_ENFORCE_PKCE: knob.enforcePkce,
  SANDBOX_ROTATE_REFRESH_TOKENS: knob.rotateRefreshTokens,
  SANDBOX_REQUESTS_PER_HOUR: knob.requestsPerHour,
  SANDBOX_USER_LEVEL_NAMES: knob.userLevelNames,
  SANDBOX_PAGE_SIZE_OVERFLOW: knob.pageSizeOverflow,
  SANDBOX_PAGE_ZERO: knob.pageZero,
  SANDBOX_API_SCOPE_FOR_NON_SUPERADMINS: knob.apiScopeForNonSuperadmins,
});

export interface SandboxStandaloneConfig {
  /** Always 127.0.0.1: the standalone sandbox is a local test double, never a network service. */
  host: '127.0.0.1';
  port: number;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Milliseconds. */
  accessTokenTtl: number;
  refreshTokenTtl: number;
  rejectLocalhostRedirects: boolean;
  enforcePkce: boolean;
  rotateRefreshTokens: boolean;
  requestsPerHour: number;
  userLevelNames: 'docebo' | 'legacy';
  pageSizeOverflow: 'clamp' | 'reject';
  pageZero: 'first-page' | 'reject';
  apiScopeForNonSuperadmins: 'allow' | 'reject' | 'downgrade';
}

export function loadSandboxStandaloneConfig(env: Env = process.env): SandboxStandaloneConfig {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = readEnv(env, name);
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues));
  const c = result.data;
  return {
    host: '127.0.0.1',
    port: c.SANDBOX_PORT,
    clientId: c.SANDBOX_CLIENT_ID,
    clientSecret: c.SANDBOX_CLIENT_SECRET,
    redirectUris: c.SANDBOX_REDIRECT_URIS,
    accessTokenTtl: c.SANDBOX_ACCESS_TOKEN_TTL,
    refreshTokenTtl: c.SANDBOX_REFRESH_TOKEN_TTL,
    rejectLocalhostRedirects: c.SANDBOX_REJECT_LOCALHOST_REDIRECTS,
    enforcePkce: c.SANDBOX_ENFORCE_PKCE,
    rotateRefreshTokens: c.SANDBOX_ROTATE_REFRESH_TOKENS,
    requestsPerHour: c.SANDBOX_REQUESTS_PER_HOUR,
    userLevelNames: c.SANDBOX_USER_LEVEL_NAMES,
    pageSizeOverflow: c.SANDBOX_PAGE_SIZE_OVERFLOW,
    pageZero: c.SANDBOX_PAGE_ZERO,
    apiScopeForNonSuperadmins: c.SANDBOX_API_SCOPE_FOR_NON_SUPERADMINS,
  };
}
