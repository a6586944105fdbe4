import { Router } from 'express';
import { listBody, matchesText, QueryParams, readPaging, readSortDir, single, sortBy } from './api.envelope';
import { isAdmin } from './api.auth';
import { enrollmentUsers } from './enrollments.routes';
import { idParam } from './manage.routes';
import { principalOf, type SandboxContext } from './sandbox.context';
import { ENROLLMENT_STATUS_NAMES, type SandboxLearningPlan, type SandboxUser } from './sandbox.data';
import { notFound } from './sandbox.errors';
import { DEMO_ACCOUNTS } from './sandbox.seed';

/**
 * The `learningplan` service (docebo-api.md §5.4), the current home of learning plans [C R4, R8]. Learners see
 * published plans; admins see drafts too.
 */

/** Default page sizes: not documented [I]. */
const PLANS_PAGE_SIZE = 20;
const PLAN_ENROLLMENTS_PAGE_SIZE = 200;

const PLAN_SORTS: Record<string, (p: SandboxLearningPlan) => string | number> = {
  learning_plan_id: (p) => p.id,
  title: (p) => p.title,
  code: (p) => p.code,
  created_on: (p) => p.createdAt,
  updated_on: (p) => p.updatedAt,
};

function planItem(ctx: SandboxContext, p: SandboxLearningPlan) {
  const admin = ctx.data.usersById.get(DEMO_ACCOUNTS.admin);
  const by = admin ? { id: admin.id, username: admin.username } : null;
  return {
    learning_plan_id: p.id,
    uuid: p.uuid,
    code: p.code,
    title: p.title,
    description: p.description,
    thumbnail_url: '',
    price: '',
    credits: p.credits,
    is_published: p.published,
    is_publishable: true,
    assigned_courses_count: p.courseIds.length,
    assigned_enrollments_count: [...ctx.data.lpEnrollments.values()].filter((e) => e.learningPlanId === p.id)
      .length,
    assigned_catalogs_count: ctx.data.catalogs.filter((c) =>
      c.items.some((i) => i.type === 'learning_plan' && i.id === p.id),
    ).length,
    assigned_channels_count: 0,
    created_on: p.createdAt,
    created_by: by,
    updated_on: p.updatedAt,
    updated_by: by,
  };
}

export function learningPlansRouter(ctx: SandboxContext): Router {
  const router = Router();
  const visiblePlan = (user: SandboxUser, id: number) => {
    const plan = ctx.data.learningPlansById.get(id);
    if (!plan || (!plan.published && !isAdmin(user))) throw notFound(`Learning plan ${id} not found.`);
    return plan;
  };

  router.get('/learningplan/v1/learningplans', (req, res) => {
    const { user } = principalOf(res);
    const q = QueryParams.of(req);
    const paging = readPaging(q, PLANS_PAGE_SIZE, ctx.settings);
    const plans = ctx.data.learningPlans.filter(
      (p) =>
        (p.published || isAdmin(user)) && matchesText(q.get('search_text'), p.title, p.code, p.description),
    );
    const key = PLAN_SORTS[q.get('sort_attr') ?? ''] ?? PLAN_SORTS.learning_plan_id;
    const sorted = sortBy(plans, key, readSortDir(q, 'sort_dir', 'asc'));
    res.json(
      listBody(
        sorted.map((p) => planItem(ctx, p)),
        paging,
      ),
    );
  });

  // Before "/:planId", which would otherwise take "enrollments" as an id.
  router.get('/learningplan/v1/learningplans/enrollments', (req, res) => {
    const { user: actor } = principalOf(res);
    const q = QueryParams.of(req);
    const paging = readPaging(q, PLAN_ENROLLMENTS_PAGE_SIZE, ctx.settings);
    const users = enrollmentUsers(ctx, [...q.ints('user_id'), ...q.ints('id_user')], actor);
    const planIds = new Set([...q.ints('learning_plan_id'), ...q.ints('id_path')]);
    const items = [...ctx.data.lpEnrollments.values()]
      .filter(
        (e) => (users === 'all' || users.has(e.userId)) && (!planIds.size || planIds.has(e.learningPlanId)),
      )
      .sort((a, b) => a.id - b.id)
      .map((e) => {
        const plan = ctx.data.learningPlansById.get(e.learningPlanId)!;
        const courseStatuses = plan.courseIds.map((id) => ctx.data.enrollment(id, e.userId)?.status);
        return {
          id_path: plan.id,
          id_user: e.userId,
          learning_plan_code: plan.code,
          learning_plan_title: plan.title,
          enrollment_date: e.enrolledAt,
          completion_date: e.completedAt,
          enrollment_status: ENROLLMENT_STATUS_NAMES[e.status],
          score_given: null,
          total_credits: plan.credits,
          total_time: 0,
          completed_courses: courseStatuses.filter((s) => s === 2).length,
          total_courses: plan.courseIds.length,
        };
      });
    res.json(listBody(items, paging));
  });

  router.get('/learningplan/v1/learningplans/:planId', (req, res) => {
    const plan = visiblePlan(principalOf(res).user, idParam(req, 'planId', 'learning plan'));
    res.json(single({ ...planItem(ctx, plan), courses: planCourses(ctx, plan) }));
  });

  router.get('/learningplan/v1/learningplans/:planId/courses', (req, res) => {
    const plan = visiblePlan(principalOf(res).user, idParam(req, 'planId', 'learning plan'));
    const q = QueryParams.of(req);
    res.json(listBody(planCourses(ctx, plan), readPaging(q, PLANS_PAGE_SIZE, ctx.settings)));
  });

  return router;
}

function planCourses(ctx: SandboxContext, plan: SandboxLearningPlan) {
  return plan.courseIds.map((id, i) => {
    const c = ctx.data.coursesById.get(id)!;
    return {
      id_course: c.id,
      name: c.name,
      code: c.code,
      course_type: c.type,
      sequence: i + 1,
      is_required: true,
    };
  });
}
