import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json, urlencoded } from 'express';
import helmet from 'helmet';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { respondWithError } from './common/all-exceptions.filter';
import { answerUnparseableRequests } from './common/client-error';
import { openCors } from './common/cors';
import { requestId } from './common/request-id';
import { GATEWAY_CONFIG, type GatewayConfigNamespace } from './config';
import { MetricsService } from './health/metrics.service';
import { isMcpPath } from './mcp/json-rpc';
import { McpOriginPolicy } from './mcp/mcp-origin.policy';
import { SandboxService } from './sandbox/sandbox.service';
import { TenantResolver } from './tenancy';

/**
 * Everything main.ts and the end-to-end tests do to an application before it listens, in one place, so tests run
 * exactly what production runs. The Express middleware here runs before Nest's router, in this order.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  const { config } = app.get<GatewayConfigNamespace>(GATEWAY_CONFIG);
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  answerUnparseableRequests(app.getHttpServer());

  app.use(requestId);
  app.use(app.get(MetricsService).middleware);
  // The embedded Docebo is "another server": its own security headers, its own body parsing, its own errors.
  app.use('/__sandbox', app.get(SandboxService).handler);
  // JSON APIs and server-rendered pages only: pages that need more (the consent page) set their own policy.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      frameguard: { action: 'deny' },
      crossOriginResourcePolicy: false,
    }),
  );
  app.use(app.get(TenantResolver).middleware);
  app.use(openCors);
  app.use(app.get(McpOriginPolicy).middleware);
  // The MCP controller reads its own body, so that oversized and malformed ones are answered as JSON-RPC errors.
  const exceptMcp =
    (parser: RequestHandler): RequestHandler =>
    (req, res, next) =>
      isMcpPath(req.path) ? next() : parser(req, res, next);
  app.use(exceptMcp(json({ limit: config.server.bodyLimit })));
  app.use(exceptMcp(urlencoded({ extended: false, limit: config.server.bodyLimit })));
  // Body-parser failures (bad JSON, too large) happen before Nest's filters: answer them in the same shape.
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) =>
    res.headersSent ? next(err) : respondWithError(err, req, res),
  );
  return app;
}
