import { randomBytes, webcrypto } from 'node:crypto';

/** One token encryption key: an id for the JWE `kid` header and 32 secret bytes (AES-256). */
export interface TokenKey {
  readonly kid: string;
  readonly secret: Uint8Array;
}

/** The key used when the configuration has none; one per process so every service in it agrees. */
let processKey: TokenKey | undefined;
function ephemeralKey(): TokenKey {
  // A random kid too: a token from an earlier process then fails as unknown_key, which says what happened.
  processKey ??= { kid: `ephemeral-${randomBytes(6).toString('hex')}`, secret: randomBytes(32) };
  return processKey;
}

/**
 * The token keys, newest first: the newest encrypts, every one decrypts (so a key can be rotated in ahead of the
 * old one and the old one removed once its tokens have expired). Keys are imported once as non-extractable
 * WebCrypto AES-GCM keys, so no operation pays for an import.
 */
export class KeyRing {
  /** True when no keys were configured and a random per-process key is in use. */
  readonly ephemeral: boolean;
  readonly currentKid: string;
  private readonly keys = new Map<string, Promise<webcrypto.CryptoKey>>();

  constructor(keys: readonly TokenKey[] | undefined) {
    this.ephemeral = !keys?.length;
    const ring = this.ephemeral ? [ephemeralKey()] : keys!;
    for (const { kid, secret } of ring) {
      if (secret.length !== 32) throw new RangeError(`token key "${kid}" must be 32 bytes`);
      if (this.keys.has(kid)) continue; // the newest of a duplicated kid wins
      this.keys.set(kid, webcrypto.subtle.importKey('raw', secret, 'AES-GCM', false, ['encrypt', 'decrypt']));
    }
    this.currentKid = ring[0].kid;
  }

  get kids(): string[] {
    return [...this.keys.keys()];
  }

  /** The key new tokens are encrypted with. */
  async current(): Promise<{ kid: string; key: webcrypto.CryptoKey }> {
    return { kid: this.currentKid, key: await this.keys.get(this.currentKid)! };
  }

  /** The key of `kid`, or undefined when this deployment does not hold it. */
  async get(kid: string): Promise<webcrypto.CryptoKey | undefined> {
    return this.keys.get(kid);
  }
}
