import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import { BodyError, type BodyFields, readBody } from './http.body';
import type { TokenResponse } from './oauth.store';
import { sendLoginPage } from './oauth.pages';
import type { SandboxContext } from './sandbox.context';
import type { SandboxUser } from './sandbox.data';
import { SandboxOAuthError, SandboxPageError } from './sandbox.errors';

/**
 * Docebo's OAuth2 endpoints as far as they are known (docebo-api.md §2): `GET /oauth2/authorize` with a login page
 * and a browser session, `POST /oauth2/token` with the authorization_code, refresh_token, password and
 * client_credentials grants. Error messages follow bshaffer/oauth2-server-php, whose token format and lifetime
 * Docebo's match [I].
 */

const SESSION_COOKIE = 'sandbox_session';
const CSRF_COOKIE = 'sandbox_csrf';
const SUPPORTED_SCOPES = new Set(['api']);
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** A validated authorize request. */
interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  /** Whether the request named the redirect URI (then the token request must repeat it). */
  redirectUriSent: boolean;
  state: string | undefined;
  responseType: string;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  prompt: string | undefined;
  /** The query string, carried through the login form. */
  raw: string;
}

/** An authorize error that goes back to the client by redirect (RFC 6749 §4.1.2.1). */
class RedirectError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

function redirectTo(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}

export function oauthRouter(ctx: SandboxContext): Router {
  const router = Router();
  const cookiePath = (req: Request) => req.baseUrl || '/';
  const cookieOptions = (req: Request) =>
    ({ httpOnly: true, sameSite: 'lax', secure: req.secure, path: cookiePath(req) }) as const;
  const cookiesOf = (req: Request) => parseCookies(req.headers.cookie ?? '');

  /** Validates everything that, when wrong, must not redirect: client and redirect URI. Then the rest. */
  function validate(params: URLSearchParams): AuthorizeRequest {
    const { settings } = ctx;
    const clientId = params.get('client_id') ?? '';
    if (!clientId) throw new SandboxPageError(400, 'Invalid request', 'The request has no client_id.');
    if (clientId !== settings.clientId)
      throw new SandboxPageError(
        400,
        'Unknown application',
        'No OAuth2 app with this client_id is active on this platform.',
      );
    let redirectUri = params.get('redirect_uri') ?? '';
    const redirectUriSent = redirectUri !== '';
    if (!redirectUriSent) {
      if (settings.redirectUris.length !== 1)
        throw new SandboxPageError(400, 'Invalid request', 'The request has no redirect_uri.');
      redirectUri = settings.redirectUris[0];
    } else if (!settings.redirectUris.includes(redirectUri)) {
      throw new SandboxPageError(
        400,
        'Invalid redirect URI',
        'The redirect_uri does not match any redirect URI registered for this OAuth2 app.',
      );
    }
    let parsed: URL;
    try {
      parsed = new URL(redirectUri);
    } catch {
      throw new SandboxPageError(
        400,
        'Invalid redirect URI',
        'The registered redirect URI is not a valid URL.',
      );
    }
    if (settings.rejectLocalhostRedirects && LOOPBACK.test(parsed.hostname))
      throw new SandboxPageError(400, 'Invalid redirect URI', 'Redirect URIs on localhost are not allowed.');

    const request: AuthorizeRequest = {
      clientId,
      redirectUri,
      redirectUriSent,
      state: params.get('state') ?? undefined,
      responseType: params.get('response_type') ?? '',
      scopes: (params.get('scope') ?? '').split(/\s+/).filter(Boolean),
      codeChallenge: null,
      codeChallengeMethod: null,
      prompt: params.get('prompt') ?? undefined,
      raw: params.toString(),
    };
    return request;
  }

  /** Checks that redirect back to the client with an error. */
  function check(request: AuthorizeRequest, params: URLSearchParams): void {
    if (request.responseType !== 'code')
      throw new RedirectError(
        'unsupported_response_type',
        'The response type is not supported by the authorization server.',
      );
    if (request.scopes.some((s) => !SUPPORTED_SCOPES.has(s)))
      throw new RedirectError('invalid_scope', 'An unsupported scope was requested.');
    if (!ctx.settings.enforcePkce) return; // [? X1] Docebo accepts PKCE parameters and ignores them
    const challenge = params.get('code_challenge');
    const method = params.get('code_challenge_method') ?? 'plain';
    if (!challenge)
      throw new RedirectError(
        'invalid_request',
        'This application requires you provide a PKCE code challenge.',
      );
    if (method !== 'S256' && method !== 'plain')
      throw new RedirectError('invalid_request', 'The PKCE code challenge method must be S256 or plain.');
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(challenge))
      throw new RedirectError('invalid_request', 'The PKCE code challenge must be 43 to 128 characters.');
    request.codeChallenge = challenge;
    request.codeChallengeMethod = method;
  }

  /** The scope a user's token gets, per the apiScopeForNonSuperadmins setting [?]. */
  function grantedScope(user: SandboxUser, requested: string[]): string | null {
    if (user.level === 'superadmin') return 'api';
    const policy = ctx.settings.apiScopeForNonSuperadmins;
    if (policy === 'allow') return 'api';
    if (policy === 'reject' && requested.includes('api'))
      throw new RedirectError('invalid_scope', 'The api scope is reserved to superadmins.');
    return null;
  }

  function csrfToken(cookie: string, request: string): string {
    return createHmac('sha256', ctx.secret).update(`${cookie}\n${request}`).digest('base64url');
  }

  /** The CSRF cookie of this browser, set now when absent (two tabs share one, so neither form goes stale). */
  function csrfCookie(req: Request, res: Response): string {
    const existing = cookiesOf(req)[CSRF_COOKIE];
    if (existing && /^[A-Za-z0-9_-]{32,64}$/.test(existing)) return existing;
    const value = randomBytes(24).toString('base64url');
    res.append('Set-Cookie', serializeCookie(CSRF_COOKIE, value, cookieOptions(req)));
    return value;
  }

  function loginForm(
    req: Request,
    res: Response,
    request: AuthorizeRequest,
    status: number,
    extra: { username?: string; error?: string } = {},
  ) {
    sendLoginPage(res, status, {
      clientId: request.clientId,
      authorizeRequest: request.raw,
      csrfToken: csrfToken(csrfCookie(req, res), request.raw),
      ...extra,
    });
  }

  function issueCode(res: Response, request: AuthorizeRequest, user: SandboxUser): void {
    const scope = grantedScope(user, request.scopes);
    const code = ctx.store.saveCode({
      clientId: request.clientId,
      redirectUri: request.redirectUriSent ? request.redirectUri : null,
      userId: user.id,
      scope,
      expiresAt: ctx.now() + ctx.settings.authorizationCodeTtl,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
    });
    res
      .set('Cache-Control', 'no-store')
      .redirect(302, redirectTo(request.redirectUri, { code, state: request.state }));
  }

  function redirectError(res: Response, request: AuthorizeRequest, e: RedirectError): void {
    res.set('Cache-Control', 'no-store').redirect(
      302,
      redirectTo(request.redirectUri, {
        error: e.error,
        error_description: e.description,
        state: request.state,
      }),
    );
  }

  router.get('/oauth2/authorize', (req, res) => {
    const params = new URL(req.url, 'http://sandbox.invalid').searchParams;
    const request = validate(params);
    try {
      check(request, params);
      const session = ctx.store.session(cookiesOf(req)[SESSION_COOKIE]);
      const user = session && ctx.data.user(session.userId);
      // Docebo's browser session: a second authorize in the same browser skips the login form.
      if (user && user.active && request.prompt !== 'login') return issueCode(res, request, user);
    } catch (e) {
      if (e instanceof RedirectError) return redirectError(res, request, e);
      throw e;
    }
    loginForm(req, res, request, 200);
  });

  router.post('/oauth2/login', async (req, res) => {
    let fields: BodyFields;
    try {
      fields = await readBody(req);
    } catch (e) {
      if (e instanceof BodyError) throw new SandboxPageError(e.status, 'Invalid request', e.message);
      throw e;
    }
    const field = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
    const raw = field('authorize_request');
    if (!raw)
      throw new SandboxPageError(
        400,
        'Invalid request',
        'The sign-in form lost its authorization request; start again from the application.',
      );
    const params = new URLSearchParams(raw);
    const request = validate(params);
    try {
      check(request, params);
    } catch (e) {
      if (e instanceof RedirectError) return redirectError(res, request, e);
      throw e;
    }
    const cookie = cookiesOf(req)[CSRF_COOKIE];
    const sent = Buffer.from(field('csrf_token'));
    const expected = cookie ? Buffer.from(csrfToken(cookie, raw)) : undefined;
    if (!expected || sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
      return loginForm(req, res, request, 403, {
        error: 'The sign-in form expired or was not sent by this browser. Sign in again.',
      });
    }
    if (field('action') === 'cancel') {
      return redirectError(
        res,
        request,
        new RedirectError('access_denied', 'The user denied access to your application.'),
      );
    }
    const username = field('username').trim();
    const user = ctx.data.user(username);
    if (!user || user.password !== field('password')) {
      return loginForm(req, res, request, 200, { username, error: 'Invalid username or password.' });
    }
    if (!user.active)
      return loginForm(req, res, request, 200, { username, error: 'This account is suspended.' });
    try {
      grantedScope(user, request.scopes); // refuse before starting a session
    } catch (e) {
      if (e instanceof RedirectError) return redirectError(res, request, e);
      throw e;
    }
    const sessionId = ctx.store.startSession(user.id, ctx.settings.browserSessionTtl);
    res.append(
      'Set-Cookie',
      serializeCookie(SESSION_COOKIE, sessionId, {
        ...cookieOptions(req),
        maxAge: Math.floor(ctx.settings.browserSessionTtl / 1000),
      }),
    );
    issueCode(res, request, user);
  });

  router.all('/oauth2/token', async (req, res) => {
    if (req.method !== 'POST')
      throw new SandboxOAuthError(
        400,
        'invalid_request',
        'The request method must be POST when requesting an access token.',
      );
    let fields: BodyFields;
    try {
      fields = await readBody(req);
    } catch (e) {
      if (e instanceof BodyError) throw new SandboxOAuthError(400, 'invalid_request', e.message);
      throw e;
    }
    const param = (name: string): string | undefined => {
      const v = fields[name];
      if (v === undefined || v === null || v === '') return undefined;
      if (typeof v === 'string') return v;
      if (typeof v === 'number') return String(v);
      throw new SandboxOAuthError(400, 'invalid_request', `The parameter "${name}" must be a single string.`);
    };
    authenticateClient(req, param);
    const grantType = param('grant_type');
    if (!grantType)
      throw new SandboxOAuthError(400, 'invalid_request', 'The grant type was not specified in the request.');
    const tokens = grant(grantType, param);
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(tokens);
  });

  /** Client authentication: client_secret_basic or client_secret_post [C R7, R9 / D1]. */
  function authenticateClient(req: Request, param: (name: string) => string | undefined): void {
    const header = req.headers.authorization;
    let id = param('client_id');
    let secret = param('client_secret');
    let basic = false;
    if (header && /^basic\s/i.test(header)) {
      basic = true;
      const decoded = Buffer.from(header.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw invalidClient(true, 'The HTTP Basic credentials are malformed.');
      let basicId: string;
      let basicSecret: string;
      try {
        basicId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
        basicSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
      } catch {
        throw invalidClient(true, 'The HTTP Basic credentials are malformed.');
      }
      if (secret !== undefined)
        throw new SandboxOAuthError(
          400,
          'invalid_request',
          'Only one method may be used to authenticate the client at a time.',
        );
      if (id !== undefined && id !== basicId)
        throw new SandboxOAuthError(
          400,
          'invalid_request',
          'The client_id in the body does not match the HTTP Basic credentials.',
        );
      id = basicId;
      secret = basicSecret;
    }
    if (id === undefined)
      throw invalidClient(basic, 'Client credentials were not found in the headers or body.');
    const expectedId = ctx.settings.clientId;
    const expectedSecret = ctx.settings.clientSecret;
    if (id !== expectedId || secret === undefined || !safeEqual(secret, expectedSecret))
      throw invalidClient(basic, 'The client credentials are invalid.');
  }

  function invalidClient(basic: boolean, description: string): SandboxOAuthError {
    return new SandboxOAuthError(
      401,
      'invalid_client',
      description,
      basic ? { 'WWW-Authenticate': 'Basic realm="Docebo sandbox"' } : {},
    );
  }

  function ttl() {
    return { access: ctx.settings.accessTokenTtl, refresh: ctx.settings.refreshTokenTtl };
  }

  function tokenScope(user: SandboxUser, requested: string | undefined): string | null {
    const scopes = (requested ?? '').split(/\s+/).filter(Boolean);
    if (scopes.some((s) => !SUPPORTED_SCOPES.has(s)))
      throw new SandboxOAuthError(400, 'invalid_scope', 'An unsupported scope was requested.');
    try {
      return grantedScope(user, scopes);
    } catch (e) {
      if (e instanceof RedirectError) throw new SandboxOAuthError(400, 'invalid_scope', e.description);
      throw e;
    }
  }

  function grant(grantType: string, param: (name: string) => string | undefined): TokenResponse {
    const clientId = ctx.settings.clientId;
    switch (grantType) {
      case 'authorization_code': {
        const code = param('code');
        if (!code)
          throw new SandboxOAuthError(400, 'invalid_request', 'Missing parameter: "code" is required.');
        const record = ctx.store.takeCode(code);
        if (!record || record.clientId !== clientId)
          throw new SandboxOAuthError(
            400,
            'invalid_grant',
            "Authorization code doesn't exist or is invalid for the client.",
          );
        if (record.expiresAt <= ctx.now())
          throw new SandboxOAuthError(400, 'invalid_grant', 'The authorization code has expired.');
        if (record.redirectUri !== null && param('redirect_uri') !== record.redirectUri)
          throw new SandboxOAuthError(400, 'invalid_grant', 'The redirect URI is missing or does not match.');
        if (record.codeChallenge !== null) {
          const verifier = param('code_verifier');
          if (!verifier)
            throw new SandboxOAuthError(
              400,
              'invalid_grant',
              'The PKCE code verifier parameter is required.',
            );
          const computed =
            record.codeChallengeMethod === 'S256'
              ? createHash('sha256').update(verifier).digest('base64url')
              : verifier;
          if (!safeEqual(computed, record.codeChallenge))
            throw new SandboxOAuthError(
              400,
              'invalid_grant',
              'The PKCE code verifier does not match the code challenge.',
            );
        }
        const user = activeUser(record.userId);
        return ctx.store.issueTokens({ userId: user.id, clientId, scope: record.scope }, ttl(), true);
      }
      case 'refresh_token': {
        const token = param('refresh_token');
        if (!token)
          throw new SandboxOAuthError(
            400,
            'invalid_request',
            'Missing parameter: "refresh_token" is required.',
          );
        const record = ctx.store.findRefresh(token);
        if (!record || record.clientId !== clientId)
          throw new SandboxOAuthError(400, 'invalid_grant', 'Invalid refresh token.');
        if (record.expiresAt <= ctx.now())
          throw new SandboxOAuthError(400, 'invalid_grant', 'Refresh token has expired.');
        const user = activeUser(record.userId);
        const rotate = ctx.settings.rotateRefreshTokens;
        if (rotate) ctx.store.retireRefresh(token);
        // Without rotation the old refresh token stays valid and none is returned (bshaffer's default [I]).
        return ctx.store.issueTokens({ userId: user.id, clientId, scope: record.scope }, ttl(), rotate);
      }
      case 'password': {
        const username = param('username');
        const password = param('password');
        if (!username || !password)
          throw new SandboxOAuthError(
            400,
            'invalid_request',
            'Missing parameters: "username" and "password" required.',
          );
        const user = ctx.data.user(username);
        if (!user || user.password !== password || !user.active)
          throw new SandboxOAuthError(400, 'invalid_grant', 'Invalid username and password combination.');
        return ctx.store.issueTokens(
          { userId: user.id, clientId, scope: tokenScope(user, param('scope')) },
          ttl(),
          true,
        );
      }
      case 'client_credentials': {
        const user = ctx.data.user(ctx.settings.clientCredentialsUser);
        if (!user || !user.active)
          throw new SandboxOAuthError(
            400,
            'unauthorized_client',
            'No active user is configured for client credentials.',
          );
        // RFC 6749 §4.4.3: no refresh token for client credentials.
        return ctx.store.issueTokens(
          { userId: user.id, clientId, scope: tokenScope(user, param('scope')) },
          ttl(),
          false,
        );
      }
      default:
        throw new SandboxOAuthError(
          400,
          'unsupported_grant_type',
          `Grant type "${grantType}" not supported.`,
        );
    }
  }

  function activeUser(userId: number): SandboxUser {
    const user = ctx.data.user(userId);
    if (!user || !user.active)
      throw new SandboxOAuthError(400, 'invalid_grant', 'The user of this grant is no longer active.');
    return user;
  }

  return router;
}

function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}
