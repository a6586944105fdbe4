import { Inject } from '@nestjs/common';
import { ConfigModule, registerAs, type ConfigType } from '@nestjs/config';
import type { DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from './config.loader';

/**
 * The validated configuration as a Nest config namespace. main.ts loads and validates it before Nest starts (so a
 * bad file exits with a clean message), then hands it over here; tests hand over configurations they build.
 */
const namespace = (loaded: LoadedConfig) => registerAs('gateway', () => loaded);

export type GatewayConfigNamespace = ConfigType<ReturnType<typeof namespace>>;

/** Injection token of the loaded configuration: `@InjectConfig() config: GatewayConfigNamespace`. */
export const GATEWAY_CONFIG = namespace({} as LoadedConfig).KEY;
export const InjectConfig = () => Inject(GATEWAY_CONFIG);

export function gatewayConfigModule(loaded: LoadedConfig): Promise<DynamicModule> {
  return ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [namespace(loaded)] });
}
