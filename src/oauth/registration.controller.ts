import { Controller, Header, HttpCode, NotFoundException, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '../auth/public.decorator';
import { CurrentTenant, type Tenant } from '../tenancy';
import { ClientRegistry } from './client-registry.service';
import { RateLimit, RateLimitGuard } from './rate-limit.guard';

/** POST /oauth2/register: Dynamic Client Registration (RFC 7591), cheap and lenient. */
@Public()
@UseGuards(RateLimitGuard)
@Controller('oauth2')
export class RegistrationController {
  constructor(private readonly clients: ClientRegistry) {}

  @Post('register')
  @HttpCode(201)
  @RateLimit('register')
  @Header('Cache-Control', 'no-store')
  async register(@CurrentTenant() tenant: Tenant, @Req() req: Request): Promise<Record<string, unknown>> {
    if (tenant.config.oauth.mode === 'direct')
      throw new NotFoundException('This tenant does not offer dynamic client registration.');
    const { client, secret, authMethod, issuedAt } = await this.clients.register(tenant, req.body);
    return {
      client_id: client.clientId,
      client_id_issued_at: issuedAt,
      ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
      client_name: client.name,
      redirect_uris: client.redirectUris,
      token_endpoint_auth_method: authMethod,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      ...(client.clientUri ? { client_uri: client.clientUri } : {}),
      ...(client.logoUri ? { logo_uri: client.logoUri } : {}),
    };
  }
}
