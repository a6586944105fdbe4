import { Global, Module } from '@nestjs/common';
import { DoceboClient } from './docebo.client';
import { DoceboEndpoints } from './docebo-endpoints';
import { DoceboHttp } from './docebo-http';
import { DoceboOAuthClient } from './docebo-oauth.client';

/** The only code that talks to Docebo. */
@Global()
@Module({
  providers: [DoceboEndpoints, DoceboHttp, DoceboClient, DoceboOAuthClient],
  exports: [DoceboEndpoints, DoceboClient, DoceboOAuthClient],
})
export class DoceboModule {}
