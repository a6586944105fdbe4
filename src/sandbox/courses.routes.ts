import { Router } from 'express';
import {
  dateMs,
  listBody,
  matchesText,
  QueryParams,
  readDate,
  readPaging,
  readSortDir,
  single,
  sortBy,
} from './api.envelope';
import { idParam } from './manage.routes';
import { principalOf, type SandboxContext } from './sandbox.context';
import {
  ENROLLMENT_LEVEL_NAMES,
  ENROLLMENT_STATUS_NAMES,
  type SandboxCatalogItem,
  type SandboxCategory,
  type SandboxCourse,
  type SandboxIltSession,
  type SandboxUser,
} from './sandbox.data';
import { notFound } from './sandbox.errors';

/** The `learn` service's catalogue side: courses (§5.1), ILT sessions (§5.6), categories, catalogs (§5.5). */

/** Default page size of `/learn/v1/courses`: 20 [C R2]; catalogs and categories are not documented [I]. */
const COURSES_PAGE_SIZE = 20;
const CATEGORIES_PAGE_SIZE = 200;
const CATALOG_PAGE_SIZE = 20;

/** `sort_by` values; an unknown one is ignored [C R2], leaving the default order (by id). */
const COURSE_SORTS: Record<string, (c: SandboxCourse) => string | number> = {
  id_course: (c) => c.id,
  name: (c) => c.name,
  code: (c) => c.code,
  course_type: (c) => c.type,
  date_last_updated: (c) => c.updatedAt,
  last_update: (c) => c.updatedAt,
  credits: (c) => c.credits,
};

/** A course as the list shows it: `id_course` and `course_type` [C R2, R1, R4]. */
function courseListItem(ctx: SandboxContext, c: SandboxCourse) {
  const category = ctx.data.categoriesById.get(c.categoryId)!;
  return {
    id_course: c.id,
    name: c.name,
    uidCourse: c.uid,
    code: c.code,
    description: c.description,
    course_type: c.type,
    selling: c.selling,
    price: c.price,
    language: c.language,
    language_label: 'English',
    date_last_updated: c.updatedAt,
    date_creation: c.createdAt,
    slug_name: slug(c.name),
    image: '',
    img_url: '',
    duration: c.duration,
    credits: c.credits,
    current_rating: c.rating,
    can_rate: true,
    can_self_unenroll: false,
    category: { id: category.id, name: category.title },
  };
}

export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function sessionItem(ctx: SandboxContext, s: SandboxIltSession) {
  const course = ctx.data.coursesById.get(s.courseId)!;
  const first = s.dates[0];
  const last = s.dates[s.dates.length - 1];
  const enrolled = [...ctx.data.enrollments.values()].filter((e) => e.sessionId === s.id).length;
  return {
    id: s.id,
    name: s.name,
    slug_name: slug(s.name),
    description:
      course.type === 'webinar' ? `Live webinar of ${course.name}` : `Classroom edition of ${course.name}`,
    start_date: `${first.day} ${first.timeBegin}`,
    end_date: `${last.day} ${last.timeEnd}`,
    begin_day: first.day,
    begin_time: first.timeBegin,
    begin_timezone: first.timezone,
    end_time: last.timeEnd,
    end_timezone: last.timezone,
    max_enroll: s.maxEnroll,
    enrolled_users: enrolled,
    instructors: s.instructorIds.map((id) => {
      const u = ctx.data.usersById.get(id)!;
      return { user_id: u.id, username: u.username, first_name: u.firstName, last_name: u.lastName };
    }),
    // R2 wraps each day in a `date` object [C R2 LearnCourseSessionsDates].
    dates: s.dates.map((d, i) => ({
      date: {
        name: `Day ${i + 1}`,
        day: d.day,
        time_begin: d.timeBegin,
        time_end: d.timeEnd,
        timezone: d.timezone,
        ...(course.type === 'classroom'
          ? { id_location: 1 + (d.location ? d.location.length % 4 : 0), location_name: d.location }
          : { tool: 'custom', start_hour: d.timeBegin, duration: 90 }),
      },
    })),
  };
}

export function coursesRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.get('/learn/v1/courses', (req, res) => {
    const q = QueryParams.of(req);
    const paging = readPaging(q, COURSES_PAGE_SIZE, ctx.settings);
    const search = q.get('search_text');
    const updatedFrom = readDate(q, 'updated_from');
    const category = q.int('category');
    const courses = ctx.data.courses.filter(
      (c) =>
        matchesText(search, c.name, c.code, c.description) &&
        (updatedFrom === undefined || dateMs(c.updatedAt) >= updatedFrom) &&
        (category === undefined || c.categoryId === category),
    );
    const sortKey = COURSE_SORTS[q.get('sort_by') ?? ''];
    const sorted = sortKey ? sortBy(courses, sortKey, readSortDir(q, 'sort_by_direction', 'asc')) : courses;
    res.json(listBody(sorted, paging, { map: (c) => courseListItem(ctx, c) }));
  });

  // Detail uses `type` where the list says `course_type` [C R1 contract test].
  router.get('/learn/v1/courses/:courseId', (req, res) => {
    const { user } = principalOf(res);
    const id = idParam(req, 'courseId', 'course');
    const c = ctx.data.coursesById.get(id);
    if (!c) throw notFound(`Course ${id} not found.`);
    const category = ctx.data.categoriesById.get(c.categoryId)!;
    const enrollment = ctx.data.enrollment(c.id, user.id);
    const instructors = new Set(
      ctx.data.sessions.filter((s) => s.courseId === c.id).flatMap((s) => s.instructorIds),
    );
    res.json(
      single({
        id: c.id,
        uidCourse: c.uid,
        code: c.code,
        name: c.name,
        description: c.description,
        type: c.type,
        lang_code: 'en',
        language: c.language,
        slug_name: slug(c.name),
        category: { id: category.id, name: category.title },
        credits: c.credits,
        duration: c.duration,
        selling: c.selling,
        on_sale: c.selling,
        price: c.price,
        date_last_updated: c.updatedAt,
        current_rating: c.rating,
        can_rate: true,
        can_self_unenroll: false,
        has_overview: true,
        show_toc: true,
        has_autoplay: false,
        thumbnail: '',
        certificate_url: '',
        enrolled_count: [...ctx.data.enrollments.values()].filter((e) => e.courseId === c.id).length,
        instructors: [...instructors].map((uid) => {
          const u = ctx.data.usersById.get(uid)!;
          return { user_id: u.id, username: u.username, first_name: u.firstName, last_name: u.lastName };
        }),
        learningplans: ctx.data.learningPlans.filter((p) => p.courseIds.includes(c.id)).map((p) => p.id),
        // The caller's own enrollment [C R2 LearnCourseViewData].
        status: enrollment ? ENROLLMENT_STATUS_NAMES[enrollment.status] : null,
        level: enrollment ? ENROLLMENT_LEVEL_NAMES[enrollment.level] : null,
        completion_date: enrollment?.completedAt ?? null,
        final_score: enrollment?.score ?? null,
      }),
    );
  });

  router.get('/learn/v1/courses/:courseId/sessions', (req, res) => {
    const { user } = principalOf(res);
    const id = idParam(req, 'courseId', 'course');
    const c = ctx.data.coursesById.get(id);
    if (!c) throw notFound(`Course ${id} not found.`);
    // An e-learning course simply has no sessions [I].
    const sessions = ctx.data.sessions.filter((s) => s.courseId === id);
    const mine = ctx.data.enrollment(id, user.id);
    const locations = new Set(sessions.flatMap((s) => s.dates.map((d) => d.location)));
    res.json(
      single({
        current_location: locations.size === 1 && !locations.has(null) ? 1 : -1,
        is_enrolled: !!mine,
        sessions: sessions.map((s) => sessionItem(ctx, s)),
      }),
    );
  });

  router.get('/learn/v1/categories', (req, res) => {
    const q = QueryParams.of(req);
    const paging = readPaging(q, CATEGORIES_PAGE_SIZE, ctx.settings);
    const categories = ctx.data.categories.filter((c) => matchesText(q.get('search_text'), c.title, c.code));
    res.json(
      listBody(
        categories.map((c) => categoryItem(ctx, c)),
        paging,
      ),
    );
  });

  router.get('/learn/v1/categories/:categoryId', (req, res) => {
    const id = idParam(req, 'categoryId', 'category');
    const category = ctx.data.categoriesById.get(id);
    if (!category) throw notFound(`Category ${id} not found.`);
    res.json(
      single({
        ...categoryItem(ctx, category),
        children: ctx.data.categories
          .filter((c) => c.parentId === id)
          .map((c) => ({ id: c.id, title: c.title, code: c.code })),
      }),
    );
  });

  router.get('/learn/v1/catalog', (req, res) => {
    const { user } = principalOf(res);
    const q = QueryParams.of(req);
    const paging = readPaging(q, CATALOG_PAGE_SIZE, ctx.settings);
    const withItems = q.flag('show_item_list');
    const catalogs = ctx.data.catalogs.filter((c) =>
      matchesText(q.get('search_text'), c.name, c.description),
    );
    res.json(
      listBody(
        catalogs.map((c) => ({
          catalogue_id: c.id,
          catalogue_name: c.name,
          catalogue_description: c.description,
          number_items: c.items.length,
          ...(withItems ? { sub_items: c.items.map((i) => catalogItem(ctx, i, user)) } : {}),
        })),
        paging,
      ),
    );
  });

  // 0 is the generic catalog [C R2, R5].
  router.get('/learn/v1/catalog/:catalogId', (req, res) => {
    const { user } = principalOf(res);
    const id = idParam(req, 'catalogId', 'catalog');
    const catalog = ctx.data.catalogsById.get(id);
    if (!catalog) throw notFound(`Catalog ${id} not found.`);
    const q = QueryParams.of(req);
    const paging = readPaging(q, CATALOG_PAGE_SIZE, ctx.settings);
    const search = q.get('search_text');
    const items = catalog.items.filter((i) => {
      const entry =
        i.type === 'course' ? ctx.data.coursesById.get(i.id)! : ctx.data.learningPlansById.get(i.id)!;
      return matchesText(search, 'name' in entry ? entry.name : entry.title, entry.code);
    });
    res.json(listBody(items, paging, { map: (i) => catalogItem(ctx, i, user) }));
  });

  return router;
}

function categoryItem(ctx: SandboxContext, c: SandboxCategory) {
  const tree = categoryTree(ctx.data.categories);
  const pos = tree.get(c.id)!;
  return {
    id: c.id,
    title: c.title,
    code: c.code,
    id_parent: c.parentId,
    lev: pos.lev,
    i_left: pos.lft,
    i_right: pos.rgt,
    has_child: ctx.data.categories.some((x) => x.parentId === c.id) ? 1 : 0,
    courses_count: ctx.data.courses.filter((x) => x.categoryId === c.id).length,
  };
}

function categoryTree(categories: readonly SandboxCategory[]) {
  const out = new Map<number, { lft: number; rgt: number; lev: number }>();
  let counter = 1;
  const visit = (id: number, lev: number) => {
    const lft = counter++;
    for (const child of categories.filter((c) => c.parentId === id)) visit(child.id, lev + 1);
    out.set(id, { lft, rgt: counter++, lev });
  };
  for (const root of categories.filter((c) => c.parentId === 0)) visit(root.id, 1);
  return out;
}

/** A catalog entry [C R2 LearnCatalogueViewItems]. */
function catalogItem(ctx: SandboxContext, item: SandboxCatalogItem, user: SandboxUser) {
  if (item.type === 'course') {
    const c = ctx.data.coursesById.get(item.id)!;
    return {
      item_id: c.id,
      item_type: 'course',
      item_name: c.name,
      item_code: c.code,
      item_description: c.description,
      item_category: c.categoryId,
      item_language: c.language,
      item_thumbnail: '',
      item_can_enroll: 2,
      item_policy: 1,
      item_visibility: 1,
      item_rating: c.rating,
      item_price: c.selling ? Number(c.price) : null,
      price_status: c.selling ? 2 : 1,
      is_opened: 1,
      is_user_enrolled: ctx.data.enrollment(c.id, user.id) ? 1 : 0,
      access_status: 1,
      number_of_courses: null,
      course_type: c.type,
    };
  }
  const p = ctx.data.learningPlansById.get(item.id)!;
  return {
    item_id: p.id,
    item_type: 'learning_plan',
    item_name: p.title,
    item_code: p.code,
    item_description: p.description,
    item_category: null,
    item_language: null,
    item_thumbnail: '',
    item_can_enroll: 2,
    item_policy: 1,
    item_visibility: 1,
    item_rating: null,
    item_price: null,
    price_status: null,
    is_opened: null,
    is_user_enrolled: null,
    access_status: null,
    number_of_courses: p.courseIds.length,
  };
}
