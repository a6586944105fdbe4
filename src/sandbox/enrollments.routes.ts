import { type Request, Router } from 'express';
import { z } from 'zod';
import { dateMs, listBody, matchesText, QueryParams, readDate, readPaging, single } from './api.envelope';
import { canManage, requireAdmin, requireSee, visibleUserIds } from './api.auth';
import { slug } from './courses.routes';
import { BodyError, readBody } from './http.body';
import { idParam } from './manage.routes';
import { principalOf, type SandboxContext } from './sandbox.context';
import {
  ENROLLMENT_LEVEL_NAMES,
  ENROLLMENT_STATUS_FILTERS,
  ENROLLMENT_STATUS_NAMES,
  type SandboxEnrollment,
  type SandboxLpEnrollment,
  type SandboxUser,
} from './sandbox.data';
import { badRequest, forbidden, notFound, SandboxApiError } from './sandbox.errors';
import { doceboDate } from './sandbox.seed';

/**
 * Enrollments (docebo-api.md §5.2): one list for course and learning-plan enrollments whose items carry `id` (not
 * `id_course`) and string `status`/`level`; a detail under `data.records` with an integer status; single and bulk
 * enroll, update and unenroll.
 */

/** Default page size of `/learn/v1/enrollments`: not documented [I]. */
const ENROLLMENTS_PAGE_SIZE = 200;
const TYPES = new Set(['elearning', 'classroom', 'webinar', 'learning_plan']);
/** Parameters that are paging, not filters: they are not stored in a cursor. */
const PAGING_PARAMS = new Set(['page', 'page_size', 'get_total_count', 'cursor', 'get_cursor']);

// Bodies: integers may arrive as numbers (JSON) or digit strings (forms).
const int = z.union(
  [
    z.number().int(),
    z
      .string()
      .trim()
      .regex(/^-?\d+$/)
      .transform(Number),
  ],
  {
    error: 'must be an integer',
  },
);
const ids = z.union([z.array(int), int.transform((v) => [v])], {
  error: 'must be an integer or a list of integers',
});
const level = int.refine(
  (v) => v in ENROLLMENT_LEVEL_NAMES,
  'must be 3 (learner), 4 (tutor) or 6 (instructor)',
);
const date = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/, 'must be a date as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS')
  .transform((v) => (v.length === 10 ? `${v} 00:00:00` : v.length === 16 ? `${v}:00` : v))
  .refine((v) => doceboDate(Date.parse(`${v.replace(' ', 'T')}Z`) || 0) === v, 'is not a valid date');
const assignmentType = z.enum(['mandatory', 'required', 'recommended', 'optional']);

const enrollFields = {
  level: level.optional(),
  date_begin_validity: date.optional(),
  date_expire_validity: date.optional(),
  session_id: int.optional(),
  enrollment_fields: z.unknown().optional(),
  subscription_record: z.unknown().optional(),
  assignment_type: assignmentType.optional(),
};
const singleEnrollSchema = z.object(enrollFields);
const bulkEnrollSchema = z.object({
  ...enrollFields,
  course_ids: ids,
  user_ids: ids.optional(),
  group_ids: ids.optional(),
  branch_ids: ids.optional(),
  notification_ids: ids.optional(),
});
const updateSchema = z.object({
  status: int.refine((v) => v in ENROLLMENT_STATUS_NAMES, 'is not a known enrollment status code').optional(),
  level: level.optional(),
  date_complete: date.optional(),
  score_given: z
    .union([
      z.number(),
      z
        .string()
        .trim()
        .regex(/^\d+(\.\d+)?$/)
        .transform(Number),
    ])
    .optional(),
  date_begin_validity: date.optional(),
  date_expire_validity: date.optional(),
});
const bulkDeleteSchema = z.object({
  course_ids: ids,
  user_ids: ids,
  reset_tracks: z.unknown().optional(),
  delete_issued_certificates: z.unknown().optional(),
});

async function parseBody<T>(req: Request, schema: z.ZodType<T>): Promise<T> {
  let fields: unknown;
  try {
    fields = await readBody(req);
  } catch (e) {
    if (e instanceof BodyError) throw new SandboxApiError(e.status, e.message);
    throw e;
  }
  const result = schema.safeParse(fields);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw badRequest(`Invalid field "${issue.path.join('.') || '(body)'}": ${issue.message}.`);
  }
  return result.data;
}

function courseEnrollmentItem(ctx: SandboxContext, e: SandboxEnrollment) {
  const c = ctx.data.coursesById.get(e.courseId)!;
  return {
    id: c.id,
    user_id: e.userId,
    name: c.name,
    code: c.code,
    description: c.description,
    slug_name: slug(c.name),
    type: c.type,
    status: ENROLLMENT_STATUS_NAMES[e.status],
    level: ENROLLMENT_LEVEL_NAMES[e.level],
    score: e.score,
    enroll_begin_date: e.enrolledAt,
    enroll_end_date: e.validUntil,
    course_complete_date: e.completedAt,
    total_time: e.totalTime,
    duration: c.duration * 60,
    lang_code: 'en',
    url: `/learn/courses/${c.id}/${slug(c.name)}`,
    image_url: '',
    can_enter: e.status >= 0 && e.status !== 3,
    is_new: e.status === 0,
    rating: c.rating,
  };
}

function lpEnrollmentItem(ctx: SandboxContext, e: SandboxLpEnrollment) {
  const p = ctx.data.learningPlansById.get(e.learningPlanId)!;
  return {
    id: p.id,
    user_id: e.userId,
    name: p.title,
    code: p.code,
    description: p.description,
    slug_name: slug(p.title),
    type: 'learning_plan',
    status: ENROLLMENT_STATUS_NAMES[e.status],
    enroll_begin_date: e.enrolledAt,
    enroll_end_date: null,
    course_complete_date: e.completedAt,
    courses_count: p.courseIds.length,
    url: `/learn/learning-plans/${p.id}/${slug(p.title)}`,
    image_url: '',
    can_enter: true,
    is_new: e.status === 0,
  };
}

/** Which users' enrollments a request may list: the ones asked for, or all the caller sees. 403 beyond them. */
export function enrollmentUsers(
  ctx: SandboxContext,
  requested: number[],
  actor: SandboxUser,
): Set<number> | 'all' {
  const visible = visibleUserIds(ctx, actor);
  if (!requested.length) return visible;
  for (const id of requested) requireSee(ctx, actor, id);
  return new Set(requested);
}

export function enrollmentsRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.get('/learn/v1/enrollments', (req, res) => {
    const { user: actor } = principalOf(res);
    const q = QueryParams.of(req);
    const paging = readPaging(q, ENROLLMENTS_PAGE_SIZE, ctx.settings);
    // A cursor brings back the filters of the request that created it [C R2, R5].
    let cursor = q.get('cursor');
    let filters = q;
    if (cursor) {
      const stored = ctx.cursors.load(cursor, actor.id);
      if (stored === undefined) throw badRequest('Invalid or expired cursor.');
      filters = new QueryParams(new URLSearchParams(stored));
    } else {
      const params = new URLSearchParams(
        req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '',
      );
      for (const name of [...params.keys()]) if (PAGING_PARAMS.has(name)) params.delete(name);
      cursor = ctx.cursors.save(actor.id, params.toString());
    }

    // `id_user`, not `user_id` [C R1 7f22447]: an unknown parameter is ignored, like any other.
    const users = enrollmentUsers(ctx, filters.ints('id_user'), actor);
    const courseIds = new Set(filters.ints('id_course'));
    const statuses = new Set(
      filters.all('status').map((s) => {
        const code = ENROLLMENT_STATUS_FILTERS[s.toLowerCase()];
        if (code === undefined) throw badRequest(`Invalid value "${s}" for parameter "status".`);
        return code;
      }),
    );
    const types = new Set(
      filters.all('type').map((t) => {
        if (!TYPES.has(t))
          throw badRequest(
            `Invalid value "${t}" for parameter "type": use elearning, classroom, webinar or learning_plan.`,
          );
        return t;
      }),
    );
    const search = filters.get('search');
    const from = readDate(filters, 'updated_from');
    const to = readDate(filters, 'updated_to');
    const keep = (
      userId: number,
      id: number,
      type: string,
      status: number,
      updatedAt: string,
      ...text: string[]
    ) =>
      (users === 'all' || users.has(userId)) &&
      (!courseIds.size || courseIds.has(id)) &&
      (!statuses.size || statuses.has(status)) &&
      (!types.size || types.has(type)) &&
      (from === undefined || dateMs(updatedAt) >= from) &&
      (to === undefined || dateMs(updatedAt) <= to) &&
      matchesText(search, ...text);

    type Entry = { course: SandboxEnrollment } | { plan: SandboxLpEnrollment };
    const entries: (Entry & { order: number })[] = [];
    for (const e of ctx.data.enrollments.values()) {
      const c = ctx.data.coursesById.get(e.courseId)!;
      if (keep(e.userId, c.id, c.type, e.status, e.updatedAt, c.name, c.code))
        entries.push({ order: e.id, course: e });
    }
    for (const e of ctx.data.lpEnrollments.values()) {
      const p = ctx.data.learningPlansById.get(e.learningPlanId)!;
      if (keep(e.userId, p.id, 'learning_plan', e.status, e.updatedAt, p.title, p.code))
        entries.push({ order: e.id, plan: e });
    }
    entries.sort((a, b) => a.order - b.order);
    res.json(
      listBody(entries, paging, {
        cursor,
        map: (x): Record<string, unknown> =>
          'course' in x ? courseEnrollmentItem(ctx, x.course) : lpEnrollmentItem(ctx, x.plan),
      }),
    );
  });

  router.get('/learn/v1/enrollments/:courseId/:userId', (req, res) => {
    const { user: actor } = principalOf(res);
    const courseId = idParam(req, 'courseId', 'course');
    const userId = idParam(req, 'userId', 'user');
    requireSee(ctx, actor, userId);
    if (!ctx.data.user(userId)) throw notFound(`User ${userId} not found.`);
    const c = ctx.data.coursesById.get(courseId);
    if (!c) throw notFound(`Course ${courseId} not found.`);
    const e = ctx.data.enrollment(courseId, userId);
    if (!e) throw notFound(`User ${userId} is not enrolled in course ${courseId}.`);
    res.json(
      single({
        records: {
          id: c.id,
          name: c.name,
          course_code: c.code,
          type: c.type,
          status: e.status,
          level: e.level,
          score: e.score ?? 0,
          enroll_begin_date: e.enrolledAt,
          course_complete_date: e.completedAt,
          date_begin_validity: e.validFrom,
          date_expire_validity: e.validUntil,
          session_id: e.sessionId,
          lang_code: 'en',
          enrollment_fields: [],
        },
      }),
    );
  });

  /** Enrolls one pair, or says why not (the bulk endpoints collect these messages in `errors`). */
  function enrollOne(
    actorId: number,
    courseId: number,
    userId: number,
    body: z.output<typeof singleEnrollSchema>,
  ): string | undefined {
    const actor = ctx.data.usersById.get(actorId)!;
    const course = ctx.data.coursesById.get(courseId);
    if (!course) return `Course ${courseId} does not exist.`;
    if (!ctx.data.user(userId)) return `User ${userId} does not exist.`;
    if (!canManage(ctx, actor, userId)) return `You are not allowed to enroll user ${userId}.`;
    if (ctx.data.enrollment(courseId, userId))
      return `User ${userId} is already enrolled in course ${courseId}.`;
    if (body.session_id !== undefined) {
      const session = ctx.data.sessionsById.get(body.session_id);
      if (!session || session.courseId !== courseId)
        return `Session ${body.session_id} does not belong to course ${courseId}.`;
    }
    const now = doceboDate(ctx.now());
    ctx.data.addEnrollment({
      courseId,
      userId,
      status: 0,
      level: body.level ?? 3,
      enrolledAt: now,
      validFrom: body.date_begin_validity ?? null,
      validUntil: body.date_expire_validity ?? null,
      completedAt: null,
      score: null,
      totalTime: 0,
      sessionId: body.session_id ?? null,
      updatedAt: now,
    });
    return undefined;
  }

  router.post('/learn/v1/enrollments/:courseId/:userId', async (req, res) => {
    const { user: actor } = principalOf(res);
    requireAdmin(actor);
    const courseId = idParam(req, 'courseId', 'course');
    const userId = idParam(req, 'userId', 'user');
    const body = await parseBody(req, singleEnrollSchema);
    if (!ctx.data.coursesById.has(courseId)) throw notFound(`Course ${courseId} not found.`);
    if (!ctx.data.user(userId)) throw notFound(`User ${userId} not found.`);
    if (!canManage(ctx, actor, userId)) throw forbidden(`You are not allowed to enroll user ${userId}.`);
    if (body.session_id !== undefined && ctx.data.sessionsById.get(body.session_id)?.courseId !== courseId)
      throw badRequest(`Session ${body.session_id} does not belong to course ${courseId}.`);
    const error = enrollOne(actor.id, courseId, userId, body);
    res.json(single({ enrolled: error ? [] : [userId], errors: error ? [error] : [] }));
  });

  router.post('/learn/v1/enrollments', async (req, res) => {
    const { user: actor } = principalOf(res);
    requireAdmin(actor);
    const body = await parseBody(req, bulkEnrollSchema);
    const userIds = new Set(body.user_ids ?? []);
    for (const groupId of body.group_ids ?? []) {
      const group = ctx.data.groupsById.get(groupId);
      if (!group) throw badRequest(`Group ${groupId} does not exist.`);
      for (const id of group.memberIds) userIds.add(id);
    }
    for (const branchId of body.branch_ids ?? []) {
      if (!ctx.data.branchesById.has(branchId)) throw badRequest(`Branch ${branchId} does not exist.`);
      for (const u of ctx.data.users) if (u.branchIds.includes(branchId)) userIds.add(u.id);
    }
    if (!body.course_ids.length)
      throw badRequest('Invalid field "course_ids": at least one course is required.');
    if (!userIds.size) throw badRequest('Provide user_ids, group_ids or branch_ids: nobody to enroll.');
    const enrolled = new Set<number>();
    const errors: string[] = [];
    for (const courseId of body.course_ids) {
      for (const userId of userIds) {
        const error = enrollOne(actor.id, courseId, userId, body);
        if (error) errors.push(error);
        else enrolled.add(userId);
      }
    }
    res.json(single({ enrolled: [...enrolled], errors }));
  });

  router.put('/learn/v1/enrollments/:courseId/:userId', async (req, res) => {
    const { user: actor } = principalOf(res);
    requireAdmin(actor);
    const courseId = idParam(req, 'courseId', 'course');
    const userId = idParam(req, 'userId', 'user');
    const body = await parseBody(req, updateSchema);
    if (Object.values(body).every((v) => v === undefined))
      throw badRequest('Nothing to update: send status, level, score_given or dates.');
    if (!ctx.data.coursesById.has(courseId)) throw notFound(`Course ${courseId} not found.`);
    if (!ctx.data.user(userId)) throw notFound(`User ${userId} not found.`);
    if (!canManage(ctx, actor, userId))
      throw forbidden(`You are not allowed to update the enrollments of user ${userId}.`);
    const e = ctx.data.enrollment(courseId, userId);
    if (!e) throw notFound(`User ${userId} is not enrolled in course ${courseId}.`);
    const now = doceboDate(ctx.now());
    if (body.status !== undefined) {
      e.status = body.status;
      e.completedAt = body.status === 2 ? (body.date_complete ?? e.completedAt ?? now) : null;
    } else if (body.date_complete !== undefined) e.completedAt = body.date_complete;
    if (body.level !== undefined) e.level = body.level;
    if (body.score_given !== undefined) e.score = body.score_given;
    if (body.date_begin_validity !== undefined) e.validFrom = body.date_begin_validity;
    if (body.date_expire_validity !== undefined) e.validUntil = body.date_expire_validity;
    e.updatedAt = now;
    res.json(single({ updated: [{ course_id: courseId, user_id: userId }], not_updated: [] }));
  });

  router.delete('/learn/v1/enrollments/:courseId/:userId', (req, res) => {
    const { user: actor } = principalOf(res);
    requireAdmin(actor);
    const courseId = idParam(req, 'courseId', 'course');
    const userId = idParam(req, 'userId', 'user');
    if (!ctx.data.coursesById.has(courseId)) throw notFound(`Course ${courseId} not found.`);
    if (!ctx.data.user(userId)) throw notFound(`User ${userId} not found.`);
    if (!canManage(ctx, actor, userId)) throw forbidden(`You are not allowed to unenroll user ${userId}.`);
    const removed = ctx.data.removeEnrollment(courseId, userId);
    if (!removed) throw notFound(`User ${userId} is not enrolled in course ${courseId}.`);
    res.json(single({ deleted_enrollment: removed.id }));
  });

  router.delete('/learn/v1/enrollments', async (req, res) => {
    const { user: actor } = principalOf(res);
    requireAdmin(actor);
    const body = await parseBody(req, bulkDeleteSchema);
    const unEnrolled = new Set<number>();
    const errors: string[] = [];
    for (const courseId of body.course_ids) {
      if (!ctx.data.coursesById.has(courseId)) {
        errors.push(`Course ${courseId} does not exist.`);
        continue;
      }
      for (const userId of body.user_ids) {
        if (!ctx.data.user(userId)) errors.push(`User ${userId} does not exist.`);
        else if (!canManage(ctx, actor, userId))
          errors.push(`You are not allowed to unenroll user ${userId}.`);
        else if (!ctx.data.removeEnrollment(courseId, userId))
          errors.push(`User ${userId} is not enrolled in course ${courseId}.`);
        else unEnrolled.add(userId);
      }
    }
    res.json(single({ un_enrolled: [...unEnrolled], errors }));
  });

  return router;
}
