import { z } from 'zod';

/**
 * Settings of one sandbox instance. Every behaviour of Docebo that docebo-api.md marks uncertain is one setting here,
 * defaulting to the best-supported choice; the confidence tag of each choice is in its comment ([V] documented,
 * [C] corroborated by public code, [I] inferred, [?] unknown).
 */

/** The three user levels the sandbox knows. */
export type UserLevel = 'superadmin' | 'poweruser' | 'user';

/** Which names `GET /manage/v1/user/session` gives the levels in `user_level` (docebo-api.md §3, §9.12). */
export type UserLevelNaming = 'docebo' | 'legacy';

export const USER_LEVEL_NAMES: Readonly<Record<UserLevelNaming, Readonly<Record<UserLevel, string>>>> = {
  /** [C R2 ManageUserSessionData] "user, admin, super_admin"; "admin" is the power user. */
  docebo: { superadmin: 'super_admin', poweruser: 'admin', user: 'user' },
  /** [I R8] the names one third-party agent maps. */
  legacy: { superadmin: 'godadmin', poweruser: 'power_user', user: 'user' },
};

/**
 * `level` in user list items and `user_data`: R2 types it as an integer [C]; the values are Docebo's level groups
 * (/framework/level/godadmin, /admin, /user), whose ids 3, 4, 6 are inferred [I].
 */
export const USER_LIST_LEVEL_CODES: Readonly<Record<UserLevel, number>> = {
  superadmin: 3,
  poweruser: 4,
  user: 6,
};

/** Where page_size may go [C R5, R1, R6, X3 cap at 200]. */
export const MAX_PAGE_SIZE = 200;

export const sandboxSettingsSchema = z.strictObject({
  /** The sandbox's own OAuth2 app. */
  clientId: z.string().min(1).default('sandbox-client'),
  clientSecret: z.string().min(1).default('sandbox-secret'),
  /** Redirect URIs registered in the app; `/oauth2/authorize` matches them byte for byte [I R1 README]. */
  redirectUris: z.array(z.string().min(1)).default([]),
  /** Access token lifetime in ms: 3600 s [V D1]; shorten it (or call expireAccessTokens) to test expiry. */
  accessTokenTtl: z.number().int().positive().default(3_600_000),
  /** Refresh token lifetime in ms [?]; 14 days as in bshaffer/oauth2-server-php, which Docebo's format matches [I]. */
  refreshTokenTtl: z
    .number()
    .int()
    .positive()
    .default(14 * 86_400_000),
  /** Authorization code lifetime in ms: short-lived [I]. */
  authorizationCodeTtl: z.number().int().positive().default(60_000),
  /** How long the browser session of the login page lasts (a second authorize skips the form) [I]. */
  browserSessionTtl: z
    .number()
    .int()
    .positive()
    .default(8 * 3_600_000),
  /** Docebo reportedly refuses localhost redirect URIs [I R1 592ad34]; off so a local demo works. */
  rejectLocalhostRedirects: z.boolean().default(false),
  /** PKCE parameters are accepted and ignored [? X1]; on: a challenge is required and the verifier checked. */
  enforcePkce: z.boolean().default(false),
  /** Whether a refresh returns a new refresh token and retires the old one [? X2 stores each new one]. */
  rotateRefreshTokens: z.boolean().default(true),
  /** API calls per source IP per hour [V D3: 1,000]; beyond it 429 with Retry-After (the header is a sandbox aid [?]). */
  requestsPerHour: z.number().int().positive().default(1000),
  /** page_size above 200: clamp to 200 (R4 asks 1000 for courses and works [I]) or answer 400. */
  pageSizeOverflow: z.enum(['clamp', 'reject']).default('clamp'),
  /** page=0: served as page 1 (R1 sends 0 to real tenants [I]) or answered 400 (the spec is 1-based [C R2]). */
  pageZero: z.enum(['first-page', 'reject']).default('first-page'),
  /** Names of `user_level` in the session payload. */
  userLevelNames: z.enum(['docebo', 'legacy']).default('docebo'),
  /**
   * `scope=api` for users who are not superadmins [? R1 6f418a1, D6 "scope check"]: allow it, reject it
   * (invalid_scope), or downgrade (the token is issued with no scope).
   */
  apiScopeForNonSuperadmins: z.enum(['allow', 'reject', 'downgrade']).default('allow'),
  /** Which user a client_credentials token acts as [?]. */
  clientCredentialsUser: z.string().min(1).default('admin'),
  /** Whether `/__admin/…` (reset, faults, tokens, settings) is served; off for a demo shared with strangers. */
  adminEndpoints: z.boolean().default(true),
  /** Whether requests may inject faults with the X-Sandbox-Fault header. */
  faultHeader: z.boolean().default(true),
  /** Seed of the deterministic data generator. */
  seed: z.number().int().default(20260101),
});

/** Resolved settings of a sandbox instance. */
export type SandboxSettings = z.output<typeof sandboxSettingsSchema>;

/** What `createSandbox()` accepts: any subset of the settings, plus a clock for tests. */
export type SandboxOptions = z.input<typeof sandboxSettingsSchema> & {
  /** Milliseconds since the epoch; lets tests move time without waiting. */
  now?: () => number;
};

/** Validates settings, naming the bad key in the message. */
export function parseSandboxSettings(input: unknown): SandboxSettings {
  const result = sandboxSettingsSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new TypeError(`Invalid sandbox settings: ${problems.join('; ')}`);
}
