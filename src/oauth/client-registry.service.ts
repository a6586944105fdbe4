import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { InjectConfig, type GatewayConfigNamespace } from '../config';
import { STATE_STORE, type StateStore } from '../state/state-store';
import type { Tenant } from '../tenancy';
import { CimdFetcher, isCimdClientId } from './cimd.fetcher';
import { invalidClientMetadata, invalidRedirectUri } from './oauth.errors';
import { redirectUriProblem } from './redirect-uri';

export type ClientSource = 'preregistered' | 'docebo-app' | 'dcr' | 'cimd';

/** An OAuth client of one tenant, wherever it was registered. */
export interface OAuthClient {
  readonly clientId: string;
  readonly name: string;
  readonly redirectUris: readonly string[];
  /** Public clients authenticate with PKCE only; confidential ones also with a secret. */
  readonly confidential: boolean;
  readonly source: ClientSource;
  /** Trusted first-party clients skip the consent page (configuration only). */
  readonly trusted: boolean;
  readonly clientUri?: string;
  readonly logoUri?: string;
}

interface StoredClient extends OAuthClient {
  /** SHA-256 of the secret, hex; never the secret itself. */
  readonly secretHash?: string;
}

/** Redirect URIs of the tenant's Docebo app alias when configuration names none: Claude's connector callbacks. */
export const DOCEBO_APP_DEFAULT_REDIRECTS = [
  'https://claude.ai/api/mcp/auth_callback',
  'https://claude.com/api/mcp/auth_callback',
];

const storedClient = z.object({
  clientId: z.string(),
  name: z.string(),
  redirectUris: z.array(z.string()),
  confidential: z.boolean(),
  source: z.literal('dcr'),
  trusted: z.literal(false),
  clientUri: z.string().optional(),
  logoUri: z.string().optional(),
  secretHash: z.string().optional(),
});

/** RFC 7591 registration request: lenient, as real clients send all sorts (mcp-auth.md §7). */
const registrationRequest = z.looseObject({
  redirect_uris: z
    .array(z.string())
    .min(1, 'must list at least one redirect URI')
    .max(50, 'lists more than 50 redirect URIs'),
  token_endpoint_auth_method: z.string().optional(),
  client_name: z.string().trim().max(200).optional(),
  client_uri: z.string().max(2000).optional(),
  logo_uri: z.string().max(2000).optional(),
  grant_types: z.array(z.string()).optional(),
  response_types: z.array(z.string()).optional(),
  scope: z.string().optional(),
});

export interface Registration {
  readonly client: OAuthClient;
  /** Only for confidential clients, shown once. */
  readonly secret?: string;
  readonly authMethod: 'none' | 'client_secret_basic' | 'client_secret_post';
  readonly issuedAt: number;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function httpsUrlOrUndefined(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return new URL(value).protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resolves client ids of every kind: pre-registered (configuration), the tenant's own Docebo app id (for clients
 * set up the old way with Docebo's credentials), dynamically registered (RFC 7591, kept in the state store and
 * forgotten when unused), and CIMD URLs (fetched and cached).
 */
@Injectable()
export class ClientRegistry {
  private readonly registrationTtl: number;
  /** Configured clients per tenant, secrets hashed once at boot. */
  private readonly configured = new Map<string, Map<string, StoredClient>>();

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly cimd: CimdFetcher,
    @InjectConfig() { config }: GatewayConfigNamespace,
  ) {
    this.registrationTtl = config.oauth.registrationTtl;
    for (const [tenantId, tenant] of Object.entries(config.tenants)) {
      const clients = new Map<string, StoredClient>();
      const docebo = tenant.docebo;
      clients.set(docebo.clientId, {
        clientId: docebo.clientId,
        name: `${tenant.displayName ?? `Docebo (${tenantId})`} app`,
        redirectUris: tenant.oauth.doceboAppRedirectUris ?? DOCEBO_APP_DEFAULT_REDIRECTS,
        confidential: true,
        source: 'docebo-app',
        trusted: false,
        secretHash: sha256(docebo.clientSecret),
      });
      for (const c of tenant.preRegisteredClients) {
        clients.set(c.clientId, {
          clientId: c.clientId,
          name: c.name ?? c.clientId,
          redirectUris: c.redirectUris,
          confidential: c.clientSecret !== undefined,
          source: 'preregistered',
          trusted: c.trusted,
          secretHash: c.clientSecret === undefined ? undefined : sha256(c.clientSecret),
        });
      }
      this.configured.set(tenantId, clients);
    }
  }

  /**
   * The client with this id, or undefined when there is none. A CIMD client whose document cannot be used throws
   * CimdError with the reason.
   */
  async find(tenant: Tenant, clientId: string): Promise<OAuthClient | undefined> {
    const configured = this.configured.get(tenant.id)?.get(clientId);
    if (configured) return strip(configured);
    if (isCimdClientId(clientId)) {
      const doc = await this.cimd.fetch(clientId);
      return { ...doc, confidential: false, source: 'cimd', trusted: false };
    }
    const stored = await this.findStored(tenant, clientId);
    return stored && strip(stored);
  }

  /** Checks a presented secret in constant time; false for public clients and unknown ids. */
  async verifySecret(tenant: Tenant, clientId: string, secret: string): Promise<boolean> {
    const client = this.configured.get(tenant.id)?.get(clientId) ?? (await this.findStored(tenant, clientId));
    if (!client?.secretHash) return false;
    return timingSafeEqual(Buffer.from(client.secretHash, 'hex'), Buffer.from(sha256(secret), 'hex'));
  }

  /** Registers a client (RFC 7591). Throws invalid_redirect_uri / invalid_client_metadata for bad requests. */
  async register(tenant: Tenant, body: unknown): Promise<Registration> {
    const parsed = registrationRequest.safeParse(body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.join('.') || 'body';
      throw field.startsWith('redirect_uris')
        ? invalidRedirectUri(`redirect_uris ${issue.message}`)
        : invalidClientMetadata(`${field}: ${issue.message}`);
    }
    const request = parsed.data;
    for (const uri of request.redirect_uris) {
      const problem = redirectUriProblem(uri);
      if (problem) throw invalidRedirectUri(`redirect URI ${JSON.stringify(uri.slice(0, 100))} ${problem}`);
    }
    const method = (request.token_endpoint_auth_method ??
      'client_secret_basic') as Registration['authMethod']; // RFC 7591 §2 default
    if (!['none', 'client_secret_basic', 'client_secret_post'].includes(method)) {
      throw invalidClientMetadata(
        `token_endpoint_auth_method "${method}" is not supported; use none, client_secret_basic or client_secret_post`,
      );
    }
    const confidential = method !== 'none';
    const secret = confidential ? randomBytes(32).toString('base64url') : undefined;
    const client: StoredClient = {
      clientId: `dcr_${randomBytes(16).toString('base64url')}`,
      name: request.client_name || 'Unnamed MCP client',
      redirectUris: [...new Set(request.redirect_uris)],
      confidential,
      source: 'dcr',
      trusted: false,
      clientUri: httpsUrlOrUndefined(request.client_uri),
      logoUri: httpsUrlOrUndefined(request.logo_uri),
      secretHash: secret && sha256(secret),
    };
    await this.store.set(this.key(tenant, client.clientId), JSON.stringify(client), this.registrationTtl);
    return { client: strip(client), secret, authMethod: method, issuedAt: Math.floor(Date.now() / 1000) };
  }

  /** Keeps a dynamically registered client alive: records expire only when unused for `registrationTtl`. */
  async touch(tenant: Tenant, client: OAuthClient): Promise<void> {
    if (client.source === 'dcr')
      await this.store.expire(this.key(tenant, client.clientId), this.registrationTtl);
  }

  private async findStored(tenant: Tenant, clientId: string): Promise<StoredClient | undefined> {
    if (!clientId.startsWith('dcr_') || clientId.length > 64) return undefined;
    const raw = await this.store.get(this.key(tenant, clientId));
    if (!raw) return undefined;
    const parsed = storedClient.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  private key(tenant: Tenant, clientId: string): string {
    return `client:${tenant.id}:${clientId}`;
  }
}

function strip(client: StoredClient): OAuthClient {
  const { secretHash: _secret, ...rest } = client;
  return rest;
}
