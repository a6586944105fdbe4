import { Injectable } from '@nestjs/common';
import { parse as parseCookies, serialize } from 'cookie';
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Tenant } from '../tenancy';
import { TokenService } from '../tokens/token.service';
import type { AuthorizationRequest } from './authorization.service';

/** Remembered approvals, newest first; at most this many per browser (the cookie stays small). */
const MAX_REMEMBERED = 20;

const approvals = z.object({
  entries: z.array(
    z.object({
      tenant: z.string(),
      clientId: z.string(),
      redirectUri: z.string(),
      scopes: z.array(z.string()),
      until: z.number(),
    }),
  ),
});
type Approvals = z.output<typeof approvals>;

/**
 * The browser's side of the authorization flow, in two cookies: a random browser id that binds consent forms and
 * the Docebo round trip to the browser that started them, and the sealed list of remembered approvals. Both are
 * `Secure; HttpOnly; SameSite=Lax` with the `__Host-` prefix on https origins; on plain-http localhost the prefix
 * (which requires Secure) is dropped.
 */
@Injectable()
export class BrowserSession {
  constructor(private readonly tokens: TokenService) {}

  /** The browser id, set now if the browser has none. */
  ensureBrowserId(req: Request, res: Response, tenant: Tenant): string {
    const existing = this.browserId(req, tenant);
    if (existing) return existing;
    const id = randomBytes(24).toString('base64url');
    this.setCookie(res, tenant, 'bid', id, 30 * 86_400);
    return id;
  }

  browserId(req: Request, tenant: Tenant): string | undefined {
    const value = this.cookies(req)[this.name(tenant, 'bid')];
    return value && /^[A-Za-z0-9_-]{32}$/.test(value) ? value : undefined;
  }

  /** Whether this browser already approved this client, redirect URI and (at least) these scopes. */
  async hasApproved(req: Request, tenant: Tenant, request: AuthorizationRequest): Promise<boolean> {
    const now = Date.now();
    return (await this.approvals(req, tenant)).entries.some(
      (e) =>
        e.tenant === tenant.id &&
        e.clientId === request.clientId &&
        e.redirectUri === request.redirectUri &&
        e.until > now &&
        request.scopes.every((s) => e.scopes.includes(s)),
    );
  }

  /** Remembers an approval for `consentTtl`. */
  async remember(req: Request, res: Response, tenant: Tenant, request: AuthorizationRequest): Promise<void> {
    const ttl = tenant.config.oauth.consentTtl;
    const now = Date.now();
    const others = (await this.approvals(req, tenant)).entries.filter(
      (e) =>
        e.until > now &&
        !(e.tenant === tenant.id && e.clientId === request.clientId && e.redirectUri === request.redirectUri),
    );
    const entry = {
      tenant: tenant.id,
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      until: now + ttl,
    };
    const value: Approvals = { entries: [entry, ...others].slice(0, MAX_REMEMBERED) };
    this.setCookie(
      res,
      tenant,
      'consent',
      await this.tokens.seal('consent', value, Math.ceil(ttl / 1000)),
      Math.ceil(ttl / 1000),
    );
  }

  private async approvals(req: Request, tenant: Tenant): Promise<Approvals> {
    const sealed = this.cookies(req)[this.name(tenant, 'consent')];
    if (!sealed) return { entries: [] };
    try {
      return approvals.parse(await this.tokens.unseal('consent', sealed));
    } catch {
      return { entries: [] }; // tampered, expired, or sealed with a retired key: ask again
    }
  }

  private cookies(req: Request): Record<string, string | undefined> {
    return parseCookies(req.headers.cookie ?? '');
  }

  private secure(tenant: Tenant): boolean {
    return tenant.urls.origin.startsWith('https:');
  }

  private name(tenant: Tenant, cookie: 'bid' | 'consent'): string {
    return this.secure(tenant) ? `__Host-dmg-${cookie}` : `dmg-${cookie}`;
  }

  private setCookie(
    res: Response,
    tenant: Tenant,
    cookie: 'bid' | 'consent',
    value: string,
    maxAgeSeconds: number,
  ): void {
    res.append(
      'Set-Cookie',
      serialize(this.name(tenant, cookie), value, {
        httpOnly: true,
        secure: this.secure(tenant),
        sameSite: 'lax',
        path: '/',
        maxAge: maxAgeSeconds,
      }),
    );
  }
}
