import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { html } from '../oauth/html';
import { CurrentTenant, type Tenant } from '../tenancy';

/**
 * The human-readable page of a tenant (the metadata's `resource_documentation`): what this is and the URL to give
 * an MCP client.
 */
@Public()
@Controller()
export class LandingController {
  @Get()
  landing(@CurrentTenant() tenant: Tenant, @Res() res: Response): void {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    );
    res.send(
      html`<!doctype html>
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <title>${tenant.displayName} · MCP</title>
            <style>
              body {
                font:
                  16px/1.5 system-ui,
                  sans-serif;
                max-width: 40rem;
                margin: 3rem auto;
                padding: 0 1rem;
              }
              code {
                background: #f0f1f4;
                padding: 0.1rem 0.3rem;
                border-radius: 4px;
              }
            </style>
          </head>
          <body>
            <h1>${tenant.displayName}</h1>
            <p>
              This is a remote <a href="https://modelcontextprotocol.io">Model Context Protocol</a> server for
              Docebo. Add it to an MCP client (Claude, ChatGPT, VS Code, Cursor, MCP Inspector…) with this
              URL, then sign in with your Docebo account:
            </p>
            <p><code>${tenant.urls.mcp}</code></p>
            <p>
              The client registers itself; you approve it once, then it acts in Docebo with your permissions.
            </p>
          </body>
        </html>`.value,
    );
  }
}
