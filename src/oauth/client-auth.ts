import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Tenant } from '../tenancy';
import { CimdError } from './cimd.fetcher';
import { ClientRegistry, type OAuthClient } from './client-registry.service';
import { invalidClient, invalidRequest } from './oauth.errors';

interface BasicCredentials {
  id: string;
  secret: string;
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
export function parseBasic(header: string | undefined): BasicCredentials | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const unescape = (v: string) => {
    try {
      return decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      return v;
    }
  };
  return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
}

/**
 * Authenticates the client at the token and revocation endpoints: `client_secret_basic`, `client_secret_post`,
 * or `none` (a public client names itself and proves possession with PKCE). Confidential clients may use either
 * secret method whatever they registered (claude.ai uses post even when metadata prefers Basic). Unknown
 * clients and bad secrets get 401 invalid_client, which makes clients register again.
 */
@Injectable()
export class ClientAuthenticator {
  constructor(private readonly clients: ClientRegistry) {}

  async authenticate(tenant: Tenant, req: Request, body: Record<string, unknown>): Promise<OAuthClient> {
    const basic = parseBasic(req.headers.authorization);
    const triedBasic = /^Basic\s/i.test(req.headers.authorization ?? '');
    if (triedBasic && !basic) throw invalidClient('The Basic authorization header is malformed.', true);
    const bodyId = typeof body.client_id === 'string' ? body.client_id : undefined;
    const bodySecret = typeof body.client_secret === 'string' ? body.client_secret : undefined;
    if (basic && bodyId !== undefined && bodyId !== basic.id)
      throw invalidRequest('client_id in the body differs from the Basic credentials.');
    if (basic && bodySecret !== undefined)
      throw invalidRequest('Use one client authentication method, not both.');
    const clientId = basic?.id ?? bodyId;
    if (!clientId) throw invalidClient('The request does not identify the client (client_id).', triedBasic);

    let client: OAuthClient | undefined;
    try {
      client = await this.clients.find(tenant, clientId);
    } catch (e) {
      if (e instanceof CimdError) throw invalidClient(e.message, triedBasic);
      throw e;
    }
    if (!client) throw invalidClient('Unknown client; register again.', triedBasic);
    if (client.confidential) {
      const secret = basic?.secret ?? bodySecret;
      if (!secret || !(await this.clients.verifySecret(tenant, clientId, secret))) {
        throw invalidClient(
          secret ? 'The client secret is wrong.' : 'This client must authenticate with its secret.',
          triedBasic,
        );
      }
    }
    await this.clients.touch(tenant, client);
    return client;
  }
}
