import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config.loader';
import { DEFAULT_STANDALONE_REDIRECT_URIS, loadSandboxStandaloneConfig } from './sandbox-standalone.config';

describe('standalone sandbox settings (npm run sandbox)', () => {
  it('defaults to 127.0.0.1:4000 with the sandbox app and the local gateway callback', () => {
    expect(loadSandboxStandaloneConfig({})).toEqual({
      host: '127.0.0.1',
      port: 4000,
      clientId: 'sandbox-client',
      clientSecret: 'sandbox-secret',
      redirectUris: DEFAULT_STANDALONE_REDIRECT_URIS,
      accessTokenTtl: 3_600_000,
      refreshTokenTtl: 14 * 86_400_000,
      rejectLocalhostRedirects: false,
      enforcePkce: false,
      rotateRefreshTokens: true,
      requestsPerHour: 1000,
      userLevelNames: 'docebo',
      pageSizeOverflow: 'clamp',
      pageZero: 'first-page',
      apiScopeForNonSuperadmins: 'allow',
    });
  });

  it('reads every SANDBOX_* variable, and a secret from a _FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-config-'));
    writeFileSync(join(dir, 'secret'), 'from-file\n');
    const config = loadSandboxStandaloneConfig({
      SANDBOX_PORT: '4100',
      SANDBOX_CLIENT_ID: 'my-app',
      SANDBOX_CLIENT_SECRET_FILE: join(dir, 'secret'),
      SANDBOX_REDIRECT_URIS: 'https://a.example/cb, https://b.example/cb',
      SANDBOX_ACCESS_TOKEN_TTL: '30s',
      SANDBOX_REJECT_LOCALHOST_REDIRECTS: 'true',
      SANDBOX_ENFORCE_PKCE: '1',
      SANDBOX_ROTATE_REFRESH_TOKENS: 'false',
      SANDBOX_REQUESTS_PER_HOUR: '50',
      SANDBOX_USER_LEVEL_NAMES: 'legacy',
      SANDBOX_PAGE_SIZE_OVERFLOW: 'reject',
    });
    expect(config).toMatchObject({
      port: 4100,
      clientId: 'my-app',
      clientSecret: 'from-file',
      redirectUris: ['https://a.example/cb', 'https://b.example/cb'],
      accessTokenTtl: 30_000,
      rejectLocalhostRedirects: true,
      enforcePkce: true,
      rotateRefreshTokens: false,
      requestsPerHour: 50,
      userLevelNames: 'legacy',
      pageSizeOverflow: 'reject',
    });
  });

  it('names the variable of every bad value', () => {
    const bad = () =>
      loadSandboxStandaloneConfig({
        SANDBOX_PORT: '70000',
        SANDBOX_ACCESS_TOKEN_TTL: 'soon',
        SANDBOX_REDIRECT_URIS: 'javascript:alert(1)',
        SANDBOX_USER_LEVEL_NAMES: 'fancy',
      });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/SANDBOX_PORT: must be a port number/);
    expect(bad).toThrow(/SANDBOX_ACCESS_TOKEN_TTL: must be a duration/);
    expect(bad).toThrow(/SANDBOX_REDIRECT_URIS\.0: must be an absolute URL/);
    expect(bad).toThrow(/SANDBOX_USER_LEVEL_NAMES/);
  });
});
