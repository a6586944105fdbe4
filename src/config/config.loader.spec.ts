import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, expandEnv, loadConfig, parseConfig } from './config.loader';

const dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const GOOD = `
publicUrl: https://{tenant}.mcp.example.com
trustProxy: 1
tokenKeys: \${GATEWAY_TOKEN_KEYS}
stateStore: \${STATE_STORE_URL:-memory}
tenants:
  acme:
    displayName: Acme Learning
    docebo:
      baseUrl: https://acme.docebosaas.com/
      clientId: mcp-gateway
      clientSecret: \${ACME_DOCEBO_CLIENT_SECRET}
      timeout: 5s
    oauth: { mode: proxy, accessTokenTtl: 2h }
    tools: { readOnly: true, toolsets: [courses, enrollments] }
    preRegisteredClients:
      - { clientId: claude, clientSecret: s3cret, redirectUris: [https://claude.ai/api/mcp/auth_callback] }
  beta:
    docebo: { baseUrl: sandbox, clientId: sandbox-client, clientSecret: sandbox-secret }
`;
const KEY = Buffer.alloc(32, 7).toString('base64');
const ENV = {
  GATEWAY_TOKEN_KEYS: `k2:${KEY},k1:${Buffer.alloc(32, 1).toString('base64')}`,
  ACME_DOCEBO_CLIENT_SECRET: 'shh',
};

function loadText(text: string, env: Record<string, string> = ENV) {
  return loadConfig({ ...env, GATEWAY_CONFIG: file(`c${Math.random()}.yaml`, text) });
}
function problem(text: string, env: Record<string, string> = ENV): string {
  try {
    loadText(text, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('configuration was accepted');
}
const withTenant = (docebo: string, extra = '') =>
  `publicUrl: https://mcp.example.com\ntenants:\n  acme:\n    docebo: { ${docebo} }\n${extra}`;

describe('configuration loading', () => {
  it('parses a good file, expanding ${VAR} and ${VAR:-default} and applying defaults', () => {
    const { config, demo, source } = loadText(GOOD);
    expect(demo).toBe(false);
    expect(source).toMatch(/\.yaml$/);
    expect(config.publicUrl).toBe('https://{tenant}.mcp.example.com');
    expect(config.trustProxy).toBe(1);
    expect(config.stateStore).toBe('memory');
    expect(config.tokenKeys?.map((k) => k.kid)).toEqual(['k2', 'k1']);
    expect(config.tokenKeys?.[0].secret.equals(Buffer.alloc(32, 7))).toBe(true);
    const acme = config.tenants.acme;
    expect(acme.docebo).toMatchObject({
      baseUrl: 'https://acme.docebosaas.com',
      clientSecret: 'shh',
      timeout: 5000,
    });
    expect(acme.docebo.retry).toEqual({ maxAttempts: 3, maxTotal: 20_000 });
    expect(acme.oauth).toMatchObject({ mode: 'proxy', accessTokenTtl: 7_200_000, refreshGrace: 30_000 });
    expect(acme.tools).toEqual({ readOnly: true, toolsets: ['courses', 'enrollments'] });
    expect(acme.preRegisteredClients[0]).toMatchObject({ clientId: 'claude', trusted: false });
    expect(config.tenants.beta.oauth.mode).toBe('proxy');
    expect(config.server).toMatchObject({ port: 3000, host: '127.0.0.1', bodyLimit: 1024 * 1024 });
  });

  it('uses the default from ${VAR:-default} only when the variable is unset or empty', () => {
    expect(loadText(GOOD, { ...ENV, STATE_STORE_URL: 'redis://127.0.0.1:6380' }).config.stateStore).toBe(
      'redis://127.0.0.1:6380',
    );
    expect(loadText(GOOD, { ...ENV, STATE_STORE_URL: '' }).config.stateStore).toBe('memory');
  });

  it('reads a secret from VAR_FILE when VAR is not set', () => {
    const secretFile = file('secret.txt', 'from-a-file\n');
    const env = { GATEWAY_TOKEN_KEYS: ENV.GATEWAY_TOKEN_KEYS, ACME_DOCEBO_CLIENT_SECRET_FILE: secretFile };
    expect(loadText(GOOD, env).config.tenants.acme.docebo.clientSecret).toBe('from-a-file');
  });

  it('names the file when a _FILE secret cannot be read', () => {
    const env = {
      GATEWAY_TOKEN_KEYS: ENV.GATEWAY_TOKEN_KEYS,
      ACME_DOCEBO_CLIENT_SECRET_FILE: '/nonexistent/secret',
    };
    expect(problem(GOOD, env)).toBe(
      'ACME_DOCEBO_CLIENT_SECRET_FILE: cannot read /nonexistent/secret (ENOENT)',
    );
  });

  it('names the key whose variable is missing', () => {
    expect(problem(GOOD, { GATEWAY_TOKEN_KEYS: ENV.GATEWAY_TOKEN_KEYS })).toBe(
      'tenants.acme.docebo.clientSecret: environment variable ACME_DOCEBO_CLIENT_SECRET is not set (nor ACME_DOCEBO_CLIENT_SECRET_FILE)',
    );
  });

  it('lets environment variables override keys: shortcuts and GATEWAY__path__to__key', () => {
    const { config } = loadText(GOOD, {
      ...ENV,
      PORT: '8080',
      HOST: '0.0.0.0',
      LOG_LEVEL: 'debug',
      GATEWAY__tenants__acme__tools__readOnly: 'false',
      GATEWAY__tenants__acme__docebo__concurrency: '4',
      GATEWAY__allowedOrigins: '[https://claude.ai]',
    });
    expect(config.server).toMatchObject({ port: 8080, host: '0.0.0.0' });
    expect(config.log.level).toBe('debug');
    expect(config.tenants.acme.tools.readOnly).toBe(false);
    expect(config.tenants.acme.docebo.concurrency).toBe(4);
    expect(config.allowedOrigins).toEqual(['https://claude.ai']);
  });

  it('expands values, never keys, and leaves text without placeholders alone', () => {
    expect(expandEnv({ '${A}': 'x ${A} $A ${B:-b}' }, { A: 'a' })).toEqual({ '${A}': 'x a $A b' });
  });

  describe('each kind of bad value stops the boot with the key and the problem', () => {
    it.each([
      [
        withTenant('baseUrl: http://acme.docebosaas.com, clientId: a, clientSecret: b'),
        'tenants.acme.docebo.baseUrl: must be an https URL (http only on loopback), or "sandbox" for the embedded emulator',
      ],
      [
        withTenant('baseUrl: not a url, clientId: a, clientSecret: b'),
        'tenants.acme.docebo.baseUrl: must be an https URL',
      ],
      [withTenant('baseUrl: sandbox, clientSecret: b'), 'tenants.acme.docebo.clientId: is required'],
      [
        withTenant('baseUrl: sandbox, clientId: "", clientSecret: b'),
        'tenants.acme.docebo.clientId: must not be empty',
      ],
      [
        withTenant('baseUrl: sandbox, clientId: a, clientSecret: b, timeout: soon'),
        'tenants.acme.docebo.timeout: must be a duration such as 30s, 10m, 24h or 14d',
      ],
      [
        withTenant('baseUrl: sandbox, clientId: a, clientSecret: b, concurrency: 0'),
        'tenants.acme.docebo.concurrency: must be an integer from 1 to 1000',
      ],
      [
        withTenant('baseUrl: sandbox, clientId: a, clientSecret: b, clientSecrett: c'),
        'tenants.acme.docebo.clientSecrett: unknown key',
      ],
      [
        withTenant('baseUrl: sandbox, clientId: a, clientSecret: b', '    oauth: { mode: magic }'),
        'tenants.acme.oauth.mode: Invalid option: expected one of "proxy"|"direct"',
      ],
      [
        withTenant('baseUrl: sandbox, clientId: a, clientSecret: b', '    oauth: { accessTokenTtl: 48h }'),
        'tenants.acme.oauth.accessTokenTtl: must be between 1m and 24h',
      ],
      [
        withTenant('baseUrl: sandbox, clientId: a, clientSecret: b', '    oauth: { longSessions: true }'),
        'tenants.acme.oauth.longSessions: needs a Redis state store',
      ],
      [
        withTenant(
          'baseUrl: sandbox, clientId: a, clientSecret: b',
          '    preRegisteredClients: [{ clientId: x, redirectUris: ["javascript:alert(1)"] }]',
        ),
        'tenants.acme.preRegisteredClients.0.redirectUris.0: must be an absolute URL without a fragment',
      ],
      ['publicUrl: ftp://x\ntenants: {}', 'publicUrl: must be an https URL (http only on loopback)'],
      [
        'publicUrl: https://mcp.example.com/{tenant}/x\ntenants: {}',
        'publicUrl: must end with /<prefix>/{tenant} in path mode',
      ],
      ['publicUrl: https://mcp.example.com\ntenants: {}', 'tenants: must define at least one tenant'],
      ['tenants: {}', 'publicUrl: is required'],
      [
        'publicUrl: https://mcp.example.com\nstateStore: postgres://x\ntenants: {}',
        'stateStore: must be "memory" or a redis:// or rediss:// URL',
      ],
      [
        'publicUrl: https://mcp.example.com\ntokenKeys: "k1:c2hvcnQ="\ntenants: {}',
        'tokenKeys: key "k1" must be 32 bytes of base64 (it has 5)',
      ],
      [
        'publicUrl: https://mcp.example.com\ntenants:\n  Bad_Name: { docebo: { baseUrl: sandbox, clientId: a, clientSecret: b } }',
        'tenants.Bad_Name: tenant names must be lowercase DNS labels',
      ],
      [
        'publicUrl: https://mcp.example.com\ntenants:\n  a: { docebo: { baseUrl: sandbox, clientId: a, clientSecret: b } }\n  b: { docebo: { baseUrl: sandbox, clientId: a, clientSecret: b } }',
        'publicUrl: must contain {tenant} (in the host or as the last path segment) to serve 2 tenants',
      ],
      ['publicUrl: [unclosed', 'not valid YAML at line 1'],
      ['- a list', 'must be a YAML mapping'],
    ])('%#: %s', (text, message) => {
      expect(problem(text, {})).toContain(message);
    });
  });

  it('reports every problem at once, one per line', () => {
    const lines = problem(withTenant('baseUrl: http://x, clientId: "", clientSecret: b')).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^tenants\.acme\.docebo\.baseUrl: /);
    expect(lines[1]).toBe('tenants.acme.docebo.clientId: must not be empty');
  });

  it('names a GATEWAY_CONFIG that cannot be read, and treats an empty one as unset', () => {
    expect(() => loadConfig({ GATEWAY_CONFIG: dir })).toThrow(
      new ConfigError(`${dir}: cannot read it (EISDIR)`),
    );
    expect(loadConfig({ GATEWAY_CONFIG: '' }, dir).demo).toBe(true);
  });

  it('refuses a GATEWAY_CONFIG that names no file', () => {
    expect(() => loadConfig({ GATEWAY_CONFIG: join(dir, 'missing.yaml') })).toThrow(
      /GATEWAY_CONFIG: no file at/,
    );
  });

  it('with no file at all, serves the demo tenant on localhost backed by the sandbox', () => {
    const { config, demo, source } = loadConfig({ PORT: '3555' }, dir);
    expect(demo).toBe(true);
    expect(source).toBe('built-in demo');
    expect(config.publicUrl).toBe('http://localhost:3555');
    expect(config.server.port).toBe(3555);
    expect(Object.keys(config.tenants)).toEqual(['demo']);
    expect(config.tenants.demo.docebo).toMatchObject({ baseUrl: 'sandbox', clientId: 'sandbox-client' });
    expect(config.tokenKeys).toBeUndefined();
  });

  it('parses the shipped example configuration', () => {
    const { config } = loadConfig({
      GATEWAY_CONFIG: join(__dirname, '../../config/gateway.example.yaml'),
      GATEWAY_TOKEN_KEYS: ENV.GATEWAY_TOKEN_KEYS,
      ACME_DOCEBO_CLIENT_SECRET: 'x',
      ACME_CLAUDE_CLIENT_SECRET: 'y',
    });
    expect(config.publicUrl).toBe('https://{tenant}.mcp.example.com');
    expect(Object.keys(config.tenants)).toEqual(['acme', 'demo']);
  });

  it('accepts http only for loopback hosts', () => {
    const ok = parseConfig({
      publicUrl: 'http://localhost:3000',
      tenants: { t: { docebo: { baseUrl: 'http://127.0.0.1:4000', clientId: 'a', clientSecret: 'b' } } },
    });
    expect(ok.tenants.t.docebo.baseUrl).toBe('http://127.0.0.1:4000');
  });
});
