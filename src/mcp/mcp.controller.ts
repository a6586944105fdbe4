import { Controller, Delete, Get, Post, Req, Res } from '@nestjs/common';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Request, Response } from 'express';
import { challengeError } from '../auth/auth.errors';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { DoceboIntrospection } from '../auth/docebo-introspection.service';
import type { Principal } from '../auth/principal';
import { InjectConfig, type GatewayConfigNamespace } from '../config';
import { describeMessage, INVALID_REQUEST, sendJsonRpcError, TRANSPORT_ERROR } from './json-rpc';
import { McpServerFactory, type CallState } from './mcp-server.factory';
import { requiredScope, toolsFor } from './tool-registry';
import { readBody, sendWebResponse, toWebRequest } from './web-bridge';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // the SDK answers the parse error itself, from the raw text
  }
}

/**
 * POST /mcp: stateless Streamable HTTP (a fresh server and transport per request). JSON responses, or SSE when a
 * tool call carries a progress token. GET and DELETE (session streams, session end) do not exist statelessly.
 * Every request is authenticated by the global bearer guard before it gets here.
 */
@Controller('mcp')
export class McpController {
  private readonly bodyLimit: number;

  constructor(
    private readonly factory: McpServerFactory,
    private readonly introspection: DoceboIntrospection,
    @InjectConfig() { config }: GatewayConfigNamespace,
  ) {
    this.bodyLimit = config.server.bodyLimit;
  }

  @Post()
  async post(
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const text = await readBody(req, this.bodyLimit);
    if (text === undefined) {
      return sendJsonRpcError(
        res,
        413,
        TRANSPORT_ERROR,
        `Payload Too Large: Request body must not exceed ${this.bodyLimit} bytes`,
      );
    }
    const message = parseJson(text);
    if (Array.isArray(message)) {
      return sendJsonRpcError(
        res,
        400,
        INVALID_REQUEST,
        'Invalid Request: JSON-RPC batches are not supported; send one message per request.',
      );
    }
    this.checkScope(principal, message);

    const { method, params } = describeMessage(message);
    const meta = params?._meta as { progressToken?: unknown } | undefined;
    const stream = method === 'tools/call' && meta?.progressToken !== undefined;
    const state: CallState = { doceboUnauthorized: false };
    const server = this.factory.create(principal, state);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: !stream,
    });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    const response = await transport.handleRequest(
      toWebRequest(req, principal.tenant.urls.mcp, text),
      message === undefined ? {} : { parsedBody: message },
    );
    if (state.doceboUnauthorized && !stream) {
      // Docebo rejected the token inside: answer 401 (not a tool error) so the client refreshes its tokens.
      this.introspection.forget(principal.tenant, principal.doceboToken);
      throw challengeError(
        401,
        'invalid_token',
        'Docebo no longer accepts this sign-in; refresh the token or sign in again.',
        {
          error: 'invalid_token',
          description: 'Docebo no longer accepts this sign-in.',
          resourceMetadata: principal.tenant.urls.protectedResourceMetadata,
        },
      );
    }
    await sendWebResponse(response, res);
  }

  @Get()
  get(@Res() res: Response): void {
    this.methodNotAllowed(res);
  }

  @Delete()
  delete(@Res() res: Response): void {
    this.methodNotAllowed(res);
  }

  /** A tools/call needing a scope the token lacks: 403 naming every scope needed, so the client can step up. */
  private checkScope(principal: Principal, message: unknown): void {
    const { method, params } = describeMessage(message);
    if (method !== 'tools/call' || typeof params?.name !== 'string') return;
    const tool = toolsFor(principal).find((t) => t.name === params.name);
    const scope = tool && requiredScope(tool);
    if (!scope || principal.scopes.includes(scope)) return;
    const needed = [...new Set([...principal.scopes, scope])].join(' ');
    throw challengeError(403, 'insufficient_scope', `The tool ${tool.name} needs the ${scope} scope.`, {
      error: 'insufficient_scope',
      description: `The tool ${tool.name} needs the ${scope} scope.`,
      scope: needed,
      resourceMetadata: principal.tenant.urls.protectedResourceMetadata,
    });
  }

  private methodNotAllowed(res: Response): void {
    sendJsonRpcError(
      res,
      405,
      TRANSPORT_ERROR,
      'Method not allowed: this server is stateless; send each JSON-RPC message with POST.',
      {
        Allow: 'POST',
      },
    );
  }
}
