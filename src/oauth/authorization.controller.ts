import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/public.decorator';
import { CurrentTenant, type Tenant } from '../tenancy';
import { AuthorizationService, withParams } from './authorization.service';
import { BrowserSession } from './browser-session';
import { ClientRegistry } from './client-registry.service';
import { renderConsent, renderError } from './pages';
import { RateLimit, RateLimitGuard } from './rate-limit.guard';

const wantsHtml = (req: Request) => /text\/html/.test(req.headers.accept ?? '') || !req.headers.accept;

/**
 * The browser-facing half of the flow: /oauth2/authorize → consent page → Docebo → /oauth2/callback → the client.
 * Errors before the client's redirect URI is trusted are shown here; later ones go back to the client.
 */
@Public()
@UseGuards(RateLimitGuard)
@Controller('oauth2')
export class AuthorizationController {
  constructor(
    private readonly authorization: AuthorizationService,
    private readonly session: BrowserSession,
    private readonly clients: ClientRegistry,
  ) {}

  @Get('authorize')
  @RateLimit('authorize')
  async authorize(@CurrentTenant() tenant: Tenant, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (tenant.config.oauth.mode === 'direct') {
      return renderError(
        res,
        400,
        'invalid_request',
        'This tenant signs in directly at Docebo; see its authorization server metadata.',
        wantsHtml(req),
      );
    }
    const outcome = await this.authorization.validate(tenant, req.query as Record<string, unknown>);
    if (outcome.kind === 'error-page')
      return renderError(res, outcome.status, outcome.error, outcome.description, wantsHtml(req));
    if (outcome.kind === 'error-redirect') return res.redirect(302, outcome.location);

    const { client, request } = outcome;
    const browserId = this.session.ensureBrowserId(req, res, tenant);
    await this.clients.touch(tenant, client);
    // Skip the page only for clients marked trusted, or an approval this browser gave before — and never for a
    // cross-site navigation, where a silent approval could be triggered by another site (confused deputy).
    const crossSite = req.headers['sec-fetch-site'] === 'cross-site';
    if (client.trusted || (!crossSite && (await this.session.hasApproved(req, tenant, request)))) {
      return res.redirect(302, await this.authorization.startUpstream(tenant, request, browserId));
    }
    const { transaction, csrf } = await this.authorization.openConsent(tenant, request, browserId);
    renderConsent(res, {
      tenant,
      client,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      transaction,
      csrf,
    });
  }

  @Post('consent')
  async consent(@CurrentTenant() tenant: Tenant, @Req() req: Request, @Res() res: Response): Promise<void> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const site = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    if ((site && site !== 'same-origin') || (origin && origin !== tenant.urls.origin)) {
      return renderError(
        res,
        403,
        'access_denied',
        'The consent form must be submitted from this site.',
        true,
      );
    }
    const str = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const request = await this.authorization.takeConsent(
      tenant,
      str('transaction'),
      str('csrf'),
      this.session.browserId(req, tenant),
    );
    if (!request) {
      return renderError(
        res,
        400,
        'invalid_request',
        'This consent form has expired, was already used, or was opened in another browser. Start again from your application.',
        true,
      );
    }
    const decision = str('decision');
    if (decision === 'deny') {
      const location = withParams(request.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied access.',
        state: request.state,
        iss: tenant.urls.issuer,
      });
      return res.redirect(303, location);
    }
    if (decision !== 'approve')
      return renderError(res, 400, 'invalid_request', 'Choose Allow or Deny.', true);
    const browserId = this.session.ensureBrowserId(req, res, tenant);
    await this.session.remember(req, res, tenant, request);
    res.redirect(303, await this.authorization.startUpstream(tenant, request, browserId));
  }

  @Get('callback')
  async callback(@CurrentTenant() tenant: Tenant, @Req() req: Request, @Res() res: Response): Promise<void> {
    const result = await this.authorization.completeCallback(
      tenant,
      req.query as Record<string, unknown>,
      this.session.browserId(req, tenant),
    );
    if (result.kind === 'redirect') return res.redirect(302, result.location);
    renderError(
      res,
      result.status,
      result.status === 403 ? 'access_denied' : 'invalid_request',
      result.description,
      true,
    );
  }
}
