import { z } from 'zod';
import { defineTool } from './define-tool';
import { plainText } from './text';

export const getCourse = defineTool({
  name: 'get_course',
  title: 'Get a course',
  description:
    'Returns one Docebo course by id: name, type (elearning, classroom, webinar), code, description and the other ' +
    'details Docebo provides. Find ids with search_courses or list_my_enrollments.',
  toolset: 'courses',
  minLevel: 'user',
  inputSchema: { courseId: z.number().int().positive().describe('The course id.') },
  outputSchema: {
    id: z.number().int(),
    name: z.string(),
    type: z.string().optional(),
    code: z.string().optional(),
    description: z.string().optional(),
    language: z.string().optional(),
    durationMinutes: z.number().optional(),
    credits: z.number().optional(),
    status: z.string().optional(),
  },
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async handler({ courseId }, { docebo }) {
    const c = await docebo.getCourse(courseId);
    const extra = c as Record<string, unknown>;
    const pick = (k: string) => (typeof extra[k] === 'string' && extra[k] ? (extra[k] as string) : undefined);
    const number = (k: string) => (typeof extra[k] === 'number' ? (extra[k] as number) : undefined);
    const duration = number('duration');
    const detail = {
      id: c.id ?? c.id_course ?? courseId,
      name: c.name,
      type: c.type ?? undefined,
      code: c.code || undefined,
      description: plainText(c.description, 2000),
      language: pick('language') ?? pick('lang_code'),
      durationMinutes: duration === undefined ? undefined : Math.round(duration / 60),
      credits: number('credits'),
      status: pick('status'),
    };
    const facts = [
      detail.type && `type ${detail.type}`,
      detail.code && `code ${detail.code}`,
      detail.language && `language ${detail.language}`,
      detail.durationMinutes !== undefined && `${detail.durationMinutes} min`,
    ].filter(Boolean);
    return {
      structured: detail,
      text: `[${detail.id}] ${detail.name}${facts.length ? ` (${facts.join(', ')})` : ''}${detail.description ? `\n${detail.description}` : ''}`,
    };
  },
});
