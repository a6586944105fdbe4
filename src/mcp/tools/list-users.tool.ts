import { z } from 'zod';
import { defineTool } from './define-tool';
import { cursorInput, limitInput, moreNote, nextCursor, readCursor } from './paging';

const user = z.object({
  id: z.number().int(),
  username: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  level: z.string().optional(),
  lastAccess: z.string().optional(),
});

export const listUsers = defineTool({
  name: 'list_users',
  title: 'List users',
  description:
    'Searches Docebo users by first name, last name or username (administrators see everyone, power users the ' +
    'users they manage). Returns user ids, usernames, names, emails and last access. Use the id with other tools, ' +
    'for example to enroll a user.',
  toolset: 'users',
  minLevel: 'power_user',
  inputSchema: {
    query: z
      .string()
      .trim()
      .max(200)
      .optional()
      .describe('Part of a first name, last name or username; omit to list everyone.'),
    limit: limitInput(),
    cursor: cursorInput,
  },
  outputSchema: {
    users: z.array(user),
    totalCount: z.number().int().optional(),
    nextCursor: z.string().optional(),
  },
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async handler({ query, limit, cursor }, { docebo }) {
    const key = { query: query ?? '', limit };
    const { page } = readCursor(cursor, key);
    const result = await docebo.listUsers({
      search: query || undefined,
      page,
      pageSize: limit,
      withTotal: page === 1,
    });
    const users = result.items.map((u) => ({
      id: u.user_id,
      username: u.username,
      firstName: u.first_name ?? undefined,
      lastName: u.last_name ?? undefined,
      email: u.email ?? undefined,
      level: u.level === null || u.level === undefined ? undefined : String(u.level),
      lastAccess: u.last_access_date ?? undefined,
    }));
    const next = nextCursor(result, key);
    const lines = users.map(
      (u) =>
        `- [${u.id}] ${[u.firstName, u.lastName].filter(Boolean).join(' ') || u.username} (${u.username})${u.email ? `, ${u.email}` : ''}`,
    );
    return {
      structured: { users, totalCount: result.totalCount, nextCursor: next },
      text: users.length
        ? ['Users:', ...lines].join('\n') + moreNote(next, users.length, result.totalCount)
        : `No users${query ? ` match "${query}"` : ''}.`,
    };
  },
});
