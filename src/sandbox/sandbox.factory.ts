import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Express, type NextFunction, type Request, type Response, Router } from 'express';
import { adminRouter } from './admin.routes';
import { bearerAuth } from './api.auth';
import { coursesRouter } from './courses.routes';
import { enrollmentsRouter } from './enrollments.routes';
import { BodyError } from './http.body';
import { learningPlansRouter } from './learning-plans.routes';
import { manageRouter } from './manage.routes';
import { sendErrorPage } from './oauth.pages';
import { oauthRouter } from './oauth.routes';
import { OAuthStore, type TokenResponse } from './oauth.store';
import { CursorStore, newSecret, type SandboxContext } from './sandbox.context';
import type { SandboxData } from './sandbox.data';
import {
  apiErrorBody,
  SandboxApiError,
  SandboxOAuthError,
  SandboxPageError,
  UnknownUserError,
} from './sandbox.errors';
import {
  type FaultEffect,
  FaultControl,
  FaultHeaderError,
  parseFaultHeader,
  RequestBudget,
} from './sandbox.faults';
import { parseSandboxSettings, type SandboxOptions, type SandboxSettings } from './sandbox.options';
import { buildSeed } from './sandbox.seed';
import { SandboxStats } from './sandbox.stats';

/** One Docebo emulator instance: an Express router plus the controls tests use. */
export interface Sandbox {
  /** Serves the whole sandbox; mount it anywhere (`app.use('/x', sandbox.router)`), it parses its own bodies. */
  readonly router: Router;
  /** Current settings (see sandbox.options.ts). */
  readonly settings: Readonly<SandboxSettings>;
  /** The seeded data, live: enrollment writes show here. Replaced by reset(). */
  readonly data: SandboxData;
  readonly faults: FaultControl;
  readonly stats: SandboxStats;
  /** Changes settings at run time (reset() restores the ones the sandbox was created with). */
  configure(patch: Partial<SandboxSettings>): void;
  /** Back to the seed: data, tokens, sessions, faults, counters, request budget and settings. */
  reset(): void;
  /** A token for a user (id or username) without the OAuth dance, as `/oauth2/token` would answer. */
  issueToken(user: number | string, options?: { scope?: string; withRefresh?: boolean }): TokenResponse;
  /** Revokes one access or refresh token; true when it existed. */
  revokeToken(token: string): boolean;
  /** Revokes every token of a user and ends their browser sessions; returns the number of tokens revoked. */
  revokeUser(user: number | string): number;
  /** Expires access tokens now: all, one token, or one user's. Returns how many. */
  expireAccessTokens(filter?: { token?: string; user?: number | string }): number;
  /** Forgets every browser session (the next authorize shows the login form again). */
  endBrowserSessions(): void;
}

/** createSandbox() options beyond the settings. */
export interface SandboxHooks {
  /** Called with unexpected errors (sandbox bugs); they are answered 500 either way. */
  onError?: (error: unknown) => void;
}

const SERVICES = new Set([
  'learn',
  'manage',
  'learningplan',
  'course',
  'audiences',
  'analytics',
  'skill',
  'share',
]);

export function createSandbox(options: SandboxOptions & SandboxHooks = {}): Sandbox {
  const { now = Date.now, onError, ...rest } = options;
  const initial = parseSandboxSettings(rest);
  const ctx: SandboxContext = {
    data: buildSeed(initial.seed),
    settings: initial,
    store: new OAuthStore(now),
    cursors: new CursorStore(now),
    now,
    secret: newSecret(),
  };
  const faults = new FaultControl();
  const stats = new SandboxStats();
  const budget = new RequestBudget();

  const userId = (user: number | string): number => {
    const found = ctx.data.user(user);
    if (!found) throw new UnknownUserError(user);
    return found.id;
  };

  const sandbox: Sandbox = {
    router: Router(),
    get settings() {
      return ctx.settings;
    },
    get data() {
      return ctx.data;
    },
    faults,
    stats,
    configure(patch) {
      ctx.settings = parseSandboxSettings({ ...ctx.settings, ...patch });
    },
    reset() {
      ctx.settings = initial;
      ctx.data = buildSeed(initial.seed);
      ctx.store.clear();
      ctx.cursors.clear();
      faults.clear();
      stats.reset();
      budget.clear();
    },
    issueToken(user, opts = {}) {
      const found = ctx.data.user(userId(user))!;
      const scopeOk = found.level === 'superadmin' || ctx.settings.apiScopeForNonSuperadmins === 'allow';
      return ctx.store.issueTokens(
        { userId: found.id, clientId: ctx.settings.clientId, scope: opts.scope ?? (scopeOk ? 'api' : null) },
        { access: ctx.settings.accessTokenTtl, refresh: ctx.settings.refreshTokenTtl },
        opts.withRefresh ?? true,
      );
    },
    revokeToken: (token) => ctx.store.revokeToken(token),
    revokeUser: (user) => ctx.store.revokeUser(userId(user)),
    expireAccessTokens: (filter = {}) =>
      ctx.store.expireAccess({
        token: filter.token,
        userId: filter.user === undefined ? undefined : userId(filter.user),
      }),
    endBrowserSessions: () => ctx.store.endSessions(),
  };

  const router = sandbox.router;
  const admin = adminRouter(sandbox);
  router.use('/__admin', (req: Request, res: Response, next: NextFunction) =>
    ctx.settings.adminEndpoints ? admin(req, res, next) : next(),
  );
  router.use(guard(ctx, faults, stats, budget));
  router.use(oauthRouter(ctx));
  router.use(doceboHeaders);
  router.use(bearerAuth(ctx));
  router.use(manageRouter(ctx), coursesRouter(ctx), enrollmentsRouter(ctx), learningPlansRouter(ctx));
  router.use((req: Request, res: Response) => {
    res.status(404).json(apiErrorBody(404, `Unable to resolve the request "${req.path.slice(1, 200)}".`));
  });
  router.use(errorHandler(onError));
  return sandbox;
}

/** An Express app serving one sandbox at its root: what `npm run sandbox` and test/support/sandbox.ts listen with. */
export function createSandboxApp(sandbox: Sandbox): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(sandbox.router);
  return app;
}

/** Docebo's API response headers [V D4, 2018 sample]. */
function doceboHeaders(req: Request, res: Response, next: NextFunction): void {
  res.set('X-Docebo-Api-Version', '1.0.0');
  const service = req.path.split('/')[1];
  if (SERVICES.has(service)) res.set('X-Docebo-Backyard', service);
  next();
}

/** Counts every call, then applies the request budget and any fault, before Docebo proper sees the request. */
function guard(ctx: SandboxContext, faults: FaultControl, stats: SandboxStats, budget: RequestBudget) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    stats.record(req.method, req.path);
    res.once('finish', () => stats.recordStatus(res.statusCode));

    const verdict = budget.take(
      req.ip ?? req.socket.remoteAddress ?? 'unknown',
      ctx.now(),
      ctx.settings.requestsPerHour,
    );
    if (!verdict.ok) {
      res
        .status(429)
        .set('Retry-After', String(verdict.retryAfter))
        .json(
          apiErrorBody(
            429,
            `Rate limit exceeded: ${ctx.settings.requestsPerHour} API calls per hour from this IP address.`,
          ),
        );
      return;
    }

    let effect: FaultEffect | undefined = faults.take(req.method, req.path);
    const header = req.headers['x-sandbox-fault'];
    if (ctx.settings.faultHeader && typeof header === 'string' && header.trim()) {
      try {
        effect = { ...effect, ...parseFaultHeader(header) };
      } catch (e) {
        if (!(e instanceof FaultHeaderError)) throw e;
        res.status(400).json(apiErrorBody(400, e.message));
        return;
      }
    }
    if (!effect) return next();

    if (effect.latencyMs) await sleep(effect.latencyMs);
    if (effect.reset) {
      req.socket.destroy();
      return;
    }
    if (effect.revoke) {
      const token = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
      if (token) ctx.store.revokeToken(token);
    }
    if (effect.malformed) truncateBody(res);
    if (effect.status) {
      if (effect.retryAfter !== undefined) res.set('Retry-After', String(effect.retryAfter));
      res
        .status(effect.status)
        .json(apiErrorBody(effect.status, FAULT_MESSAGES[effect.status] ?? 'Injected failure.'));
      return;
    }
    next();
  };
}

const FAULT_MESSAGES: Record<number, string> = {
  429: 'Too many requests: slow down and retry later.',
  500: 'An internal server error occurred.',
  503: 'The platform is temporarily overloaded; retry later.',
};

/** Sends only the first half of whatever the route answers: a body that is not valid JSON. */
function truncateBody(res: Response): void {
  const send = res.send.bind(res);
  res.send = ((body?: unknown) => {
    const text =
      typeof body === 'string'
        ? body
        : Buffer.isBuffer(body)
          ? body.toString('utf8')
          : JSON.stringify(body ?? null);
    if (!res.get('Content-Type')) res.type('application/json');
    return send(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
  }) as Response['send'];
}

function errorHandler(onError?: (error: unknown) => void) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    if (err instanceof SandboxPageError) return sendErrorPage(res, err.status, err.title, err.message);
    if (err instanceof SandboxOAuthError) {
      res
        .status(err.status)
        .set({ ...err.headers, 'Cache-Control': 'no-store', Pragma: 'no-cache' })
        .json({ error: err.error, error_description: err.description });
      return;
    }
    if (err instanceof SandboxApiError || err instanceof BodyError) {
      const headers = err instanceof SandboxApiError ? err.headers : {};
      res.status(err.status).set(headers).json(apiErrorBody(err.status, err.message));
      return;
    }
    // Express's own client errors (a path parameter that does not decode): 4xx with a status of their own.
    const status = (err as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json(apiErrorBody(status, 'The request URL or body is malformed.'));
      return;
    }
    onError?.(err);
    res.status(500).json(apiErrorBody(500, 'An internal server error occurred.'));
  };
}
