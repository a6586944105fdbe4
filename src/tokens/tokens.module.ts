import { Global, Module } from '@nestjs/common';
import { RevocationService } from './revocation.service';
import { TokenService } from './token.service';

/** Gateway tokens for the whole application: TokenService (mint, verify, seal) and RevocationService. */
@Global()
@Module({ providers: [TokenService, RevocationService], exports: [TokenService, RevocationService] })
export class TokensModule {}
