import { Injectable, Logger } from '@nestjs/common';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import * as ipaddr from 'ipaddr.js';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { InjectConfig, type GatewayConfigNamespace } from '../config';
import { redirectUriProblem } from './redirect-uri';

/** A client ID metadata document (draft-ietf-oauth-client-id-metadata-document), as far as the gateway uses it. */
export interface ClientMetadataDocument {
  readonly clientId: string;
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly clientUri?: string;
  readonly logoUri?: string;
}

/** Why a CIMD client could not be used; the message is shown on the error page (no redirect is trusted yet). */
export class CimdError extends Error {
  override readonly name = 'CimdError';
}

const documentSchema = z.looseObject({
  client_id: z.string(),
  client_name: z.string().trim().min(1).max(200).optional(),
  redirect_uris: z.array(z.string()).min(1).max(50),
  client_uri: z.string().url().optional(),
  logo_uri: z.string().url().optional(),
  token_endpoint_auth_method: z.string().optional(),
});

/** True for an https URL with a path, the only form a CIMD client_id may take. */
export function isCimdClientId(clientId: string): boolean {
  try {
    const url = new URL(clientId);
    return url.protocol === 'https:' && url.pathname !== '/' && !url.hash && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** Addresses a metadata fetch must never reach: loopback, private, link-local, multicast, reserved… */
export function isPublicAddress(address: string): boolean {
  try {
    let ip = ipaddr.parse(address);
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
      ip = (ip as ipaddr.IPv6).toIPv4Address();
    return ip.range() === 'unicast';
  } catch {
    return false;
  }
}

/**
 * Fetches and validates CIMD documents. SSRF guards: https only, the DNS answer is checked and the connection made
 * to the checked address (no rebinding between check and connect), no redirects, a timeout and a size cap.
 * Documents are cached per their Cache-Control max-age, bounded by `oauth.cimd.cacheTtl`.
 */
@Injectable()
export class CimdFetcher {
  private readonly logger = new Logger(CimdFetcher.name);
  private readonly cache: LRUCache<string, ClientMetadataDocument>;
  private readonly settings: GatewayConfigNamespace['config']['oauth']['cimd'];
  private readonly ca?: Buffer;

  constructor(@InjectConfig() { config }: GatewayConfigNamespace) {
    this.settings = config.oauth.cimd;
    this.cache = new LRUCache({ max: 1000, ttl: this.settings.cacheTtl });
    this.ca = this.settings.extraCaFile ? readFileSync(this.settings.extraCaFile) : undefined;
  }

  async fetch(clientId: string): Promise<ClientMetadataDocument> {
    const cached = this.cache.get(clientId);
    if (cached) return cached;
    const { body, maxAge } = await this.download(clientId);
    const document = this.validate(clientId, body);
    const ttl = Math.min(
      this.settings.cacheTtl,
      maxAge === undefined ? this.settings.cacheTtl : maxAge * 1000,
    );
    if (ttl > 0) this.cache.set(clientId, document, { ttl });
    return document;
  }

  private validate(clientId: string, body: string): ClientMetadataDocument {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new CimdError('The client metadata document is not JSON.');
    }
    const parsed = documentSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CimdError(
        `The client metadata document is invalid: ${issue.path.join('.') || 'document'} ${issue.message}.`,
      );
    }
    const doc = parsed.data;
    if (doc.client_id !== clientId) {
      throw new CimdError(
        'The client metadata document names a different client_id than the URL it was fetched from.',
      );
    }
    for (const uri of doc.redirect_uris) {
      const problem = redirectUriProblem(uri);
      if (problem) throw new CimdError(`The client metadata document lists a redirect URI that ${problem}.`);
    }
    if (doc.token_endpoint_auth_method && doc.token_endpoint_auth_method !== 'none') {
      throw new CimdError(
        `Client metadata documents must use token_endpoint_auth_method "none" here, not "${doc.token_endpoint_auth_method}".`,
      );
    }
    return {
      clientId,
      name: doc.client_name ?? new URL(clientId).host,
      redirectUris: doc.redirect_uris,
      clientUri: doc.client_uri,
      logoUri: doc.logo_uri,
    };
  }

  private download(clientId: string): Promise<{ body: string; maxAge?: number }> {
    const url = new URL(clientId);
    const allowPrivate = this.settings.dangerouslyAllowPrivateNetworks;
    const lookup: LookupFunction = (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
        if (err) return callback(err, '', 0);
        const usable = addresses.filter((a) => allowPrivate || isPublicAddress(a.address));
        if (!usable.length)
          return callback(
            new CimdError('The client metadata URL resolves to a private or reserved address.'),
            '',
            0,
          );
        if ((options as { all?: boolean }).all)
          return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
        callback(null, usable[0].address, usable[0].family);
      });
    };
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (ipaddr.isValid(literal) && !allowPrivate && !isPublicAddress(literal)) {
      return Promise.reject(
        new CimdError('The client metadata URL points at a private or reserved address.'),
      );
    }
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        url,
        {
          method: 'GET',
          headers: { accept: 'application/json' },
          lookup,
          timeout: this.settings.timeout,
          ...(this.ca ? { ca: this.ca } : {}),
        },
        (res: IncomingMessage) => {
          if (res.statusCode !== 200) {
            res.resume();
            const redirect = res.statusCode && res.statusCode >= 300 && res.statusCode < 400;
            return reject(
              new CimdError(
                redirect
                  ? 'The client metadata URL redirects; redirects are not followed.'
                  : `The client metadata URL answered HTTP ${res.statusCode}.`,
              ),
            );
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.settings.maxBytes) {
              req.destroy();
              reject(
                new CimdError(`The client metadata document is larger than ${this.settings.maxBytes} bytes.`),
              );
            } else chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({
              body: Buffer.concat(chunks).toString('utf8'),
              maxAge: maxAgeOf(res.headers['cache-control']),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new CimdError('The client metadata URL did not answer in time.')));
      req.on('error', (e) => {
        this.logger.warn(`CIMD fetch of ${url.origin}${url.pathname} failed: ${e.message}`);
        reject(e instanceof CimdError ? e : new CimdError('The client metadata URL could not be fetched.'));
      });
      req.end();
    });
  }
}

function maxAgeOf(cacheControl: string | undefined): number | undefined {
  if (!cacheControl) return undefined;
  if (/no-store|no-cache/i.test(cacheControl)) return 0;
  const m = /max-age=(\d+)/i.exec(cacheControl);
  return m ? Number(m[1]) : undefined;
}
