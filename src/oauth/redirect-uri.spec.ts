import { redirectUriMatches, redirectUriProblem, resourceMatches } from './redirect-uri';

describe('redirect URI rules', () => {
  it.each([
    ['https://claude.ai/api/mcp/auth_callback', undefined],
    ['http://localhost:6274/oauth/callback', undefined],
    ['http://127.0.0.1/callback', undefined],
    ['http://[::1]:8080/cb', undefined],
    ['cursor://anysphere.cursor-mcp/oauth/callback', undefined],
    ['javascript:alert(1)', 'must not use the javascript: scheme'],
    ['data:text/html,x', 'must not use the data: scheme'],
    ['file:///etc/passwd', 'must not use the file: scheme'],
    ['https://a.example/cb#x', 'must not contain a fragment'],
    ['http://a.example/cb', 'must use https unless it is a loopback address'],
    ['https://user:pw@a.example/cb', 'must not contain credentials'],
    ['/relative/cb', 'is not an absolute URI'],
  ])('%s → %s', (uri, problem) => {
    expect(redirectUriProblem(uri)).toBe(problem);
  });

  it('matches exactly, except any port on loopback (RFC 8252), never localhost for 127.0.0.1', () => {
    expect(redirectUriMatches('https://app.example/cb', 'https://app.example/cb')).toBe(true);
    expect(redirectUriMatches('https://app.example/cb', 'https://app.example/cb/')).toBe(false);
    expect(redirectUriMatches('https://app.example:443/cb', 'https://app.example:8443/cb')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1/callback', 'http://127.0.0.1:53682/callback')).toBe(true);
    expect(redirectUriMatches('http://localhost:1/callback', 'http://localhost:2/callback')).toBe(true);
    expect(redirectUriMatches('http://localhost:1/callback', 'http://127.0.0.1:1/callback')).toBe(false);
    expect(redirectUriMatches('http://localhost:1/callback', 'http://localhost:1/other')).toBe(false);
    expect(redirectUriMatches('http://localhost:1/cb?a=1', 'http://localhost:1/cb?a=2')).toBe(false);
  });

  it('accepts the own resource with one trailing slash and any case of scheme and host, nothing else', () => {
    const mcp = 'https://acme.mcp.example.com/mcp';
    expect(resourceMatches('https://acme.mcp.example.com/mcp', mcp)).toBe(true);
    expect(resourceMatches('https://acme.mcp.example.com/mcp/', mcp)).toBe(true);
    expect(resourceMatches('HTTPS://ACME.MCP.EXAMPLE.COM/mcp', mcp)).toBe(true);
    expect(resourceMatches('https://acme.mcp.example.com/MCP', mcp)).toBe(false);
    expect(resourceMatches('https://beta.mcp.example.com/mcp', mcp)).toBe(false);
    expect(resourceMatches('https://acme.mcp.example.com/mcp#x', mcp)).toBe(false);
    expect(resourceMatches('https://acme.mcp.example.com/', 'https://acme.mcp.example.com')).toBe(true);
    expect(resourceMatches('not a url', mcp)).toBe(false);
  });
});
