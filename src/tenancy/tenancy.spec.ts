import { parseConfig, type GatewayConfigInput, type LoadedConfig } from '../config';
import { normalizeHost, PublicUrlPattern } from './public-url';
import { TenantRegistry } from './tenant-registry.service';
import { TenantResolver } from './tenant-resolver';

const docebo = { baseUrl: 'sandbox', clientId: 'a', clientSecret: 'b' };
function resolverFor(publicUrl: string, extra: Partial<GatewayConfigInput> = {}, tenants = ['acme', 'beta']) {
  const config = parseConfig({
    publicUrl,
    tenants: Object.fromEntries(tenants.map((t) => [t, { docebo }])),
    ...extra,
  });
  const loaded: LoadedConfig = { config, source: 'test', demo: false };
  const registry = new TenantRegistry(loaded);
  return { registry, resolver: new TenantResolver(registry, loaded) };
}

describe('public URL derivation', () => {
  it('host mode: issuer at the origin root, path-inserted metadata URLs', () => {
    const urls = new PublicUrlPattern('https://{tenant}.mcp.example.com').urlsFor('acme');
    expect(urls).toEqual({
      origin: 'https://acme.mcp.example.com',
      basePath: '',
      issuer: 'https://acme.mcp.example.com',
      mcp: 'https://acme.mcp.example.com/mcp',
      protectedResourceMetadata: 'https://acme.mcp.example.com/.well-known/oauth-protected-resource/mcp',
      authorizationServerMetadata: 'https://acme.mcp.example.com/.well-known/oauth-authorization-server',
      authorize: 'https://acme.mcp.example.com/oauth2/authorize',
      token: 'https://acme.mcp.example.com/oauth2/token',
      register: 'https://acme.mcp.example.com/oauth2/register',
      revoke: 'https://acme.mcp.example.com/oauth2/revoke',
      callback: 'https://acme.mcp.example.com/oauth2/callback',
    });
  });

  it('path mode: issuer with the tenant path, metadata with the path inserted after .well-known', () => {
    const urls = new PublicUrlPattern('https://mcp.example.com:8443/t/{tenant}').urlsFor('acme');
    expect(urls.issuer).toBe('https://mcp.example.com:8443/t/acme');
    expect(urls.mcp).toBe('https://mcp.example.com:8443/t/acme/mcp');
    expect(urls.protectedResourceMetadata).toBe(
      'https://mcp.example.com:8443/.well-known/oauth-protected-resource/t/acme/mcp',
    );
    expect(urls.authorizationServerMetadata).toBe(
      'https://mcp.example.com:8443/.well-known/oauth-authorization-server/t/acme',
    );
    expect(urls.callback).toBe('https://mcp.example.com:8443/t/acme/oauth2/callback');
  });

  it('single mode: everything on the one origin', () => {
    const pattern = new PublicUrlPattern('http://localhost:3000');
    expect(pattern.mode).toBe('single');
    expect(pattern.urlsFor('demo').mcp).toBe('http://localhost:3000/mcp');
    expect(pattern.urlsFor('demo').issuer).toBe('http://localhost:3000');
  });

  it('normalizes hosts: case, default port, trailing dot', () => {
    expect(normalizeHost('Acme.MCP.Example.com.:443', 'https:')).toBe('acme.mcp.example.com');
    expect(normalizeHost('localhost:3000', 'http:')).toBe('localhost:3000');
    expect(normalizeHost('[::1]:80', 'http:')).toBe('[::1]');
  });
});

describe('tenant resolution', () => {
  describe('host mode', () => {
    const { resolver } = resolverFor('https://{tenant}.mcp.example.com');

    it('takes the tenant from the Host header and keeps the path', () => {
      const r = resolver.resolve({ host: 'acme.mcp.example.com' }, '/mcp?x=1');
      expect(r).toMatchObject({ kind: 'tenant', path: '/mcp?x=1' });
      expect(r.kind === 'tenant' && r.tenant.id).toBe('acme');
      expect(resolver.resolve({ host: 'BETA.mcp.example.com:443' }, '/mcp')).toMatchObject({
        kind: 'tenant',
      });
    });

    it('answers unknown-tenant for a well-formed host of no configured tenant', () => {
      expect(resolver.resolve({ host: 'zeta.mcp.example.com' }, '/mcp')).toEqual({
        kind: 'unknown-tenant',
        name: 'zeta',
      });
    });

    it('answers unknown-host for hosts outside the pattern, nested labels included', () => {
      expect(resolver.resolve({ host: 'example.org' }, '/mcp')).toEqual({
        kind: 'unknown-host',
        host: 'example.org',
      });
      expect(resolver.resolve({ host: 'a.acme.mcp.example.com' }, '/mcp').kind).toBe('unknown-host');
      expect(resolver.resolve({ host: 'mcp.example.com' }, '/mcp').kind).toBe('unknown-host');
      expect(resolver.resolve({}, '/mcp').kind).toBe('unknown-host');
    });

    it('ignores X-Forwarded-Host unless trustProxy is configured', () => {
      const forwarded = { host: 'gateway.internal:3000', forwardedHost: 'acme.mcp.example.com' };
      expect(resolver.resolve(forwarded, '/mcp').kind).toBe('unknown-host');
      const trusting = resolverFor('https://{tenant}.mcp.example.com', { trustProxy: true }).resolver;
      const r = trusting.resolve(forwarded, '/mcp');
      expect(r.kind === 'tenant' && r.tenant.id).toBe('acme');
      // the first (client-facing) value of a list wins
      const listed = trusting.resolve(
        { ...forwarded, forwardedHost: 'beta.mcp.example.com, proxy.local' },
        '/mcp',
      );
      expect(listed.kind === 'tenant' && listed.tenant.id).toBe('beta');
    });
  });

  describe('path mode', () => {
    const { resolver } = resolverFor('https://mcp.example.com/t/{tenant}');

    it.each([
      ['/t/acme/mcp', '/mcp'],
      ['/t/acme/oauth2/authorize?client_id=x', '/oauth2/authorize?client_id=x'],
      ['/t/acme', '/'],
      ['/.well-known/oauth-protected-resource/t/acme/mcp', '/.well-known/oauth-protected-resource/mcp'],
      ['/.well-known/oauth-authorization-server/t/acme', '/.well-known/oauth-authorization-server'],
      ['/.well-known/openid-configuration/t/acme', '/.well-known/openid-configuration'],
      ['/t/acme/.well-known/openid-configuration', '/.well-known/openid-configuration'],
    ])('%s → tenant acme, path %s', (url, path) => {
      const r = resolver.resolve({ host: 'mcp.example.com' }, url);
      expect(r).toMatchObject({ kind: 'tenant', path });
      expect(r.kind === 'tenant' && r.tenant.id).toBe('acme');
    });

    it('answers unknown-tenant for an unconfigured tenant segment', () => {
      expect(resolver.resolve({ host: 'mcp.example.com' }, '/t/zeta/mcp')).toEqual({
        kind: 'unknown-tenant',
        name: 'zeta',
      });
    });

    it('answers unknown-host for paths without a tenant and for other hosts', () => {
      expect(resolver.resolve({ host: 'mcp.example.com' }, '/mcp').kind).toBe('unknown-host');
      expect(
        resolver.resolve({ host: 'mcp.example.com' }, '/.well-known/oauth-protected-resource').kind,
      ).toBe('unknown-host');
      expect(resolver.resolve({ host: 'evil.example.com' }, '/t/acme/mcp').kind).toBe('unknown-host');
    });
  });

  describe('single mode', () => {
    const { resolver } = resolverFor('http://localhost:3000', {}, ['demo']);

    it('serves the one tenant at its own host, any path', () => {
      const r = resolver.resolve({ host: 'localhost:3000' }, '/.well-known/oauth-protected-resource');
      expect(r.kind === 'tenant' && r.tenant.id).toBe('demo');
    });

    it('refuses another Host (a DNS-rebinding page, or a URL that would not match the resource)', () => {
      expect(resolver.resolve({ host: 'evil.example:3000' }, '/mcp').kind).toBe('unknown-host');
      expect(resolver.resolve({ host: '127.0.0.1:3000' }, '/mcp').kind).toBe('unknown-host');
    });
  });

  it('leaves health, metrics and the sandbox outside any tenant', () => {
    const { resolver } = resolverFor('https://{tenant}.mcp.example.com');
    for (const url of ['/health/live', '/health/ready', '/metrics', '/__sandbox/acme/oauth2/authorize']) {
      expect(resolver.resolve({ host: 'whatever' }, url)).toEqual({ kind: 'untenanted' });
    }
    expect(resolver.resolve({ host: 'whatever' }, '/metricsx').kind).toBe('unknown-host');
  });

  it('registry derives each tenant URL set once, from the same pattern', () => {
    const { registry } = resolverFor('https://{tenant}.mcp.example.com');
    expect(registry.get('acme')?.urls.mcp).toBe('https://acme.mcp.example.com/mcp');
    expect(registry.get('acme')?.displayName).toBe('Docebo (acme)');
    expect([...registry.origins()]).toEqual(['https://acme.mcp.example.com', 'https://beta.mcp.example.com']);
  });
});
