import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { gatewayConfigSchema, type GatewayConfig } from './config.schema';

/** A configuration problem; its message names the key and is fit to print as it is (no stack trace needed). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface LoadedConfig {
  config: GatewayConfig;
  /** Where the configuration came from: a file path, or "built-in demo" when there was none. */
  source: string;
  /** True when no file was found and the built-in single-tenant sandbox demo is running. */
  demo: boolean;
}

export const DEFAULT_CONFIG_PATH = 'config/gateway.yaml';

/**
 * The configuration used when there is no file at all: one tenant, `demo`, on http://localhost:PORT, whose
 * Docebo is the embedded sandbox. It goes through the same expansion and schema as a file.
 */
const DEMO_CONFIG = {
  publicUrl: 'http://localhost:${PORT:-3000}',
  // MCP Inspector's web UI, when it connects straight from the browser
  allowedOrigins: ['http://localhost:6274', 'http://127.0.0.1:6274'],
  tenants: {
    demo: {
      displayName: 'Docebo sandbox (demo)',
      docebo: { baseUrl: 'sandbox', clientId: 'sandbox-client', clientSecret: 'sandbox-secret' },
    },
  },
};

/**
 * Environment variables that override a key directly. Any key can also be set with GATEWAY__<path>, the path's
 * segments joined by "__" (e.g. GATEWAY__tenants__acme__docebo__clientSecret). Every variable may instead be given
 * as <NAME>_FILE, naming a file that holds the value (Kubernetes and Docker secrets).
 */
const ENV_SHORTCUTS: Record<string, string[]> = {
  PORT: ['server', 'port'],
  HOST: ['server', 'host'],
  PUBLIC_URL: ['publicUrl'],
  TRUST_PROXY: ['trustProxy'],
  LOG_LEVEL: ['log', 'level'],
  LOG_PRETTY: ['log', 'pretty'],
  STATE_STORE_URL: ['stateStore'],
  GATEWAY_TOKEN_KEYS: ['tokenKeys'],
  SHUTDOWN_TIMEOUT: ['server', 'shutdownTimeout'],
};

/** Reads NAME, or the file named by NAME_FILE (trailing newline removed); undefined when neither is set. */
export function readEnv(env: Env, name: string): string | undefined {
  if (env[name] !== undefined) return env[name];
  const file = env[`${name}_FILE`];
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new ConfigError(
      `${name}_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

// A default may itself contain the {tenant} placeholder: ${PUBLIC_URL:-https://{tenant}.example.com}
const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-((?:[^{}]|\{tenant\})*))?\}/g;

/** Expands ${VAR} and ${VAR:-default} in every string of a parsed YAML tree (values only, never keys). */
export function expandEnv(node: unknown, env: Env, path: string[] = []): unknown {
  if (typeof node === 'string') {
    return node.replace(PLACEHOLDER, (_, name: string, fallback: string | undefined) => {
      const value = readEnv(env, name);
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(
        `${formatPath(path)}: environment variable ${name} is not set (nor ${name}_FILE)`,
      );
    });
  }
  if (Array.isArray(node)) return node.map((item, i) => expandEnv(item, env, [...path, String(i)]));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, expandEnv(v, env, [...path, k])]));
  }
  return node;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/** Values from GATEWAY__a__b are YAML scalars or flow collections, so numbers, booleans and [lists] work. */
function parseEnvValue(raw: string): unknown {
  try {
    return parseYaml(raw);
  } catch {
    return raw;
  }
}

function applyEnvOverrides(tree: Record<string, unknown>, env: Env): void {
  for (const [name, path] of Object.entries(ENV_SHORTCUTS)) {
    const value = readEnv(env, name);
    if (value !== undefined && value !== '') setPath(tree, path, value);
  }
  for (const name of Object.keys(env)) {
    const base = name.endsWith('_FILE') ? name.slice(0, -5) : name;
    if (!base.startsWith('GATEWAY__') || (name !== base && env[base] !== undefined)) continue;
    const path = base.slice('GATEWAY__'.length).split('__').filter(Boolean);
    const value = readEnv(env, base);
    if (path.length && value !== undefined) setPath(tree, path, parseEnvValue(value));
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join('.') : '(root)';
}

/** One line per problem: "tenants.acme.docebo.baseUrl: must be an https URL". */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => `${formatPath([...issue.path, k])}: unknown key`).join('\n');
      }
      if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
        return `${formatPath(issue.path)}: is required`;
      }
      return `${formatPath(issue.path)}: ${issue.message}`;
    })
    .join('\n');
}

/** Validates an already expanded configuration tree. */
export function parseConfig(tree: unknown): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(tree);
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues));
  return result.data;
}

/**
 * Loads the configuration: the YAML file at GATEWAY_CONFIG (default config/gateway.yaml) or, when there is no file
 * at all, the built-in demo; then ${VAR} expansion, then environment overrides, then the schema.
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): LoadedConfig {
  const explicit = env.GATEWAY_CONFIG || undefined; // set but empty counts as unset
  const path = resolve(cwd, explicit ?? DEFAULT_CONFIG_PATH);
  let raw: unknown;
  let demo = false;
  if (existsSync(path)) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigError(`${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      raw = parseYaml(text);
    } catch (e) {
      const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : '';
      throw new ConfigError(`${path}: not valid YAML${where}`);
    }
    if (raw === null || raw === undefined) raw = {};
    if (typeof raw !== 'object' || Array.isArray(raw))
      throw new ConfigError(`${path}: must be a YAML mapping`);
  } else if (explicit) {
    throw new ConfigError(`GATEWAY_CONFIG: no file at ${path}`);
  } else {
    raw = structuredClone(DEMO_CONFIG);
    demo = true;
  }
  const tree = expandEnv(raw, env) as Record<string, unknown>;
  applyEnvOverrides(tree, env);
  return { config: parseConfig(tree), source: demo ? 'built-in demo' : path, demo };
}
