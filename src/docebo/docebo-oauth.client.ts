import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import type { Tenant } from '../tenancy';
import { extractDoceboMessage } from './docebo-http';
import { DoceboEndpoints } from './docebo-endpoints';

/** Docebo's token response (docebo-api.md §2.4 [V D1]): an opaque 40-hex access token, 3600 s, a refresh token. */
const tokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().nullish(),
});

/** A Docebo token set as the gateway keeps it. Times are epoch seconds. */
export interface DoceboTokenSet {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly expiresAt: number;
  readonly scope?: string;
}

/** Docebo documents 3600 s; used when a response leaves `expires_in` out. */
export const DEFAULT_DOCEBO_TOKEN_TTL = 3600;

/**
 * A failed call to Docebo's token endpoint. `rejected` means Docebo refused the grant (its OAuth `error` code is
 * kept, e.g. invalid_grant); `unavailable` means no usable answer came back (network, timeout, 5xx, garbage), which
 * callers must report as temporarily_unavailable, never as invalid_grant.
 */
export class DoceboOAuthError extends Error {
  constructor(
    readonly kind: 'rejected' | 'unavailable',
    readonly oauthError: string,
    readonly description: string,
    readonly status: number,
  ) {
    super(`Docebo token endpoint: ${oauthError} (${status || 'no response'}): ${description}`);
    this.name = 'DoceboOAuthError';
  }
}

function unreachable(e: unknown): DoceboOAuthError {
  const timeout = (e as { name?: string }).name === 'TimeoutError';
  return new DoceboOAuthError(
    'unavailable',
    'temporarily_unavailable',
    timeout ? 'Docebo timed out' : 'Docebo is unreachable',
    0,
  );
}

/** The raw answer of Docebo's token endpoint, for the direct-mode proxy that relays it unchanged. */
export interface RelayedResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * The OAuth half of the Docebo boundary: the authorization-code exchange, refresh and password grants against
 * `{baseUrl}/oauth2/token` with the tenant's client credentials (sent in the body, as Docebo documents), and the
 * relay used by direct mode. Token requests are never retried: codes are single-use, and refresh tokens may rotate.
 */
@Injectable()
export class DoceboOAuthClient {
  private readonly logger = new Logger('DoceboOAuth');

  constructor(private readonly endpoints: DoceboEndpoints) {}

  exchangeCode(
    tenant: Tenant,
    code: string,
    redirectUri: string,
    codeVerifier?: string,
  ): Promise<DoceboTokenSet> {
    return this.grant(tenant, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      ...(codeVerifier ? { code_verifier: codeVerifier } : {}),
    });
  }

  refresh(tenant: Tenant, refreshToken: string): Promise<DoceboTokenSet> {
    return this.grant(tenant, { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  password(tenant: Tenant, username: string, password: string): Promise<DoceboTokenSet> {
    const scope = tenant.config.docebo.scope;
    return this.grant(tenant, { grant_type: 'password', username, password, ...(scope ? { scope } : {}) });
  }

  /** Direct mode: forwards a client's token request to Docebo and returns Docebo's answer as it is. */
  async relay(tenant: Tenant, form: URLSearchParams): Promise<RelayedResponse> {
    try {
      const response = await this.post(tenant, form);
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? 'application/json',
        body: await response.text(),
      };
    } catch (e) {
      throw unreachable(e);
    }
  }

  private async grant(tenant: Tenant, fields: Record<string, string>): Promise<DoceboTokenSet> {
    const { clientId, clientSecret } = tenant.config.docebo;
    const form = new URLSearchParams({ ...fields, client_id: clientId, client_secret: clientSecret });
    let response: Response;
    let text: string;
    try {
      response = await this.post(tenant, form);
      text = await response.text();
    } catch (e) {
      throw unreachable(e);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const error = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
    // An OAuth error in a 4xx, or (some servers do this) in a 200, is a verdict on the grant.
    if (typeof error === 'string' && response.status < 500) {
      const description = extractDoceboMessage(text) ?? error;
      this.logger.warn(`Docebo refused a ${fields.grant_type} grant for tenant ${tenant.id}: ${error}`);
      throw new DoceboOAuthError('rejected', error, description, response.status);
    }
    if (response.status === 401 || response.status === 400) {
      throw new DoceboOAuthError('rejected', 'invalid_grant', 'Docebo refused the grant', response.status);
    }
    const parsed = response.ok ? tokenResponse.safeParse(body) : undefined;
    if (!parsed?.success) {
      this.logger.warn(
        `Docebo token endpoint of tenant ${tenant.id} answered ${response.status} without a usable token`,
      );
      throw new DoceboOAuthError(
        'unavailable',
        'temporarily_unavailable',
        `unexpected answer (${response.status})`,
        response.status,
      );
    }
    const t = parsed.data;
    return {
      accessToken: t.access_token,
      refreshToken: t.refresh_token,
      expiresAt: Math.floor(Date.now() / 1000) + (t.expires_in ?? DEFAULT_DOCEBO_TOKEN_TTL),
      scope: t.scope ?? undefined,
    };
  }

  private post(tenant: Tenant, form: URLSearchParams): Promise<Response> {
    return fetch(this.endpoints.for(tenant).tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form,
      signal: AbortSignal.timeout(tenant.config.docebo.timeout),
      redirect: 'manual',
    });
  }
}
