import { z } from 'zod';
import { defineTool } from './define-tool';

export const getMyProfile = defineTool({
  name: 'get_my_profile',
  title: 'Get my profile',
  description:
    'Returns the signed-in Docebo user: id, username, name, email, role level (user, power_user or superadmin), ' +
    'timezone and language. Use it to learn who you are acting as and which user id to pass to other tools.',
  toolset: 'profile',
  minLevel: 'user',
  inputSchema: {},
  outputSchema: {
    id: z.number().int(),
    username: z.string(),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    email: z.string().optional(),
    level: z.enum(['user', 'power_user', 'superadmin']),
    timezone: z.string().optional(),
    language: z.string().optional(),
  },
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async handler(_args, { principal }) {
    // The guard has just asked Docebo this very question (cached per token): no second call, no budget spent.
    const me = principal.profile;
    const profile = {
      id: me.id,
      username: me.username,
      firstName: me.firstname ?? undefined,
      lastName: me.lastname ?? undefined,
      email: me.email ?? undefined,
      level: principal.level,
      timezone: me.timezone ?? undefined,
      language: me.language ?? undefined,
    };
    const name = [profile.firstName, profile.lastName].filter(Boolean).join(' ');
    return {
      structured: profile,
      text:
        `${name || profile.username} (username ${profile.username}, user id ${profile.id}), level ${profile.level}` +
        `${profile.email ? `, ${profile.email}` : ''}${profile.timezone ? `, timezone ${profile.timezone}` : ''}.`,
    };
  },
});
