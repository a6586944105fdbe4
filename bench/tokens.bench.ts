// Micro-benchmark of gateway access tokens: mint and verify, one at a time, on one core.
// Run: node -r @swc-node/register bench/tokens.bench.ts [iterations]
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { TokenService } from '../src/tokens/token.service';
import type { TokenAudience } from '../src/tokens/token.types';
import { saveResult } from './support/report';

const iterations = Number(process.argv[2] ?? 20_000);
const warmup = Math.min(2_000, iterations);

const audience: TokenAudience = {
  tenant: 'acme',
  issuer: 'https://acme.mcp.example.com',
  audience: 'https://acme.mcp.example.com/mcp',
};
// Two keys, as during a rotation: the newest encrypts, verification selects by kid.
const tokens = new TokenService({
  config: {
    tokenKeys: [
      { kid: 'k2', secret: randomBytes(32) },
      { kid: 'k1', secret: randomBytes(32) },
    ],
  },
});
const input = {
  tenant: 'acme',
  sub: '12345',
  clientId: 'a1b2c3d4-claude-connector',
  scopes: ['mcp:read', 'mcp:write'],
  grantId: randomBytes(16).toString('base64url'),
  // Docebo access tokens are 40-character hex strings.
  doceboToken: randomBytes(20).toString('hex'),
  doceboExpiresAt: Math.floor(Date.now() / 1000) + 3600,
};

interface Result {
  name: string;
  opsPerSecond: number;
  p50: number;
  p99: number;
}

async function measure(name: string, op: (i: number) => Promise<unknown>): Promise<Result> {
  for (let i = 0; i < warmup; i++) await op(i);
  const samples = new Float64Array(iterations);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await op(i);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const totalSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  samples.sort();
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { name, opsPerSecond: iterations / totalSeconds, p50: at(0.5), p99: at(0.99) };
}

async function main(): Promise<void> {
  const minted = await tokens.mintAccessToken(audience, input, { ttlSeconds: 3600 });
  const pool = await Promise.all(
    Array.from({ length: 256 }, () => tokens.mintAccessToken(audience, input, { ttlSeconds: 3600 })),
  );
  const results = [
    await measure('mintAccessToken', () => tokens.mintAccessToken(audience, input, { ttlSeconds: 3600 })),
    await measure('verifyAccessToken', (i) =>
      tokens.verifyAccessToken(audience, pool[i % pool.length].token),
    ),
  ];
  console.log(
    `node ${process.version}, ${iterations} iterations after ${warmup} warm-up, token length ${minted.token.length} chars`,
  );
  console.log('operation           ops/s     p50 µs   p99 µs');
  for (const r of results) {
    console.log(
      `${r.name.padEnd(18)} ${Math.round(r.opsPerSecond).toString().padStart(7)}  ${r.p50.toFixed(1).padStart(7)}  ${r.p99.toFixed(1).padStart(7)}`,
    );
  }
  saveResult({
    bench: 'tokens',
    node: process.version,
    iterations,
    warmup,
    tokenLength: minted.token.length,
    results,
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
