import { transformFileSync } from '@swc/core';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** The sources a server under load needs: the app and the benchmark's own support code. */
const TREES = ['src', 'bench/support', 'test/support'];

/** The same transform as jest.config.js and @swc-node/register (legacy decorators with metadata, CommonJS). */
const SWC_OPTIONS = {
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: false,
} as const;

function* typescriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (/\.ts$/.test(entry.name) && !/\.(spec|e2e-spec|d)\.ts$/.test(entry.name)) yield path;
  }
}

/**
 * Compiles the server's TypeScript to JavaScript in a temp dir, so a server under load runs as in production
 * (plain `node` on compiled files): no in-process compiler inflating its memory (@swc-node/register alone adds
 * about 80 MiB of RSS) or its start. `node_modules` is linked, so packages resolve as from the repository.
 */
export function compileServer(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-build-'));
  for (const tree of TREES) {
    for (const file of typescriptFiles(join(ROOT, tree))) {
      const out = join(dir, relative(ROOT, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, transformFileSync(file, SWC_OPTIONS).code);
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
