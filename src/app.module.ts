import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AuthModule } from './auth/auth.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { loggerParams } from './common/logging';
import { gatewayConfigModule, type LoadedConfig } from './config';
import { DiscoveryModule } from './discovery/discovery.module';
import { DoceboModule } from './docebo';
import { HealthModule } from './health/health.module';
import { McpModule } from './mcp/mcp.module';
import { OAuthModule } from './oauth/oauth.module';
import { SandboxModule } from './sandbox/sandbox.module';
import { StateModule } from './state/state.module';
import { TenancyModule } from './tenancy';
import { TokensModule } from './tokens/tokens.module';

export interface AppOptions {
  /** Where JSON log lines go instead of stdout (tests read them). */
  logDestination?: DestinationStream;
  /** Whether stdout is a terminal (pretty logs when log.pretty is auto). */
  isTty?: boolean;
}

/** The root module, built from a configuration that main.ts (or a test) has already loaded and validated. */
@Module({})
export class AppModule {
  static forRoot(loaded: LoadedConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        gatewayConfigModule(loaded),
        LoggerModule.forRoot(loggerParams(loaded.config, options.logDestination, options.isTty)),
        TenancyModule,
        StateModule,
        TokensModule,
        HealthModule,
        DoceboModule,
        DiscoveryModule,
        OAuthModule,
        AuthModule,
        McpModule,
        SandboxModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
