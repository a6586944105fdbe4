import { z } from 'zod';

/**
 * The one schema for the gateway's configuration (config/gateway.yaml merged with the environment).
 * Every object is strict, so a misspelt key stops the boot instead of being silently ignored.
 * Messages are written to be read after the key path: "tenants.acme.docebo.baseUrl: must be an https URL".
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost');
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** https anywhere, http only on loopback (local development and tests). */
function isSecureOrLoopbackUrl(value: string): boolean {
  const url = parseUrl(value);
  if (!url) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration as a number of seconds or a string such as "500ms", "10s", "5m", "24h", "14d"; parsed to milliseconds. */
export const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return Math.round(value * 1000);
  } else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
    if (m) return Math.round(Number(m[1]) * UNITS_MS[m[2] ?? 's']);
  }
  ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30s, 10m, 24h or 14d' });
  return z.NEVER;
});

/** An integer that may arrive as a string (environment variables and ${VAR} expansion always yield strings). */
const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    const n = typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max}` });
    return z.NEVER;
  });

const boolean = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => (typeof v === 'boolean' ? v : ['true', '1', 'yes'].includes(v)));

const sizeUnits: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };
/** A byte size: a number of bytes or "512kb", "1mb". */
const byteSize = z.union([z.number(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  const m = typeof value === 'string' ? /^\s*(\d+)\s*(b|kb|mb)?\s*$/i.exec(value) : null;
  if (m) return Number(m[1]) * sizeUnits[(m[2] ?? 'b').toLowerCase()];
  ctx.addIssue({ code: 'custom', message: 'must be a size such as 1mb or 512kb' });
  return z.NEVER;
});

const nonEmpty = z.string().trim().min(1, 'must not be empty');

export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const doceboBaseUrl = z
  .string()
  .trim()
  .refine((v) => v === 'sandbox' || isSecureOrLoopbackUrl(v), {
    message: 'must be an https URL (http only on loopback), or "sandbox" for the embedded emulator',
  })
  .transform((v) => v.replace(/\/+$/, ''));

const redirectUri = z.string().refine((v) => {
  const url = parseUrl(v);
  return !!url && !url.hash && !['javascript:', 'data:', 'file:', 'vbscript:'].includes(url.protocol);
}, 'must be an absolute URL without a fragment, and not javascript:, data: or file:');

const preRegisteredClient = z.strictObject({
  clientId: nonEmpty,
  /** Absent for a public client (PKCE only). */
  clientSecret: nonEmpty.optional(),
  name: nonEmpty.optional(),
  redirectUris: z.array(redirectUri).min(1, 'must list at least one redirect URI'),
  /** Trusted first-party clients skip the consent page. */
  trusted: boolean.default(false),
});

const doceboSettings = z.strictObject({
  baseUrl: doceboBaseUrl,
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  /**
   * Scope sent to Docebo's /oauth2/authorize. Docebo documents `api`, but practitioners report it is
   * restricted to superadmins (docebo-api.md §2.5 [?]), so the default sends no scope.
   */
  scope: z.string().trim().optional(),
  timeout: duration.default(10_000),
  /** Attempts per idempotent call (1 = no retry), and the longest the retries of one call may take in all. */
  retry: z
    .strictObject({ maxAttempts: integer(1, 10).default(3), maxTotal: duration.default(20_000) })
    .default({ maxAttempts: 3, maxTotal: 20_000 }),
  /** Concurrent calls to this tenant's Docebo from this replica. */
  concurrency: integer(1, 1000).default(16),
  /** Docebo limits API calls per hour per source IP (1,000 documented); the client refuses beyond this budget. */
  requestsPerHour: integer(1).default(1000),
});

const oauthSettings = z.strictObject({
  /** proxy: the gateway is the authorization server (default). direct: raw Docebo tokens (compatibility). */
  mode: z.enum(['proxy', 'direct']).default('proxy'),
  /** Access token lifetime; by default capped at the remaining lifetime of the Docebo token inside. */
  accessTokenTtl: duration.default(3_600_000),
  /**
   * Long sessions: access tokens may outlive the Docebo token (up to 24 h) and the gateway refreshes Docebo
   * itself. Needs a state store that survives restarts (Redis).
   */
  longSessions: boolean.default(false),
  refreshTokenTtl: duration.default(14 * 86_400_000),
  /** How long a rotated refresh token stays usable (concurrent refreshes by one client are normal). */
  refreshGrace: duration.default(30_000),
  /** How long an Allow on the consent page is remembered for one browser and client. */
  consentTtl: duration.default(30 * 86_400_000),
  /** Direct mode only: whether the token proxy adds the tenant's client secret to forwarded grants. */
  directAddsClientSecret: boolean.default(true),
  /**
   * Redirect URIs allowed for clients that use the tenant's own Docebo client id and secret (set up the old, manual
   * way). Default: Claude's connector callbacks.
   */
  doceboAppRedirectUris: z.array(redirectUri).optional(),
});

/** Groups of MCP tools a tenant can offer (src/mcp/tools); `all` means every group. */
export const TOOLSET_NAMES = [
  'all',
  'profile',
  'courses',
  'enrollments',
  'learning_plans',
  'users',
  'search',
] as const;

const toolSettings = z.strictObject({
  readOnly: boolean.default(false),
  toolsets: z.array(z.enum(TOOLSET_NAMES)).min(1).default(['all']),
});

/** Knobs of the embedded Docebo emulator, for tenants whose docebo.baseUrl is "sandbox". */
export const sandboxSettings = z.strictObject({
  accessTokenTtl: duration.default(3_600_000),
  refreshTokenTtl: duration.default(14 * 86_400_000),
  /** Docebo reportedly refuses localhost redirect URIs; off by default so the local demo works. */
  rejectLocalhostRedirects: boolean.default(false),
  /** Docebo is not known to check PKCE; the sandbox ignores it unless this is on. */
  enforcePkce: boolean.default(false),
  rotateRefreshTokens: boolean.default(true),
  requestsPerHour: integer(1).default(1000),
  /**
   * Redirect URIs registered in the sandbox's OAuth app besides the tenant's gateway callback (direct-mode clients
   * redirect straight from Docebo).
   */
  redirectUris: z.array(redirectUri).default([]),
  /** user_level names in /manage/v1/user/session: docebo (super_admin, admin, user) or legacy (godadmin, power_user, user). */
  userLevelNames: z.enum(['docebo', 'legacy']).default('docebo'),
  /** page_size above 200: clamp to 200 or answer 400 (Docebo's behaviour is unverified). */
  pageSizeOverflow: z.enum(['clamp', 'reject']).default('clamp'),
  /** page=0: served as the first page or answered 400 (unverified). */
  pageZero: z.enum(['first-page', 'reject']).default('first-page'),
  /** scope=api for users below superadmin: allow it, reject it, or issue the token without it (unverified). */
  apiScopeForNonSuperadmins: z.enum(['allow', 'reject', 'downgrade']).default('allow'),
  /** The sandbox's /__admin controls (reset, faults, tokens); turn them off on a demo shared with strangers. */
  adminEndpoints: boolean.default(true),
});

const tenant = z.strictObject({
  displayName: nonEmpty.optional(),
  docebo: doceboSettings,
  oauth: oauthSettings.default(() => oauthSettings.parse({})),
  tools: toolSettings.default({ readOnly: false, toolsets: ['all'] }),
  preRegisteredClients: z.array(preRegisteredClient).default([]),
  sandbox: sandboxSettings.default(() => sandboxSettings.parse({})),
});

const publicUrl = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const url = parseUrl(value.replace('{tenant}', 'tenant'));
    if (!url || !isSecureOrLoopbackUrl(url.href)) {
      ctx.addIssue({ code: 'custom', message: 'must be an https URL (http only on loopback)' });
      return;
    }
    if (url.search || url.hash)
      ctx.addIssue({ code: 'custom', message: 'must not have a query or fragment' });
    const authority = value.split('/')[2] ?? '';
    const path = value.slice(value.indexOf(authority) + authority.length).replace(/\/+$/, '');
    if (authority.includes('{tenant}')) {
      if (!authority.startsWith('{tenant}.')) {
        ctx.addIssue({ code: 'custom', message: 'must start the host with "{tenant}." in host mode' });
      } else if (path) ctx.addIssue({ code: 'custom', message: 'must have no path in host mode' });
    } else if (value.includes('{tenant}')) {
      if (!/^(\/[A-Za-z0-9._~-]+)+\/\{tenant\}$/.test(path)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must end with /<prefix>/{tenant} in path mode, e.g. /t/{tenant}',
        });
      }
    } else if (path) {
      ctx.addIssue({ code: 'custom', message: 'must have no path unless it ends with /{tenant}' });
    }
  })
  .transform((v) => v.replace(/\/+$/, ''));

const tokenKeys = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const keys: { kid: string; secret: Buffer }[] = [];
    for (const entry of value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const i = entry.indexOf(':');
      const kid = i > 0 ? entry.slice(0, i) : '';
      const secret = Buffer.from(entry.slice(i + 1), 'base64');
      if (!/^[A-Za-z0-9._-]{1,32}$/.test(kid)) {
        ctx.addIssue({
          code: 'custom',
          message: 'each key must be written kid:base64 (kid of letters, digits, . _ -)',
        });
      } else if (secret.length !== 32) {
        ctx.addIssue({
          code: 'custom',
          message: `key "${kid}" must be 32 bytes of base64 (it has ${secret.length})`,
        });
      } else if (keys.some((k) => k.kid === kid)) {
        ctx.addIssue({ code: 'custom', message: `key id "${kid}" appears twice` });
      } else keys.push({ kid, secret });
    }
    if (!keys.length && !ctx.issues.length)
      ctx.addIssue({ code: 'custom', message: 'must list at least one key' });
    return keys;
  });

const stateStore = z
  .string()
  .trim()
  .refine(
    (v) => v === 'memory' || /^rediss?:\/\/./.test(v),
    'must be "memory" or a redis:// or rediss:// URL',
  );

const trustProxy = z.union([z.boolean(), z.number().int().min(0), z.string()]).transform((v) => {
  if (typeof v !== 'string') return v;
  if (['true', 'false'].includes(v)) return v === 'true';
  return /^\d+$/.test(v) ? Number(v) : v; // a hop count, or Express's list of trusted addresses/subnets
});

export const gatewayConfigSchema = z
  .strictObject({
    /** The public URL pattern: https://{tenant}.mcp.example.com (host mode), https://mcp.example.com/t/{tenant} (path mode), or a fixed origin for a single tenant. */
    publicUrl,
    /** Honour X-Forwarded-* only behind a trusted proxy: false, true, a hop count, or Express's address list. */
    trustProxy: trustProxy.default(false),
    server: z
      .strictObject({
        host: nonEmpty.default('127.0.0.1'),
        port: integer(0, 65535).default(3000),
        /** Hard limit for a graceful shutdown; the process exits when it is reached. */
        shutdownTimeout: duration.default(10_000),
        /** How long readiness reports 503 before the server stops accepting, so load balancers drain it. */
        drainDelay: duration.default(0),
        bodyLimit: byteSize.default(1024 * 1024),
      })
      .default(() => ({
        host: '127.0.0.1',
        port: 3000,
        shutdownTimeout: 10_000,
        drainDelay: 0,
        bodyLimit: 1 << 20,
      })),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** auto: human-readable when stdout is a terminal, JSON otherwise. */
        pretty: z.union([z.literal('auto'), boolean]).default('auto'),
      })
      .default({ level: 'info', pretty: 'auto' }),
    /** Keys for gateway tokens, newest first: "kid:base64,kid:base64". Absent: one random key per process (demo only). */
    tokenKeys: tokenKeys.optional(),
    stateStore: stateStore.default('memory'),
    /** Extra browser origins allowed to call /mcp (the gateway's own origins always are). */
    allowedOrigins: z.array(z.string().url('must be an origin such as https://claude.ai')).default([]),
    oauth: z
      .strictObject({
        /** Unused dynamically registered clients are forgotten after this long. */
        registrationTtl: duration.default(30 * 86_400_000),
        /** Lifetime of the gateway's authorization codes (single use). */
        codeTtl: duration.default(60_000),
        cimd: z
          .strictObject({
            timeout: duration.default(5_000),
            maxBytes: integer(256, 1 << 20).default(5 * 1024),
            cacheTtl: duration.default(3_600_000),
            /** Only for tests: lets CIMD documents come from loopback and private addresses. */
            dangerouslyAllowPrivateNetworks: boolean.default(false),
            /** A PEM file of extra certificate authorities trusted for CIMD fetches (corporate CAs, tests). */
            extraCaFile: nonEmpty.optional(),
          })
          .default(() => ({
            timeout: 5000,
            maxBytes: 5120,
            cacheTtl: 3_600_000,
            dangerouslyAllowPrivateNetworks: false,
          })),
        /** Requests per client IP per minute, shared across replicas through the state store. */
        rateLimits: z
          .strictObject({
            authorize: integer(1).default(300),
            token: integer(1).default(600),
            register: integer(1).default(120),
          })
          .default({ authorize: 300, token: 600, register: 120 }),
      })
      .default(() => ({
        registrationTtl: 30 * 86_400_000,
        codeTtl: 60_000,
        cimd: { timeout: 5000, maxBytes: 5120, cacheTtl: 3_600_000, dangerouslyAllowPrivateNetworks: false },
        rateLimits: { authorize: 300, token: 600, register: 120 },
      })),
    auth: z
      .strictObject({
        /** How long a Docebo token's /manage/v1/user/session answer is trusted before asking again. */
        introspectionTtl: duration.default(60_000),
        /** How long a rejected token is remembered, sparing Docebo repeated calls for the same dead token. */
        negativeTtl: duration.default(10_000),
        cacheSize: integer(1).default(10_000),
      })
      .default({ introspectionTtl: 60_000, negativeTtl: 10_000, cacheSize: 10_000 }),
    tenants: z.record(z.string(), tenant).superRefine((tenants, ctx) => {
      for (const id of Object.keys(tenants)) {
        if (!TENANT_ID_PATTERN.test(id)) {
          ctx.addIssue({
            code: 'custom',
            path: [id],
            message: 'tenant names must be lowercase DNS labels (a-z, 0-9 and -)',
          });
        }
      }
      if (!Object.keys(tenants).length)
        ctx.addIssue({ code: 'custom', message: 'must define at least one tenant' });
    }),
  })
  .superRefine((config, ctx) => {
    const count = Object.keys(config.tenants).length;
    if (!config.publicUrl.includes('{tenant}') && count > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['publicUrl'],
        message: `must contain {tenant} (in the host or as the last path segment) to serve ${count} tenants`,
      });
    }
    for (const [id, t] of Object.entries(config.tenants)) {
      if (t.oauth.longSessions && config.stateStore === 'memory') {
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', id, 'oauth', 'longSessions'],
          message: 'needs a Redis state store (stateStore: redis://…) so sessions survive restarts',
        });
      }
      if (t.oauth.accessTokenTtl > 86_400_000 || t.oauth.accessTokenTtl < 60_000) {
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', id, 'oauth', 'accessTokenTtl'],
          message: 'must be between 1m and 24h',
        });
      }
    }
  });

export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
export type TenantConfig = GatewayConfig['tenants'][string];
export type PreRegisteredClientConfig = TenantConfig['preRegisteredClients'][number];
export type SandboxSettings = TenantConfig['sandbox'];
