import { SCOPES } from '../auth/scopes';
import type { Principal } from '../auth/principal';
import { LEVEL_RANK } from '../docebo';
import { ALL_TOOLS, type AnyTool } from './tools';

/** The scope a call of this tool needs: reading tools docebo.read, changing tools docebo.write. */
export function requiredScope(tool: AnyTool): string {
  return tool.annotations.readOnlyHint ? SCOPES.read : SCOPES.write;
}

/**
 * The tools this principal may see: at or below their Docebo level (a learner never sees admin tools), within the
 * tenant's toolsets, and only reading tools for a read-only tenant. Scopes are not filtered here: a call without
 * the scope gets 403 insufficient_scope, so that clients can ask the user for more (step-up, SEP-835).
 */
export function toolsFor(principal: Principal, tools: readonly AnyTool[] = ALL_TOOLS): AnyTool[] {
  const { readOnly, toolsets } = principal.tenant.config.tools;
  const all = toolsets.includes('all');
  return tools.filter(
    (t) =>
      LEVEL_RANK[principal.level] >= LEVEL_RANK[t.minLevel] &&
      (!readOnly || t.annotations.readOnlyHint) &&
      (all || (toolsets as readonly string[]).includes(t.toolset)),
  );
}
