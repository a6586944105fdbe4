import { z } from 'zod';
import { defineTool } from './define-tool';
import { cursorInput, limitInput, moreNote, nextCursor, readCursor } from './paging';

/** Friendly status names, and what Docebo's list strings (docebo-api.md §5.2 [I]) mean in them. */
const STATUSES = ['not_started', 'in_progress', 'completed', 'suspended', 'waiting'] as const;
const FROM_DOCEBO: Record<string, (typeof STATUSES)[number]> = {
  subscribed: 'not_started',
  not_started: 'not_started',
  in_progress: 'in_progress',
  completed: 'completed',
  suspended: 'suspended',
  waiting_list: 'waiting',
  waiting: 'waiting',
  to_confirm: 'waiting',
  overbooking: 'waiting',
};

const enrollment = z.object({
  id: z.number().int().describe('Course id (or learning plan id when type is learning_plan).'),
  name: z.string(),
  type: z.string().optional(),
  status: z.string(),
  score: z.number().optional(),
  enrolledAt: z.string().optional(),
  completedAt: z.string().optional(),
});

export const listMyEnrollments = defineTool({
  name: 'list_my_enrollments',
  title: 'List my enrollments',
  description:
    "Lists the signed-in user's own course and learning-plan enrollments with their status (not_started, " +
    'in_progress, completed, suspended, waiting), score and dates. Filter by status to find, for example, what is ' +
    'left to finish.',
  toolset: 'enrollments',
  minLevel: 'user',
  inputSchema: {
    status: z.enum(STATUSES).optional().describe('Only enrollments in this status.'),
    limit: limitInput(),
    cursor: cursorInput,
  },
  outputSchema: { enrollments: z.array(enrollment), nextCursor: z.string().optional() },
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async handler({ status, limit, cursor }, { docebo, principal }) {
    const key = { status: status ?? '', limit };
    const { page, doceboCursor } = readCursor(cursor, key);
    const result = await docebo.listEnrollments({
      userIds: [principal.userId],
      statuses: status ? [status] : undefined,
      page,
      pageSize: limit,
      cursor: doceboCursor,
    });
    const enrollments = result.items.map((e) => ({
      id: e.id,
      name: e.name,
      type: e.type ?? undefined,
      status: FROM_DOCEBO[String(e.status)] ?? String(e.status ?? 'unknown'),
      score: e.score ?? undefined,
      enrolledAt: e.enroll_begin_date ?? undefined,
      completedAt: e.course_complete_date ?? undefined,
    }));
    const next = nextCursor(result, key);
    const lines = enrollments.map(
      (e) =>
        `- [${e.id}] ${e.name} (${e.type ?? 'course'}): ${e.status}${e.score ? `, score ${e.score}` : ''}`,
    );
    return {
      structured: { enrollments, nextCursor: next },
      text: enrollments.length
        ? ['Your enrollments:', ...lines].join('\n') + moreNote(next, enrollments.length)
        : `You have no enrollments${status ? ` with status ${status}` : ''}.`,
    };
  },
});
