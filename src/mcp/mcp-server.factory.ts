import { Injectable, Logger } from '@nestjs/common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { Counter } from 'prom-client';
import type { Principal } from '../auth/principal';
import { DoceboApiError, DoceboClient } from '../docebo';
import { MetricsService } from '../health/metrics.service';
import { toolsFor } from './tool-registry';
import { ToolError, type AnyTool, type ToolContext } from './tools';
import { capText } from './tools/text';

/** What one HTTP request learned while its tools ran. */
export interface CallState {
  /** Docebo answered 401 for the user's token: the HTTP answer becomes a 401 so the client refreshes. */
  doceboUnauthorized: boolean;
}

const SERVER_VERSION = '0.1.0';
type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Builds the MCP server of one request (stateless Streamable HTTP: a fresh server per request) with the tools
 * this principal may use, each wrapped so that it never throws: Docebo failures and bad arguments become isError
 * results with a message a person can act on.
 */
@Injectable()
export class McpServerFactory {
  private readonly logger = new Logger('McpTools');
  private readonly calls: Counter<'tenant' | 'tool' | 'outcome'>;
  /**
   * One JSON-schema validator for every per-request server: building Ajv anew for each request was about two thirds
   * of the /mcp handler's CPU (docs/benchmarks.md). The SDK uses it only for elicitation, which holds no state here.
   */
  private readonly validator = new AjvJsonSchemaValidator();

  constructor(
    private readonly docebo: DoceboClient,
    metrics: MetricsService,
  ) {
    this.calls = new Counter({
      name: 'mcp_tool_calls_total',
      help: 'MCP tool calls by tenant, tool and outcome (ok, tool_error, docebo_<kind>, error)',
      labelNames: ['tenant', 'tool', 'outcome'] as const,
      registers: [metrics.registry],
    });
  }

  create(principal: Principal, state: CallState): McpServer {
    const server = new McpServer(
      {
        name: 'docebo-mcp-gateway',
        title: `Docebo · ${principal.tenant.displayName}`,
        version: SERVER_VERSION,
      },
      {
        jsonSchemaValidator: this.validator,
        instructions:
          `Tools for the Docebo learning platform "${principal.tenant.displayName}", acting as ${principal.displayName} ` +
          `(${principal.level}). Docebo applies this user's permissions to every call.`,
      },
    );
    for (const tool of toolsFor(principal)) {
      server.registerTool(
        tool.name,
        {
          title: tool.title,
          description: tool.description,
          inputSchema: tool.inputSchema,
          outputSchema: tool.outputSchema,
          annotations: { title: tool.title, ...tool.annotations },
        },
        (args: Record<string, unknown>, extra: Extra) => this.run(tool, args, extra, principal, state),
      );
    }
    return server;
  }

  private async run(
    tool: AnyTool,
    args: Record<string, unknown>,
    extra: Extra,
    principal: Principal,
    state: CallState,
  ): Promise<CallToolResult> {
    const started = Date.now();
    const outcome = (name: string) => {
      this.calls.inc({ tenant: principal.tenant.id, tool: tool.name, outcome: name });
      this.logger.log(
        { tool: tool.name, tenant: principal.tenant.id, outcome: name, ms: Date.now() - started },
        'tool call',
      );
    };
    const context: ToolContext = {
      principal,
      docebo: this.docebo.as(principal.tenant, principal.doceboToken),
      signal: extra.signal,
      progress: async (progress, total, message) => {
        const token = extra._meta?.progressToken;
        if (token === undefined) return;
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken: token, progress, total, message },
        });
      },
    };
    try {
      const { structured, text } = await tool.handler(args, context);
      outcome('ok');
      return {
        content: [{ type: 'text', text: capText(text) }],
        structuredContent: structured as Record<string, unknown>,
      };
    } catch (e) {
      if (e instanceof ToolError) {
        outcome('tool_error');
        return failure(e.message);
      }
      if (e instanceof DoceboApiError) {
        outcome(`docebo_${e.kind}`);
        if (e.kind === 'unauthorized') state.doceboUnauthorized = true;
        return failure(`Could not ${tool.title.toLowerCase()}: ${e.message}`);
      }
      outcome('error');
      this.logger.error({ err: e, tool: tool.name }, 'tool failed');
      return failure(
        `Could not ${tool.title.toLowerCase()}: the gateway failed unexpectedly. Try again; if it persists, tell the administrator.`,
      );
    }
  }
}

function failure(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}
