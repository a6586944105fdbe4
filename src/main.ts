import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { ConfigError, loadConfig, type LoadedConfig } from './config';

function loadOrExit(): LoadedConfig {
  try {
    return loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`Invalid configuration:\n${e.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}

async function bootstrap(): Promise<void> {
  const loaded = loadOrExit();
  const { server } = loaded.config;
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(loaded, { isTty: process.stdout.isTTY === true }),
    { bufferLogs: true, bodyParser: false },
  );
  configureApp(app);
  const logger = app.get(Logger);

  // Nest closes gracefully on these signals; this only guarantees the process ends within the configured time.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        logger.error(`Shutdown took longer than ${server.shutdownTimeout} ms; exiting now`);
        process.exit(1);
      }, server.shutdownTimeout).unref();
    });
  }

  await app.listen(server.port, server.host);
  if (loaded.demo) {
    logger.warn(
      `DEMO SETUP: no configuration file, so one tenant "demo" is served at ${loaded.config.publicUrl}/mcp, backed by the ` +
        'embedded Docebo sandbox, with a random token key. Not for production: see README "Configuration".',
    );
  }
  logger.log(`Listening on ${server.host}:${server.port} (configuration: ${loaded.source})`);
}

void bootstrap();
