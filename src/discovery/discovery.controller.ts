import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { Public } from '../auth/public.decorator';
import { OFFLINE_ACCESS, RESOURCE_SCOPES } from '../auth/scopes';
import { DoceboEndpoints } from '../docebo';
import { CurrentTenant, type Tenant } from '../tenancy';

/**
 * The scopes clients should ask for. In direct mode clients ask Docebo itself, which knows only its own scope
 * (`api`, if the tenant uses it) and refuses others: then clients must send the Docebo scope or none.
 */
function scopesOf(tenant: Tenant): string[] {
  if (tenant.config.oauth.mode !== 'direct') return [...RESOURCE_SCOPES];
  return tenant.config.docebo.scope ? [tenant.config.docebo.scope] : [];
}

/**
 * Discovery documents, per tenant, public and cacheable for a short while:
 * RFC 9728 protected resource metadata (root and path-inserted), RFC 8414 authorization server metadata and its
 * OpenID-configuration mirror. In path mode the tenant resolver has already moved the tenant segment out of the
 * path-inserted forms (`/.well-known/oauth-authorization-server/t/acme` arrives here as the root form).
 */
@Public()
@Controller('.well-known')
export class DiscoveryController {
  constructor(private readonly endpoints: DoceboEndpoints) {}

  @Get(['oauth-protected-resource', 'oauth-protected-resource/mcp'])
  @Header('Cache-Control', 'public, max-age=300')
  protectedResource(@CurrentTenant() tenant: Tenant) {
    return {
      resource: tenant.urls.mcp,
      authorization_servers: [tenant.urls.issuer],
      scopes_supported: scopesOf(tenant),
      bearer_methods_supported: ['header'],
      resource_name: tenant.displayName,
      resource_documentation: `${tenant.urls.issuer}/`,
    };
  }

  @Get(['oauth-authorization-server', 'openid-configuration'])
  @Header('Cache-Control', 'public, max-age=300')
  authorizationServer(@CurrentTenant() tenant: Tenant) {
    const { urls } = tenant;
    const common = {
      issuer: urls.issuer,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported:
        tenant.config.oauth.mode === 'direct' ? scopesOf(tenant) : [...RESOURCE_SCOPES, OFFLINE_ACCESS],
      authorization_response_iss_parameter_supported: true,
      service_documentation: `${urls.issuer}/`,
    };
    if (tenant.config.oauth.mode === 'direct') {
      // Compatibility mode: sign-in happens at Docebo itself; the token endpoint relays to Docebo.
      return {
        ...common,
        authorization_endpoint: this.endpoints.for(tenant).authorizeUrl,
        token_endpoint: urls.token,
        grant_types_supported: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'none'],
      };
    }
    return {
      ...common,
      authorization_endpoint: urls.authorize,
      token_endpoint: urls.token,
      registration_endpoint: urls.register,
      revocation_endpoint: urls.revoke,
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
      revocation_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
      client_id_metadata_document_supported: true,
    };
  }

  /** Anything else under /.well-known for a tenant: a clean 404 (clients probe several locations). */
  @Get('*rest')
  notFound(): never {
    throw new NotFoundException('No such metadata document.');
  }
}
