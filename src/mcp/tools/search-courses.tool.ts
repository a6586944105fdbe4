import { z } from 'zod';
import { defineTool } from './define-tool';
import { cursorInput, limitInput, moreNote, nextCursor, readCursor } from './paging';
import { plainText } from './text';

const course = z.object({
  id: z.number().int(),
  name: z.string(),
  type: z.string().optional().describe('elearning, classroom or webinar'),
  code: z.string().optional(),
  description: z.string().optional(),
});

export const searchCourses = defineTool({
  name: 'search_courses',
  title: 'Search courses',
  description:
    'Searches the Docebo course catalog the signed-in user can see, by words in the course name or description. ' +
    'Returns course ids, names, types (elearning, classroom, webinar) and short descriptions, a page at a time. ' +
    'Use get_course with an id for details.',
  toolset: 'courses',
  minLevel: 'user',
  inputSchema: {
    query: z.string().trim().max(200).optional().describe('Words to look for; omit to list all courses.'),
    limit: limitInput(),
    cursor: cursorInput,
  },
  outputSchema: {
    courses: z.array(course),
    totalCount: z.number().int().optional(),
    nextCursor: z.string().optional(),
  },
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async handler({ query, limit, cursor }, { docebo, progress }) {
    const key = { query: query ?? '', limit };
    const { page } = readCursor(cursor, key);
    await progress(0, 1, 'Searching the Docebo catalog');
    const result = await docebo.listCourses({
      search: query || undefined,
      page,
      pageSize: limit,
      withTotal: page === 1,
    });
    await progress(1, 1, `Found ${result.items.length} course(s)`);
    const courses = result.items.map((c) => ({
      id: c.id_course,
      name: c.name,
      type: c.course_type ?? undefined,
      code: c.code || undefined,
      description: plainText(c.description, 300),
    }));
    const next = nextCursor(result, key);
    const lines = courses.map(
      (c) =>
        `- [${c.id}] ${c.name}${c.type ? ` (${c.type})` : ''}${c.description ? ` — ${c.description}` : ''}`,
    );
    const header = courses.length
      ? `Courses${query ? ` matching "${query}"` : ''}:`
      : `No courses${query ? ` match "${query}"` : ''}.`;
    return {
      structured: { courses, totalCount: result.totalCount, nextCursor: next },
      text:
        [header, ...lines].join('\n') +
        (courses.length ? moreNote(next, courses.length, result.totalCount) : ''),
    };
  },
});
