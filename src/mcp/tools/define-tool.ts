import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { Principal } from '../../auth/principal';
import type { TOOLSET_NAMES } from '../../config';
import type { DoceboLevel, DoceboUserApi } from '../../docebo';

/** Groups of tools a tenant can switch on or off (`tools.toolsets`, validated by the config schema). */
export type Toolset = Exclude<(typeof TOOLSET_NAMES)[number], 'all'>;

/** What a tool handler gets besides its arguments. */
export interface ToolContext {
  readonly principal: Principal;
  /** The Docebo API as the signed-in user. */
  readonly docebo: DoceboUserApi;
  /** Reports progress when the client asked for it (a progress token); otherwise does nothing. */
  progress(done: number, total?: number, message?: string): Promise<void>;
  readonly signal: AbortSignal;
}

/** A handler's answer: data matching the output schema, and a concise text rendering of it for the model. */
export interface ToolOutput<O> {
  readonly structured: O;
  readonly text: string;
}

/**
 * A failure the caller can understand and act on (a bad cursor, Docebo declining one item of a write): the tool
 * answers an isError result with exactly this message.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}

export interface ToolDefinition<
  I extends z.ZodRawShape = z.ZodRawShape,
  O extends z.ZodRawShape = z.ZodRawShape,
> {
  /** snake_case verb_noun. */
  readonly name: string;
  readonly title: string;
  /** For a model choosing a tool: what it does, when to use it, what it returns. */
  readonly description: string;
  readonly toolset: Toolset;
  /** The least Docebo level that may see the tool; Docebo still enforces its own rules on every call. */
  readonly minLevel: DoceboLevel;
  readonly inputSchema: I;
  readonly outputSchema: O;
  /** readOnlyHint decides the scope a call needs (docebo.read or docebo.write) and whether read-only tenants see it. */
  readonly annotations: ToolAnnotations & { readOnlyHint: boolean };
  /** Returns data, or throws DoceboApiError / ToolError; the framework turns those into isError results. */
  handler(args: z.output<z.ZodObject<I>>, ctx: ToolContext): Promise<ToolOutput<z.output<z.ZodObject<O>>>>;
}

/** Any tool, for registries. */
export type AnyTool = ToolDefinition<z.ZodRawShape, z.ZodRawShape>;

/**
 * Declares a tool: a plain object the compiler checks against its own schemas (handler arguments and output are
 * typed from them), so tools are data and the registry is a list. The result is widened to AnyTool: the SDK
 * validates arguments against the same schemas before the handler runs.
 */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  definition: ToolDefinition<I, O>,
): AnyTool {
  return definition as unknown as AnyTool;
}
