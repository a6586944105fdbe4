import { Global, Module } from '@nestjs/common';
import { GrantStore } from './grant-store';
import { RevocationService } from './revocation.service';
import { TokenService } from './token.service';

/** Gateway tokens for the whole application: TokenService (mint, verify, seal), RevocationService, GrantStore. */
@Global()
@Module({
  providers: [TokenService, RevocationService, GrantStore],
  exports: [TokenService, RevocationService, GrantStore],
})
export class TokensModule {}
