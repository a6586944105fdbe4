import { z } from 'zod';
import { defineTool, ToolError } from './define-tool';

export const enrollUser = defineTool({
  name: 'enroll_user',
  title: 'Enroll a user',
  description:
    'Enrolls one user in one course as learner (or tutor or instructor), optionally until an expiry date. Needs ' +
    'Docebo administrator rights over that user (superadmin, or a power user managing them). Find ids with ' +
    'list_users and search_courses. Enrolling someone already enrolled changes nothing.',
  toolset: 'enrollments',
  minLevel: 'power_user',
  inputSchema: {
    courseId: z.number().int().positive().describe('The course id.'),
    userId: z.number().int().positive().describe('The user id.'),
    level: z.enum(['learner', 'tutor', 'instructor']).default('learner').describe('The role in the course.'),
    expiresOn: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
      .optional()
      .describe('Last day of access, YYYY-MM-DD; omit for no limit.'),
  },
  outputSchema: {
    courseId: z.number().int(),
    userId: z.number().int(),
    level: z.string(),
    enrolled: z.literal(true),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler({ courseId, userId, level, expiresOn }, { docebo }) {
    const { errors } = await docebo.enroll(courseId, userId, { level, dateExpireValidity: expiresOn });
    if (errors.length)
      throw new ToolError(`Docebo did not enroll user ${userId} in course ${courseId}: ${errors.join('; ')}`);
    return {
      structured: { courseId, userId, level, enrolled: true as const },
      text: `Enrolled user ${userId} in course ${courseId} as ${level}${expiresOn ? ` until ${expiresOn}` : ''}.`,
    };
  },
});
