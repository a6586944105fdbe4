import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { parseConfig, type GatewayConfigInput, type LoadedConfig } from '../../src/config';
import { SandboxService, type Sandbox } from '../../src/sandbox';
import { freePort } from './ports';

/** JSON log lines the app wrote, parsed. */
export class LogSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  get entries(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  text(): string {
    return this.lines.join('');
  }
}

export interface RunningApp {
  app: NestExpressApplication;
  /** `http://127.0.0.1:<port>` (or the configured public URL's origin). */
  url: string;
  port: number;
  logs: LogSink;
  config: LoadedConfig['config'];
  /** The embedded Docebo of a sandbox tenant (default `demo`), with its controls. */
  sandbox(tenant?: string): Sandbox;
  close(): Promise<void>;
}

export type TestConfig = Omit<GatewayConfigInput, 'publicUrl' | 'tenants'> & {
  /** Pattern with "{port}", default `http://127.0.0.1:{port}`. */
  publicUrl?: string;
  tenants?: GatewayConfigInput['tenants'];
};

/** The one-tenant sandbox setup most tests start from. */
export const SANDBOX_TENANT = {
  docebo: { baseUrl: 'sandbox', clientId: 'sandbox-client', clientSecret: 'sandbox-secret' },
};

/**
 * Boots the real application (same module, same configureApp as main.ts) on a loopback port, with a configuration
 * built the way main.ts builds one, and captures its logs.
 */
export async function startApp(input: TestConfig = {}): Promise<RunningApp> {
  const port = await freePort();
  const publicUrl = (input.publicUrl ?? 'http://127.0.0.1:{port}').replace('{port}', String(port));
  const config = parseConfig({
    ...input,
    publicUrl,
    server: { host: '127.0.0.1', ...input.server, port },
    log: { level: 'info', pretty: false, ...input.log },
    tenants: input.tenants ?? { demo: SANDBOX_TENANT },
  });
  const logs = new LogSink();
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot({ config, source: 'test', demo: false }, { logDestination: logs })],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app);
  await app.listen(port, '127.0.0.1');
  const sandbox = (tenant = 'demo') => {
    const instance = app.get(SandboxService).get(tenant);
    if (!instance) throw new Error(`tenant ${tenant} has no embedded sandbox`);
    return instance;
  };
  return { app, url: `http://127.0.0.1:${port}`, port, logs, config, sandbox, close: () => app.close() };
}
