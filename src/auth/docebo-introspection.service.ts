import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { InjectConfig, type GatewayConfigNamespace } from '../config';
import { DoceboApiError, DoceboClient, type SessionUser } from '../docebo';
import type { Tenant } from '../tenancy';
import { IntrospectionUnavailableError, InvalidTokenError } from './auth.errors';

type Verdict = { valid: true; user: SessionUser } | { valid: false; reason: string };
interface Lookup {
  tenant: Tenant;
  token: string;
  /** When the Docebo token expires (epoch seconds), if known. */
  expiresAt?: number;
}

/**
 * Asks Docebo who a Docebo token belongs to (`GET /manage/v1/user/session`: Docebo has no introspection endpoint)
 * and remembers the answer, keyed by the token's SHA-256 (never the token itself), until the configured TTL or the
 * token's expiry, whichever comes first. A rejected token is remembered briefly too. Concurrent misses for one
 * token share one Docebo call (lru-cache's fetch is single-flight). Outages are not cached and surface as
 * IntrospectionUnavailableError, so a Docebo hiccup never logs users out.
 */
@Injectable()
export class DoceboIntrospection {
  private readonly logger = new Logger(DoceboIntrospection.name);
  private readonly cache: LRUCache<string, Verdict, Lookup>;
  private readonly ttl: number;
  private readonly negativeTtl: number;

  constructor(
    private readonly docebo: DoceboClient,
    @InjectConfig() { config }: GatewayConfigNamespace,
  ) {
    this.ttl = config.auth.introspectionTtl;
    this.negativeTtl = config.auth.negativeTtl;
    this.cache = new LRUCache<string, Verdict, Lookup>({
      max: config.auth.cacheSize,
      ttl: this.ttl,
      ttlAutopurge: false,
      fetchMethod: (_key, _stale, { context, options }) => this.ask(context, options),
    });
  }

  /** The Docebo user behind `token`, or InvalidTokenError / IntrospectionUnavailableError. */
  async user(tenant: Tenant, token: string, expiresAt?: number): Promise<SessionUser> {
    const key = this.key(tenant, token);
    const verdict = await this.cache.fetch(key, { context: { tenant, token, expiresAt } });
    if (!verdict) throw new IntrospectionUnavailableError('Docebo did not answer the session check.');
    if (!verdict.valid) throw new InvalidTokenError(verdict.reason);
    return verdict.user;
  }

  /** Drops what is known about a token (Docebo just rejected it during a call). */
  forget(tenant: Tenant, token: string): void {
    this.cache.delete(this.key(tenant, token));
  }

  private key(tenant: Tenant, token: string): string {
    return `${tenant.id}:${createHash('sha256').update(token).digest('base64url')}`;
  }

  private async ask(lookup: Lookup, options: { ttl?: number }): Promise<Verdict> {
    try {
      const user = await this.docebo.as(lookup.tenant, lookup.token).session();
      const remaining = lookup.expiresAt === undefined ? Infinity : lookup.expiresAt * 1000 - Date.now();
      options.ttl = Math.max(1, Math.min(this.ttl, remaining));
      return { valid: true, user };
    } catch (e) {
      if (e instanceof DoceboApiError && (e.kind === 'unauthorized' || e.kind === 'forbidden')) {
        options.ttl = this.negativeTtl;
        return { valid: false, reason: 'Docebo no longer accepts this sign-in.' };
      }
      const message = e instanceof DoceboApiError ? e.message : 'The session check failed.';
      if (!(e instanceof DoceboApiError))
        this.logger.error(`Introspection failed for tenant ${lookup.tenant.id}: ${(e as Error).message}`);
      throw new IntrospectionUnavailableError(
        message,
        e instanceof DoceboApiError ? e.retryAfterSeconds : undefined,
      );
    }
  }
}
