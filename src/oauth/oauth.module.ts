import { Module } from '@nestjs/common';
import { AuthorizationController } from './authorization.controller';
import { AuthorizationService } from './authorization.service';
import { BrowserSession } from './browser-session';
import { CimdFetcher } from './cimd.fetcher';
import { ClientAuthenticator } from './client-auth';
import { ClientRegistry } from './client-registry.service';
import { GrantService } from './grant.service';
import { RateLimitGuard } from './rate-limit.guard';
import { RegistrationController } from './registration.controller';
import { TokenController } from './token.controller';

/** The OAuth 2.1 authorization server in front of Docebo. */
@Module({
  controllers: [AuthorizationController, TokenController, RegistrationController],
  providers: [
    AuthorizationService,
    BrowserSession,
    CimdFetcher,
    ClientAuthenticator,
    ClientRegistry,
    GrantService,
    RateLimitGuard,
  ],
})
export class OAuthModule {}
