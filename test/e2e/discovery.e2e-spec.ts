import { request as httpRequest } from 'node:http';
import { startApp, type RunningApp } from '../support/app';
import { json } from '../support/json';

const docebo = { baseUrl: 'sandbox', clientId: 'sandbox-client', clientSecret: 'sandbox-secret' };

/** GET with an explicit Host header (fetch cannot set Host), for host-mode tenancy. */
function getWithHost(
  port: number,
  host: string,
  path: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('discovery metadata', () => {
  describe('single tenant at the origin root', () => {
    let gw: RunningApp;
    beforeAll(async () => {
      gw = await startApp({ tenants: { demo: { displayName: 'Demo Academy', docebo } } });
    });
    afterAll(() => gw.close());

    it('serves protected resource metadata at the path-inserted and the root location, identically', async () => {
      const inserted = await fetch(`${gw.url}/.well-known/oauth-protected-resource/mcp`);
      const root = await fetch(`${gw.url}/.well-known/oauth-protected-resource`);
      expect(inserted.status).toBe(200);
      expect(inserted.headers.get('access-control-allow-origin')).toBe('*');
      const prm = await json(inserted);
      expect(prm).toEqual({
        resource: `${gw.url}/mcp`,
        authorization_servers: [gw.url],
        scopes_supported: ['docebo.read', 'docebo.write'],
        bearer_methods_supported: ['header'],
        resource_name: 'Demo Academy',
        resource_documentation: `${gw.url}/`,
      });
      expect(await json(root)).toEqual(prm);
    });

    it('serves authorization server metadata whose issuer is byte-identical to authorization_servers[0]', async () => {
      const prm = await json(fetch(`${gw.url}/.well-known/oauth-protected-resource`));
      const res = await fetch(`${gw.url}/.well-known/oauth-authorization-server`);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const as = await json(res);
      expect(as.issuer).toBe(prm.authorization_servers[0]);
      expect(as).toMatchObject({
        authorization_endpoint: `${gw.url}/oauth2/authorize`,
        token_endpoint: `${gw.url}/oauth2/token`,
        registration_endpoint: `${gw.url}/oauth2/register`,
        revocation_endpoint: `${gw.url}/oauth2/revoke`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
        client_id_metadata_document_supported: true,
        authorization_response_iss_parameter_supported: true,
        scopes_supported: ['docebo.read', 'docebo.write', 'offline_access'],
      });
      const oidc = await json(fetch(`${gw.url}/.well-known/openid-configuration`));
      expect(oidc).toEqual(as);
    });

    it('answers CORS preflights for metadata, token and registration', async () => {
      for (const path of ['/.well-known/oauth-authorization-server', '/oauth2/token', '/oauth2/register']) {
        const res = await fetch(`${gw.url}${path}`, {
          method: 'OPTIONS',
          headers: {
            origin: 'http://localhost:6274',
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        });
        expect(res.status).toBe(204);
        expect(res.headers.get('access-control-allow-origin')).toBe('*');
        expect(res.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
      }
    });

    it('answers 404 JSON for other well-known documents', async () => {
      const res = await fetch(`${gw.url}/.well-known/oauth-protected-resource/other`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: 'not_found' });
    });
  });

  describe('path mode: issuers with a path, every discovery URL the SDK and the spec try', () => {
    let gw: RunningApp;
    beforeAll(async () => {
      gw = await startApp({
        publicUrl: 'http://127.0.0.1:{port}/t/{tenant}',
        tenants: { acme: { docebo }, beta: { docebo } },
      });
    });
    afterAll(() => gw.close());

    it.each(['acme', 'beta'])('tenant %s has its own resource, issuer and endpoints', async (t) => {
      const base = `${gw.url}/t/${t}`;
      const prm = await json(fetch(`${gw.url}/.well-known/oauth-protected-resource/t/${t}/mcp`));
      expect(prm.resource).toBe(`${base}/mcp`);
      expect(prm.authorization_servers).toEqual([base]);
      for (const path of [
        `/.well-known/oauth-authorization-server/t/${t}`,
        `/.well-known/openid-configuration/t/${t}`,
        `/t/${t}/.well-known/openid-configuration`,
      ]) {
        const as = await json(fetch(`${gw.url}${path}`));
        expect(as.issuer).toBe(base);
        expect(as.token_endpoint).toBe(`${base}/oauth2/token`);
      }
    });
  });

  describe('host mode', () => {
    let gw: RunningApp;
    beforeAll(async () => {
      gw = await startApp({
        publicUrl: 'http://{tenant}.localhost:{port}',
        tenants: { acme: { docebo }, beta: { docebo } },
      });
    });
    afterAll(() => gw.close());

    it('derives each tenant from the Host header, with the issuer at the origin root', async () => {
      for (const t of ['acme', 'beta']) {
        const host = `${t}.localhost:${gw.port}`;
        const prm = await getWithHost(gw.port, host, '/.well-known/oauth-protected-resource/mcp');
        expect(prm.json).toMatchObject({
          resource: `http://${host}/mcp`,
          authorization_servers: [`http://${host}`],
        });
        const as = await getWithHost(gw.port, host, '/.well-known/oauth-authorization-server');
        expect(as.json).toMatchObject({
          issuer: `http://${host}`,
          authorization_endpoint: `http://${host}/oauth2/authorize`,
        });
      }
      const unknown = await getWithHost(
        gw.port,
        `zeta.localhost:${gw.port}`,
        '/.well-known/oauth-authorization-server',
      );
      expect(unknown).toMatchObject({ status: 404, json: { error: 'unknown_tenant' } });
    });
  });

  describe('direct mode', () => {
    let gw: RunningApp;
    beforeAll(async () => {
      gw = await startApp({ tenants: { demo: { docebo, oauth: { mode: 'direct' } } } });
    });
    afterAll(() => gw.close());

    it("points authorization at Docebo's authorize endpoint and tokens at the gateway's relay, without DCR", async () => {
      const as = await json(fetch(`${gw.url}/.well-known/oauth-authorization-server`));
      expect(as.authorization_endpoint).toBe(`${gw.url}/__sandbox/demo/oauth2/authorize`);
      expect(as.token_endpoint).toBe(`${gw.url}/oauth2/token`);
      expect(as.registration_endpoint).toBeUndefined();
      expect(as.client_id_metadata_document_supported).toBeUndefined();
      const reg = await fetch(`${gw.url}/oauth2/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(reg.status).toBe(404);
    });
  });
});
