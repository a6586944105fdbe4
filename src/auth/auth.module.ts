import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { BearerAuthGuard } from './bearer-auth.guard';
import { BearerStrategy } from './bearer.strategy';
import { DoceboIntrospection } from './docebo-introspection.service';
import { LongSessions } from './long-sessions.service';

/** Bearer authentication for every non-public route. Depends on tokens and docebo, never on oauth. */
@Global()
@Module({
  imports: [PassportModule],
  providers: [
    BearerStrategy,
    DoceboIntrospection,
    LongSessions,
    { provide: APP_GUARD, useClass: BearerAuthGuard },
  ],
  exports: [DoceboIntrospection],
})
export class AuthModule {}
