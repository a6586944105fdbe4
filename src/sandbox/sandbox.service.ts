import { Injectable, Logger } from '@nestjs/common';
import { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import { sendError } from '../common/error-response';
import { TenantRegistry, type Tenant } from '../tenancy';
import { createSandbox, type Sandbox } from './sandbox.factory';

/**
 * One embedded Docebo per tenant whose `docebo.baseUrl` is `sandbox`, served at `/__sandbox/{tenantId}/…`.
 * Each instance's OAuth app is the tenant's own (`docebo.clientId`/`clientSecret`) with the tenant's gateway
 * callback registered, plus `sandbox.redirectUris`. A tenant that points at a real Docebo has no instance.
 */
@Injectable()
export class SandboxService {
  private readonly logger = new Logger('Sandbox');
  private readonly instances = new Map<string, Sandbox>();
  /** Mount with `app.use('/__sandbox', handler)`, before helmet and the body parsers: the sandbox is another server. */
  readonly handler: RequestHandler;

  constructor(registry: TenantRegistry) {
    for (const tenant of registry.all()) {
      if (tenant.config.docebo.baseUrl === 'sandbox') this.instances.set(tenant.id, this.create(tenant));
    }
    const router = Router();
    router.use('/:tenantId', (req: Request, res: Response, next: NextFunction) => {
      const sandbox = this.instances.get(String(req.params.tenantId));
      if (!sandbox) return notServed(req, res);
      sandbox.router(req, res, next);
    });
    router.use(notServed);
    this.handler = router;
  }

  /** The sandbox of a tenant (tests use its controls), if the tenant has one. */
  get(tenantId: string): Sandbox | undefined {
    return this.instances.get(tenantId);
  }

  /** Ids of the tenants served by a sandbox. */
  tenants(): string[] {
    return [...this.instances.keys()];
  }

  private create(tenant: Tenant): Sandbox {
    const { docebo, sandbox } = tenant.config;
    return createSandbox({
      clientId: docebo.clientId,
      clientSecret: docebo.clientSecret,
      redirectUris: [tenant.urls.callback, ...sandbox.redirectUris],
      accessTokenTtl: sandbox.accessTokenTtl,
      refreshTokenTtl: sandbox.refreshTokenTtl,
      rejectLocalhostRedirects: sandbox.rejectLocalhostRedirects,
      enforcePkce: sandbox.enforcePkce,
      rotateRefreshTokens: sandbox.rotateRefreshTokens,
      requestsPerHour: sandbox.requestsPerHour,
      userLevelNames: sandbox.userLevelNames,
      pageSizeOverflow: sandbox.pageSizeOverflow,
      pageZero: sandbox.pageZero,
      apiScopeForNonSuperadmins: sandbox.apiScopeForNonSuperadmins,
      adminEndpoints: sandbox.adminEndpoints,
      onError: (e) =>
        this.logger.error({ err: e, tenant: tenant.id }, 'Unexpected error in the Docebo sandbox'),
    });
  }
}

function notServed(req: Request, res: Response): void {
  sendError(req, res, 404, 'not_found', 'No Docebo sandbox is served at this path.');
}
