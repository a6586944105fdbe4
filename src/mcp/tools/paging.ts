import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Page } from '../../docebo';
import { ToolError } from './define-tool';

/**
 * Opaque cursors for list tools: the next Docebo page (and Docebo's own cursor, if any), tied to the query that
 * produced them so that a cursor cannot be replayed against different filters.
 */
const cursorSchema = z.object({ p: z.number().int().min(1), c: z.string().optional(), q: z.string() });

export const cursorInput = z
  .string()
  .max(2000)
  .optional()
  .describe('Opaque cursor from a previous call (nextCursor) to get the next page; omit for the first page.');
export const limitInput = (max = 50, fallback = 20) =>
  z
    .number()
    .int()
    .min(1)
    .max(max)
    .default(fallback)
    .describe(`How many items to return (1-${max}, default ${fallback}).`);

function fingerprint(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 12);
}

/** The page (1-based) and Docebo cursor a tool call should fetch. */
export function readCursor(
  cursor: string | undefined,
  query: unknown,
): { page: number; doceboCursor?: string } {
  if (!cursor) return { page: 1 };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success)
    throw new ToolError('The cursor is not valid; call the tool again without a cursor to start over.');
  if (parsed.data.q !== fingerprint(query))
    throw new ToolError('The cursor belongs to a different query; call the tool again without a cursor.');
  return { page: parsed.data.p, doceboCursor: parsed.data.c };
}

/** The cursor of the page after `page`, or undefined when it was the last. */
export function nextCursor(page: Page<unknown>, query: unknown): string | undefined {
  if (!page.hasMore) return undefined;
  const value = { p: page.page + 1, ...(page.cursor ? { c: page.cursor } : {}), q: fingerprint(query) };
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The sentence a list ends with, so the model knows how to get more. */
export function moreNote(cursor: string | undefined, shown: number, total?: number): string {
  const of = total !== undefined ? ` of ${total}` : '';
  return cursor
    ? `\nShowing ${shown}${of}. More results: call again with cursor "${cursor}".`
    : `\n${shown}${of} result(s), no more pages.`;
}
