// The gateway under load, in a process of its own so that the load generator does not share its event loop.
// Started by bench/support/gateway.ts (fork + IPC); not meant to be run by hand.
//
// Boots the way src/main.ts does (NestFactory, AppModule.forRoot, configureApp) with one sandbox tenant on a free
// 127.0.0.1 port, request logs at `info` written to /dev/null (serialised as in production, never printed), and
// Docebo request budgets raised so that a load run measures the gateway rather than the hourly limit.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { parseConfig } from '../../src/config';
import { SandboxService } from '../../src/sandbox';
import { freePort } from '../../test/support/ports';
import type { GatewayReply, GatewayRequest } from './gateway';

/** Far above any run's call count: Docebo's 1,000 calls per hour would otherwise end a load run in a second. */
const UNLIMITED = 1_000_000_000;

async function main(): Promise<void> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = parseConfig({
    publicUrl: url,
    server: { host: '127.0.0.1', port },
    log: { level: process.argv[2] ?? 'info', pretty: false },
    tenants: {
      demo: {
        docebo: {
          baseUrl: 'sandbox',
          clientId: 'sandbox-client',
          clientSecret: 'sandbox-secret',
          requestsPerHour: UNLIMITED,
        },
        sandbox: { requestsPerHour: UNLIMITED },
      },
    },
  });
  const logs = pino.destination({ dest: '/dev/null', sync: false });
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ config, source: 'test', demo: false }, { logDestination: logs }),
    { bufferLogs: true, bodyParser: false },
  );
  configureApp(app);
  await app.listen(port, '127.0.0.1');
  const sandbox = app.get(SandboxService).get('demo')!;
  // Requests from clients (the gateway's own loopback calls to its embedded Docebo excluded), counted on arrival:
  // a request the load generator abandons at the end of a run still costs the gateway its CPU time. Prepended, so
  // it sees the URL before Express strips the /__sandbox mount path from it.
  let clientRequests = 0;
  app.getHttpServer().prependListener('request', (req: { url?: string }) => {
    if (!req.url?.startsWith('/__sandbox/')) clientRequests++;
  });

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= app.close().then(() => logs.flushSync()));

  const answer = async (req: GatewayRequest): Promise<GatewayReply> => {
    switch (req.type) {
      case 'stats':
        return {
          id: req.id,
          sessionCalls: sandbox.stats.count('/manage/v1/user/session'),
          sandboxRequests: sandbox.stats.requests,
          clientRequests,
          memory: process.memoryUsage(),
          cpu: process.cpuUsage(),
        };
      case 'docebo-token':
        return { id: req.id, doceboToken: sandbox.issueToken('learner').access_token };
      case 'gc':
        // Two passes: the first may only move objects to the old generation.
        global.gc?.();
        global.gc?.();
        return { id: req.id, gc: typeof global.gc === 'function', memory: process.memoryUsage() };
      case 'close':
        await close();
        return { id: req.id };
    }
  };
  process.on('message', (req: GatewayRequest) => {
    void answer(req).then(
      (reply) => process.send!(reply, () => req.type === 'close' && process.exit(0)),
      (e: unknown) => process.send!({ id: req.id, error: String(e) }),
    );
  });
  // The parent went away (crash, timeout): do not linger as an orphan holding a port.
  process.on('disconnect', () => void close().finally(() => process.exit(0)));
  process.send!({ id: 0, url });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
