import { grantableScopes } from './scopes';

describe('grantable scopes', () => {
  it('keeps the known scopes in a stable order, ignoring unknown ones and offline_access', () => {
    expect(grantableScopes('docebo.write offline_access docebo.read')).toEqual([
      'docebo.read',
      'docebo.write',
    ]);
    expect(grantableScopes('docebo.read openid')).toEqual(['docebo.read']);
  });

  it('grants the defaults when nothing known is asked for (ChatGPT reconnects without scope)', () => {
    expect(grantableScopes(undefined)).toEqual(['docebo.read', 'docebo.write']);
    expect(grantableScopes('')).toEqual(['docebo.read', 'docebo.write']);
    expect(grantableScopes('api offline_access')).toEqual(['docebo.read', 'docebo.write']);
  });
});
