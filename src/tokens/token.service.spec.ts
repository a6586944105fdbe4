import { Logger } from '@nestjs/common';
import { CompactEncrypt, decodeProtectedHeader } from 'jose';
import type { Clock } from './clock';
import type { TokenKey } from './key-ring';
import { CLOCK_TOLERANCE_SECONDS, TokenService } from './token.service';
import {
  type AccessTokenInput,
  type RefreshTokenInput,
  type TokenAudience,
  TokenError,
  type TokenFailure,
  TokenMintError,
} from './token.types';

class TestClock implements Clock {
  ms = Date.UTC(2026, 0, 15, 12, 0, 0);
  now(): number {
    return this.ms;
  }
  get seconds(): number {
    return Math.floor(this.ms / 1000);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

const key = (kid: string, fill: number): TokenKey => ({ kid, secret: Buffer.alloc(32, fill) });
const K1 = key('k1', 1);
const K2 = key('k2', 2);

const ACME: TokenAudience = {
  tenant: 'acme',
  issuer: 'https://acme.mcp.example.com',
  audience: 'https://acme.mcp.example.com/mcp',
};
const BETA: TokenAudience = {
  tenant: 'beta',
  issuer: 'https://beta.mcp.example.com',
  audience: 'https://beta.mcp.example.com/mcp',
};
const DOCEBO_TOKEN = 'docebo-access-7f3a9c1e5b2d4f6a8c0e';

let clock: TestClock;
function service(keys: TokenKey[] = [K1]): TokenService {
  return new TokenService({ config: { tokenKeys: keys } }, clock);
}
/** A service for a configuration without tokenKeys. */
function keylessService(): TokenService {
  return new TokenService({ config: { tokenKeys: undefined } }, clock);
}
function accessInput(overrides: Partial<AccessTokenInput> = {}): AccessTokenInput {
  return {
    tenant: 'acme',
    sub: '12345',
    clientId: 'client-abc',
    scopes: ['mcp:read', 'mcp:write'],
    grantId: 'grant-1',
    doceboToken: DOCEBO_TOKEN,
    doceboExpiresAt: clock.seconds + 3600,
    ...overrides,
  };
}
function refreshInput(overrides: Partial<RefreshTokenInput> = {}): RefreshTokenInput {
  return {
    tenant: 'acme',
    sub: '12345',
    clientId: 'client-abc',
    scopes: ['mcp:read'],
    grantId: 'grant-1',
    generation: 3,
    doceboRefreshToken: 'docebo-refresh-0a1b2c3d4e5f',
    resource: ACME.audience,
    ...overrides,
  };
}

/** The TokenError a promise rejects with (fails the test when it resolves or throws something else). */
async function failure(promise: Promise<unknown>): Promise<TokenError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a TokenError, but the call succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenError);
  return error as TokenError;
}
async function reason(promise: Promise<unknown>): Promise<TokenFailure> {
  return (await failure(promise)).reason;
}

/** Changes one character in the middle of segment `index` of a compact JWE. */
function tamper(token: string, index: number): string {
  const parts = token.split('.');
  const segment = parts[index];
  const at = Math.floor(segment.length / 2);
  parts[index] = segment.slice(0, at) + (segment[at] === 'A' ? 'B' : 'A') + segment.slice(at + 1);
  return parts.join('.');
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeEach(() => {
  clock = new TestClock();
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('TokenService access tokens', () => {
  it('round-trips: verify returns exactly the claims mint reported', async () => {
    const tokens = service();
    const minted = await tokens.mintAccessToken(ACME, accessInput(), { ttlSeconds: 3600 });
    expect(minted.claims).toMatchObject({ ...accessInput(), iat: clock.seconds, exp: clock.seconds + 3600 });
    expect(minted.claims.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(minted.expiresIn).toBe(3600);
    expect(await tokens.verifyAccessToken(ACME, minted.token)).toEqual(minted.claims);
  });

  it('is a compact JWE (dir, A256GCM) with kid and type in the header, and hides the Docebo token', async () => {
    const { token } = await service().mintAccessToken(ACME, accessInput(), { ttlSeconds: 3600 });
    expect(token.split('.')).toHaveLength(5);
    expect(token.split('.')[1]).toBe(''); // dir: no encrypted key
    expect(decodeProtectedHeader(token)).toEqual({
      alg: 'dir',
      enc: 'A256GCM',
      kid: 'k1',
      typ: 'dmg-at+jwt',
    });
    const visible = token
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
      .join('\n');
    for (const secret of [DOCEBO_TOKEN, '12345', 'client-abc', 'grant-1'])
      expect(visible).not.toContain(secret);
  });

  it('gives every token its own jti', async () => {
    const tokens = service();
    const jtis = new Set<string>();
    for (let i = 0; i < 20; i++) {
      jtis.add((await tokens.mintAccessToken(ACME, accessInput(), { ttlSeconds: 60 })).claims.jti);
    }
    expect(jtis.size).toBe(20);
  });

  it('keeps an empty scope list empty', async () => {
    const tokens = service();
    const { token } = await tokens.mintAccessToken(ACME, accessInput({ scopes: [] }), { ttlSeconds: 60 });
    expect((await tokens.verifyAccessToken(ACME, token)).scopes).toEqual([]);
  });

  describe('lifetime', () => {
    it('is capped at the remaining life of the Docebo token inside', async () => {
      const minted = await service().mintAccessToken(
        ACME,
        accessInput({ doceboExpiresAt: clock.seconds + 600 }),
        { ttlSeconds: 3600 },
      );
      expect(minted.expiresIn).toBe(600);
      expect(minted.claims.exp).toBe(clock.seconds + 600);
    });

    it('is the configured TTL when that is shorter than the Docebo token', async () => {
      const minted = await service().mintAccessToken(ACME, accessInput(), { ttlSeconds: 900 });
      expect(minted.expiresIn).toBe(900);
    });

    it('may outlive the Docebo token for long sessions (allowBeyondDocebo)', async () => {
      const minted = await service().mintAccessToken(
        ACME,
        accessInput({ doceboExpiresAt: clock.seconds - 10 }),
        { ttlSeconds: 86_400, allowBeyondDocebo: true },
      );
      expect(minted.expiresIn).toBe(86_400);
      expect(minted.claims.exp).toBe(clock.seconds + 86_400);
    });

    it('refuses to mint a token with no lifetime left', async () => {
      for (const doceboExpiresAt of [clock.seconds, clock.seconds - 60]) {
        await expect(
          service().mintAccessToken(ACME, accessInput({ doceboExpiresAt }), { ttlSeconds: 3600 }),
        ).rejects.toThrow(
          new TokenMintError(
            'refusing to mint an access token with no lifetime: the Docebo token inside has expired',
          ),
        );
      }
      await expect(service().mintAccessToken(ACME, accessInput(), { ttlSeconds: 0 })).rejects.toBeInstanceOf(
        TokenMintError,
      );
    });
  });

  it('refuses to mint for a tenant other than the audience’s, or with a scope that is not a scope-token', async () => {
    await expect(service().mintAccessToken(BETA, accessInput(), { ttlSeconds: 60 })).rejects.toBeInstanceOf(
      TokenMintError,
    );
    for (const scopes of [['two words'], [''], ['quote"']]) {
      await expect(
        service().mintAccessToken(ACME, accessInput({ scopes }), { ttlSeconds: 60 }),
      ).rejects.toBeInstanceOf(TokenMintError);
    }
  });

  describe('expiry', () => {
    it('accepts a token until exp (plus the clock tolerance), then refuses it as expired', async () => {
      const tokens = service();
      const { token } = await tokens.mintAccessToken(ACME, accessInput(), { ttlSeconds: 600 });
      clock.advance(599);
      await expect(tokens.verifyAccessToken(ACME, token)).resolves.toMatchObject({ sub: '12345' });
      clock.advance(1 + CLOCK_TOLERANCE_SECONDS - 1);
      await expect(tokens.verifyAccessToken(ACME, token)).resolves.toMatchObject({ sub: '12345' });
      clock.advance(1);
      expect(await reason(tokens.verifyAccessToken(ACME, token))).toBe('expired');
    });
  });

  describe('tenant binding', () => {
    it('refuses a token of tenant A presented to tenant B', async () => {
      const tokens = service();
      const { token } = await tokens.mintAccessToken(ACME, accessInput(), { ttlSeconds: 60 });
      expect(await reason(tokens.verifyAccessToken(BETA, token))).toBe('wrong_tenant');
    });

    it('refuses a token whose audience, issuer or tenant name alone differs', async () => {
      const tokens = service();
      const { token } = await tokens.mintAccessToken(ACME, accessInput(), { ttlSeconds: 60 });
      for (const aud of [
        { ...ACME, audience: 'https://acme.mcp.example.com/other' },
        { ...ACME, issuer: 'https://evil.example.com' },
        { ...ACME, tenant: 'acme2' },
      ]) {
        expect(await reason(tokens.verifyAccessToken(aud, token))).toBe('wrong_tenant');
      }
    });
  });

  describe('malformed input', () => {
    it('refuses tampered ciphertext, tag, IV or header', async () => {
      const tokens = service();
      const { token } = await tokens.mintAccessToken(ACME, accessInput(), { ttlSeconds: 60 });
      for (const part of [0, 2, 3, 4]) {
        expect(await reason(tokens.verifyAccessToken(ACME, tamper(token, part)))).toBe('malformed');
      }
      // A rewritten header that still names a held key (and our type) fails authentication.
      const [, ...rest] = token.split('.');
      const rewritten = [
        b64({ alg: 'dir', enc: 'A256GCM', kid: 'k1', typ: 'dmg-at+jwt', x: 1 }),
        ...rest,
      ].join('.');
      expect(await reason(tokens.verifyAccessToken(ACME, rewritten))).toBe('malformed');
    });

    it('refuses garbage, other JOSE objects and oversized input', async () => {
      const tokens = service();
      const jws = `${b64({ alg: 'HS256', kid: 'k1' })}.${b64({ sub: 'x' })}.c2ln`;
      const noKid = `${b64({ alg: 'dir', enc: 'A256GCM' })}..aXY.Y3Q.dGFn`;
      const otherAlg = `${b64({ alg: 'A256KW', enc: 'A256GCM', kid: 'k1' })}.a2V5.aXY.Y3Q.dGFn`;
      for (const bad of ['', 'garbage', 'a.b.c.d.e', '....', jws, noKid, otherAlg, 'x'.repeat(20_000)]) {
        expect(await reason(tokens.verifyAccessToken(ACME, bad))).toBe('malformed');
      }
    });

    it('refuses a well-encrypted payload of the wrong shape', async () => {
      const tokens = service();
      const odd = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ iss: ACME.issuer })))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'k1', typ: 'dmg-at+jwt' })
        .encrypt(K1.secret);
      expect(await reason(tokens.verifyAccessToken(ACME, odd))).toBe('malformed');
      const untyped = await new CompactEncrypt(new TextEncoder().encode('{}'))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'k1' })
        .encrypt(K1.secret);
      expect(await reason(tokens.verifyAccessToken(ACME, untyped))).toBe('malformed');
    });
  });

  describe('key rotation', () => {
    it('verifies old tokens after a new key is prepended, and encrypts new ones with the newest key', async () => {
      const before = service([K1]);
      const old = await before.mintAccessToken(ACME, accessInput(), { ttlSeconds: 60 });
      const after = service([K2, K1]);
      expect(after.currentKid).toBe('k2');
      expect(await after.verifyAccessToken(ACME, old.token)).toEqual(old.claims);
      const fresh = await after.mintAccessToken(ACME, accessInput(), { ttlSeconds: 60 });
      expect(decodeProtectedHeader(fresh.token).kid).toBe('k2');
      // A replica still on the old ring does not hold k2 yet.
      expect(await reason(before.verifyAccessToken(ACME, fresh.token))).toBe('unknown_key');
    });

    it('refuses a token whose key has been removed as unknown_key', async () => {
      const { token } = await service([K2, K1]).mintAccessToken(ACME, accessInput(), { ttlSeconds: 60 });
      const retired = await service([K1]).mintAccessToken(ACME, accessInput(), { ttlSeconds: 60 });
      expect(await reason(service([K2]).verifyAccessToken(ACME, retired.token))).toBe('unknown_key');
      expect(await service([K2]).verifyAccessToken(ACME, token)).toMatchObject({ sub: '12345' });
    });

    it('refuses a token whose kid names a different secret as malformed', async () => {
      const { token } = await service([K1]).mintAccessToken(ACME, accessInput(), { ttlSeconds: 60 });
      expect(await reason(service([key('k1', 9)]).verifyAccessToken(ACME, token))).toBe('malformed');
    });
  });

  describe('without configured keys', () => {
    it('uses one random key per process and warns once per service', async () => {
      const warn = jest.mocked(Logger.prototype.warn);
      const a = keylessService();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(
        /will not survive a restart and replicas will not share them/,
      );
      expect(a.currentKid).toMatch(/^ephemeral-[0-9a-f]{12}$/);
      const b = keylessService();
      expect(b.currentKid).toBe(a.currentKid);
      const { token, claims } = await a.mintAccessToken(ACME, accessInput(), { ttlSeconds: 60 });
      expect(await b.verifyAccessToken(ACME, token)).toEqual(claims);
      // A deployment with real keys does not hold the ephemeral one.
      expect(await reason(service([K1]).verifyAccessToken(ACME, token))).toBe('unknown_key');
    });

    it('does not warn when keys are configured', () => {
      service([K1]);
      expect(Logger.prototype.warn).not.toHaveBeenCalled();
    });
  });
});

describe('TokenService refresh tokens', () => {
  it('round-trips with generation and the Docebo refresh token', async () => {
    const tokens = service();
    const minted = await tokens.mintRefreshToken(ACME, refreshInput(), 14 * 86_400);
    expect(minted.expiresIn).toBe(14 * 86_400);
    expect(minted.claims).toMatchObject({ ...refreshInput(), exp: clock.seconds + 14 * 86_400 });
    expect(await tokens.verifyRefreshToken(ACME, minted.token)).toEqual(minted.claims);
    expect(decodeProtectedHeader(minted.token).typ).toBe('dmg-rt+jwt');
  });

  it('round-trips without a Docebo refresh token', async () => {
    const tokens = service();
    const minted = await tokens.mintRefreshToken(ACME, refreshInput({ doceboRefreshToken: undefined }), 3600);
    const claims = await tokens.verifyRefreshToken(ACME, minted.token);
    expect(claims).not.toHaveProperty('doceboRefreshToken');
    expect(claims).toEqual(minted.claims);
  });

  it('is refused when expired, for another tenant, or when tampered', async () => {
    const tokens = service();
    const { token } = await tokens.mintRefreshToken(ACME, refreshInput(), 3600);
    expect(await reason(tokens.verifyRefreshToken(BETA, token))).toBe('wrong_tenant');
    expect(await reason(tokens.verifyRefreshToken(ACME, tamper(token, 3)))).toBe('malformed');
    clock.advance(3600 + CLOCK_TOLERANCE_SECONDS);
    expect(await reason(tokens.verifyRefreshToken(ACME, token))).toBe('expired');
  });

  it('refuses a negative generation at mint time', async () => {
    await expect(
      service().mintRefreshToken(ACME, refreshInput({ generation: -1 }), 60),
    ).rejects.toBeInstanceOf(TokenMintError);
  });
});

describe('TokenService token types', () => {
  it('never accepts one kind of token as another', async () => {
    const tokens = service();
    const access = (await tokens.mintAccessToken(ACME, accessInput(), { ttlSeconds: 60 })).token;
    const refresh = (await tokens.mintRefreshToken(ACME, refreshInput(), 60)).token;
    const sealed = await tokens.seal('anything', { a: 1 }, 60);
    expect(await reason(tokens.verifyAccessToken(ACME, refresh))).toBe('wrong_type');
    expect(await reason(tokens.verifyAccessToken(ACME, sealed))).toBe('wrong_type');
    expect(await reason(tokens.verifyRefreshToken(ACME, access))).toBe('wrong_type');
    expect(await reason(tokens.verifyRefreshToken(ACME, sealed))).toBe('wrong_type');
    expect(await reason(tokens.unseal('anything', access))).toBe('wrong_type');
    expect(await reason(tokens.unseal('anything', refresh))).toBe('wrong_type');
    expect((await failure(tokens.verifyAccessToken(ACME, refresh))).message).toBe(
      'expected an access token, got a refresh token',
    );
  });
});

describe('TokenService seal and unseal', () => {
  it('round-trips JSON data, unicode included', async () => {
    const tokens = service();
    const data = { access_token: 'tok', refresh_token: 'ref', expires_at: 1_900_000_000, note: 'Grüße 🚀' };
    const sealed = await tokens.seal('docebo-tokens:grant-1', data, 3600);
    expect(sealed).not.toContain('tok');
    expect(await tokens.unseal<typeof data>('docebo-tokens:grant-1', sealed)).toEqual(data);
  });

  it('binds the purpose: a value sealed for one purpose is refused for another', async () => {
    const tokens = service();
    const sealed = await tokens.seal('docebo-tokens:grant-1', 'secret', 3600);
    expect(await reason(tokens.unseal('docebo-tokens:grant-2', sealed))).toBe('wrong_type');
    expect(await reason(tokens.unseal('consent-cookie', sealed))).toBe('wrong_type');
  });

  it('enforces expiry', async () => {
    const tokens = service();
    const sealed = await tokens.seal('cookie', { ok: true }, 60);
    clock.advance(59);
    expect(await tokens.unseal('cookie', sealed)).toEqual({ ok: true });
    clock.advance(1 + CLOCK_TOLERANCE_SECONDS);
    expect(await reason(tokens.unseal('cookie', sealed))).toBe('expired');
  });

  it('refuses tampered values and values from keys no longer held', async () => {
    const sealed = await service([K1]).seal('cookie', 'v', 60);
    expect(await reason(service([K1]).unseal('cookie', tamper(sealed, 3)))).toBe('malformed');
    expect(await reason(service([K2]).unseal('cookie', sealed))).toBe('unknown_key');
    expect(await service([K2, K1]).unseal('cookie', sealed)).toBe('v');
  });
});

describe('TokenService errors', () => {
  it('never puts token text into a message or onto the error', async () => {
    const tokens = service();
    const access = (await tokens.mintAccessToken(ACME, accessInput(), { ttlSeconds: 60 })).token;
    const refresh = (await tokens.mintRefreshToken(ACME, refreshInput(), 60)).token;
    const sealed = await tokens.seal('p', 'v', 60);
    // Thunks, run one at a time in order (the last one moves the clock past every expiry).
    const cases: [() => Promise<unknown>, string][] = [
      [() => tokens.verifyAccessToken(ACME, tamper(access, 3)), tamper(access, 3)],
      [() => tokens.verifyAccessToken(BETA, access), access],
      [() => tokens.verifyAccessToken(ACME, refresh), refresh],
      [() => service([K2]).verifyAccessToken(ACME, access), access],
      [() => tokens.verifyRefreshToken(ACME, access), access],
      [() => tokens.unseal('q', sealed), sealed],
      [() => tokens.verifyAccessToken(ACME, 'not-a-token-but-secret-text'), 'not-a-token-but-secret-text'],
      [
        () => {
          clock.advance(3600);
          return tokens.verifyAccessToken(ACME, access);
        },
        access,
      ],
    ];
    const reasons = new Set<string>();
    for (const [call, token] of cases) {
      const error = await failure(call());
      reasons.add(error.reason);
      const everything = `${error.message}\n${error.stack}\n${JSON.stringify(error)}`;
      for (const part of token.split('.').filter((p) => p.length >= 8))
        expect(everything).not.toContain(part);
      expect(everything).not.toContain('secret-text');
      expect(everything).not.toContain(DOCEBO_TOKEN);
      expect(Object.keys(error).sort()).toEqual(['name', 'reason']);
    }
    expect([...reasons].sort()).toEqual([
      'expired',
      'malformed',
      'unknown_key',
      'wrong_tenant',
      'wrong_type',
    ]);
  });
});
