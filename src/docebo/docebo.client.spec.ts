import { Logger } from '@nestjs/common';
import { parseConfig, type LoadedConfig } from '../config';
import { TenantRegistry, type Tenant } from '../tenancy';
import { startSandbox, type RunningSandbox } from '../../test/support/sandbox';
import { DoceboApiError } from './docebo-api.error';
import { DoceboEndpoints } from './docebo-endpoints';
import { DoceboHttp, type DoceboClock } from './docebo-http';
import {
  collectPages,
  DoceboClient,
  iteratePages,
  MAX_PAGE_SIZE,
  toDoceboLevel,
  type DoceboUserApi,
} from './docebo.client';
import { courseSessions, type Page } from './docebo.schemas';

/**
 * The typed Docebo API (DoceboUserApi) against the sandbox Docebo on a loopback port: every method's happy path with
 * the fields the gateway relies on, parameters reaching Docebo as Docebo reads them, and paging to the end.
 */

const clock: DoceboClock = { now: () => Date.now(), sleep: () => Promise.resolve() };

let running: RunningSandbox;
let tenant: Tenant;
let http: DoceboHttp;
let docebo: DoceboClient;
let admin: DoceboUserApi;
let manager: DoceboUserApi;
let learner: DoceboUserApi;

beforeAll(async () => {
  Logger.overrideLogger(false);
  running = await startSandbox();
  const loaded: LoadedConfig = {
    config: parseConfig({
      publicUrl: 'http://localhost:3000',
      tenants: {
        acme: {
          docebo: { baseUrl: running.url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret' },
        },
      },
    }),
    source: 'test',
    demo: false,
  };
  tenant = new TenantRegistry(loaded).get('acme') as Tenant;
  http = new DoceboHttp(new DoceboEndpoints(loaded), clock);
  docebo = new DoceboClient(http);
});
afterAll(() => running.close());
beforeEach(() => {
  running.sandbox.stats.reset();
  if (!admin) signIn();
});

function signIn(): void {
  const as = (user: string) => docebo.as(tenant, running.sandbox.issueToken(user).access_token);
  admin = as('admin');
  manager = as('manager');
  learner = as('learner');
}

/** Back to the seed (reset() also forgets tokens), for tests that write data or change settings. */
function restoreSandbox(): void {
  running.sandbox.reset();
  signIn();
}

const data = () => running.sandbox.data;
const ids = <T>(items: T[], key: keyof T) => items.map((i) => i[key]);
const calls = (path: string) => running.sandbox.stats.count(path);

describe('DoceboClient.as', () => {
  it('refuses an empty Docebo token without calling Docebo', () => {
    expect(() => docebo.as(tenant, '')).toThrow(DoceboApiError);
    expect(running.sandbox.stats.requests).toBe(0);
  });
});

describe('who am I', () => {
  afterAll(restoreSandbox);

  it('session() returns the token owner with Docebo field names', async () => {
    const me = await learner.session();
    expect(me).toMatchObject({
      id: 12303,
      username: 'learner',
      firstname: 'Luca',
      lastname: 'Bianchi',
      email: 'learner@sandbox.example.com',
      user_level: 'user',
    });
    expect(me).not.toHaveProperty('branches');
  });

  it.each([
    ['docebo', 'admin', 'superadmin'],
    ['docebo', 'manager', 'power_user'],
    ['docebo', 'learner', 'user'],
    ['legacy', 'admin', 'superadmin'],
    ['legacy', 'manager', 'power_user'],
    ['legacy', 'learner', 'user'],
  ] as const)('%s level names: %s is %s', async (naming, user, level) => {
    running.sandbox.configure({ userLevelNames: naming });
    const me = await docebo.as(tenant, running.sandbox.issueToken(user).access_token).session();
    expect(toDoceboLevel(me.user_level)).toBe(level);
  });
});

describe('toDoceboLevel', () => {
  it.each([
    ['super_admin', 'superadmin'],
    ['godadmin', 'superadmin'],
    ['God Admin', 'superadmin'],
    ['SuperAdmin', 'superadmin'],
    ['admin', 'power_user'],
    ['power_user', 'power_user'],
    ['Power-User', 'power_user'],
    ['user', 'user'],
    ['instructor', 'user'],
    ['root', 'user'],
    ['', 'user'],
    [null, 'user'],
    [undefined, 'user'],
  ])('%p → %s (unknown is least privilege)', (raw, level) => {
    expect(toDoceboLevel(raw)).toBe(level);
  });
});

describe('users (admin)', () => {
  afterAll(restoreSandbox);

  it('listUsers: first page of 200, has_more_data, total on request', async () => {
    const page = await admin.listUsers({ withTotal: true });
    expect(page).toMatchObject({ page: 1, pageSize: 200, hasMore: true, totalCount: data().users.length });
    expect(page.items).toHaveLength(200);
    expect(page.items[0]).toEqual(
      expect.objectContaining({ user_id: expect.any(Number), username: expect.any(String) }),
    );
    expect(page).not.toHaveProperty('cursor');
  });

  it('listUsers: search_text, branch_id, sort_attr and sort_dir reach Docebo', async () => {
    const sorted = await admin.listUsers({ sortAttr: 'username', sortDirection: 'asc', pageSize: 3 });
    expect(ids(sorted.items, 'username')).toEqual(['admin', 'instructor', 'learner']);

    const found = await admin.listUsers({ search: 'Bianchi' });
    expect(ids(found.items, 'username')).toContain('learner');
    expect(found.items.every((u) => `${u.first_name} ${u.last_name} ${u.username}`.includes('Bianchi'))).toBe(
      true,
    );

    const branch = await admin.listUsers({ branchId: 3 });
    const expected = data().users.filter((u) => u.branchIds.includes(3));
    expect(branch.items.map((u) => u.user_id).sort()).toEqual(expected.map((u) => u.id).sort());
  });

  it('page_size is clamped to 200 before it reaches Docebo', async () => {
    running.sandbox.configure({ pageSizeOverflow: 'reject' }); // this sandbox answers 400 above 200
    const page = await admin.listUsers({ pageSize: 1000 });
    expect(page.pageSize).toBe(MAX_PAGE_SIZE);
    expect(page.items).toHaveLength(MAX_PAGE_SIZE);
    const small = await admin.listUsers({ pageSize: 0, page: 0 });
    expect(small).toMatchObject({ page: 1, pageSize: 1 });
  });

  it('getUser: the nested user_data and additional_fields', async () => {
    const user = await admin.getUser(12303);
    expect(user.user_data).toMatchObject({ user_id: 12303, username: 'learner', first_name: 'Luca' });
    expect(user.additional_fields).toHaveLength(data().userFields.length);
  });

  it("listSubordinates: a manager's team", async () => {
    const team = await manager.listSubordinates(12302);
    expect(team.items.map((u) => u.user_id).sort()).toEqual(
      data()
        .subordinatesOf(12302)
        .map((u) => u.id)
        .sort(),
    );
    expect(team.hasMore).toBe(false);
  });

  it('a learner gets forbidden on the admin user endpoints', async () => {
    await expect(learner.listUsers()).rejects.toMatchObject({ kind: 'forbidden', status: 403 });
    await expect(learner.getUser(12301)).rejects.toMatchObject({ kind: 'forbidden', status: 403 });
  });
});

describe('courses, sessions, categories, catalogs', () => {
  it('listCourses: default page of 20 with id_course and course_type', async () => {
    const page = await learner.listCourses();
    expect(page).toMatchObject({ page: 1, pageSize: 20, hasMore: true });
    expect(ids(page.items, 'id_course')).toEqual(
      data()
        .courses.slice(0, 20)
        .map((c) => c.id),
    );
    expect(page.items[0].course_type).toBe(data().courses[0].type);
  });

  it('listCourses: search_text, sort_by, sort_by_direction and updated_from reach Docebo', async () => {
    const found = await learner.listCourses({ search: 'Kubernetes', pageSize: 50 });
    expect(found.items.length).toBeGreaterThan(0);
    expect(found.items.every((c) => c.name.includes('Kubernetes'))).toBe(true);

    const byName = await learner.listCourses({ sortBy: 'name', sortDirection: 'desc', pageSize: 5 });
    const expected = data()
      .courses.map((c) => c.name)
      .sort((a, b) => b.localeCompare(a, 'en', { sensitivity: 'base' }))
      .slice(0, 5);
    expect(byName.items.map((c) => c.name)).toEqual(expected);

    const since = '2025-12-01 00:00:00';
    const recent = await learner.listCourses({ updatedFrom: since, pageSize: 200 });
    expect(recent.items.length).toBe(data().courses.filter((c) => c.updatedAt >= since).length);
  });

  it('getCourse: detail with `type`', async () => {
    const course = data().courses[0];
    expect(await learner.getCourse(course.id)).toMatchObject({
      id: course.id,
      name: course.name,
      type: course.type,
    });
  });

  it('listCourseSessions: the ILT sessions of a classroom course', async () => {
    const course = data().courses.find((c) => c.type === 'classroom')!;
    const sessions = data().sessions.filter((s) => s.courseId === course.id);
    const page = await learner.listCourseSessions(course.id);
    expect(page.items.map((s) => s.id)).toEqual(sessions.map((s) => s.id));
    expect(page.items[0].name).toBe(sessions[0].name);
    expect(page.hasMore).toBe(false);
  });

  it('listCourseSessions: an e-learning course has none', async () => {
    const course = data().courses.find((c) => c.type === 'elearning')!;
    expect((await learner.listCourseSessions(course.id)).items).toEqual([]);
  });

  it('course sessions indexed by id (R2: "indexed by the unique ID of the session") parse as a list', () => {
    const parsed = courseSessions.parse({
      data: { sessions: { '7001': { id: 7001, name: 'A' }, '7002': { id: 7002, name: 'B' } } },
    });
    expect(parsed.data).toMatchObject({ sessions: [{ id: 7001 }, { id: 7002 }] });
  });

  it('listCategories and getCategory', async () => {
    const all = await learner.listCategories();
    expect(all.items).toHaveLength(data().categories.length);
    const found = await learner.listCategories({ search: 'cloud' });
    expect(found.items).toEqual([expect.objectContaining({ id: 15, title: 'Cloud' })]);
    expect(await learner.getCategory(15)).toMatchObject({ id: 15, title: 'Cloud', id_parent: 14 });
  });

  it('listCatalogs and getCatalog (0 is the generic catalog)', async () => {
    const catalogs = await learner.listCatalogs();
    expect(catalogs.items.map((c) => c.catalogue_id)).toEqual(data().catalogs.map((c) => c.id));
    const generic = await learner.getCatalog(0);
    expect(generic).toEqual(expect.objectContaining({ items: expect.any(Array) }));
  });
});

describe('enrollments', () => {
  afterAll(restoreSandbox);

  it("listEnrollments: a learner's own, course and learning-plan enrollments together", async () => {
    const page = await learner.listEnrollments();
    const own = [...data().enrollments.values()].filter((e) => e.userId === 12303);
    const ownLp = [...data().lpEnrollments.values()].filter((e) => e.userId === 12303);
    expect(page.items).toHaveLength(own.length + ownLp.length);
    expect(page.items.every((e) => e.user_id === 12303)).toBe(true);
    expect(page.items[0]).toEqual(
      expect.objectContaining({ id: expect.any(Number), status: expect.any(String) }),
    );
    expect(page.cursor).toEqual(expect.any(String));
  });

  it('id_user[] (PHP-style array), status[] and type[] reach Docebo', async () => {
    const users = [12306, 12307]; // learner1, learner2
    const page = await admin.listEnrollments({
      userIds: users,
      statuses: ['completed'],
      types: ['elearning'],
    });
    const expected = [...data().enrollments.values()].filter(
      (e) =>
        users.includes(e.userId) &&
        e.status === 2 &&
        data().coursesById.get(e.courseId)!.type === 'elearning',
    );
    expect(page.items.length).toBe(expected.length);
    expect(page.items.length).toBeGreaterThan(0);
    for (const item of page.items) {
      expect(users).toContain(item.user_id);
      expect(item).toMatchObject({ status: 'completed', type: 'elearning' });
    }
  });

  it('id_course and search reach Docebo', async () => {
    const enrollment = [...data().enrollments.values()][0];
    const page = await admin.listEnrollments({ courseId: enrollment.courseId });
    expect(page.items.every((e) => e.id === enrollment.courseId)).toBe(true);
    expect(page.items.map((e) => e.user_id)).toContain(enrollment.userId);
  });

  it("a learner asking for someone else's enrollments is forbidden", async () => {
    await expect(learner.listEnrollments({ userIds: [12301] })).rejects.toMatchObject({ kind: 'forbidden' });
  });

  it('getEnrollment: data.records with an integer status', async () => {
    const e = [...data().enrollments.values()].find((x) => x.userId === 12303)!;
    const detail = await learner.getEnrollment(e.courseId, 12303);
    expect(detail.records).toMatchObject({ id: e.courseId, status: e.status });
  });

  it('enroll, updateEnrollment, unenroll: one user, one course', async () => {
    const userId = data().user('learner20')!.id;
    const course = data().courses.find((c) => !data().enrollment(c.id, userId))!;
    const enrolled = await admin.enroll(course.id, userId, {
      level: 'tutor',
      dateExpireValidity: '2027-01-31',
    });
    expect(enrolled).toEqual({ errors: [] });
    expect(data().enrollment(course.id, userId)).toMatchObject({
      level: 4,
      validUntil: '2027-01-31 00:00:00',
    });

    // Docebo answers 2xx with the reason in `errors` when the pair is already enrolled.
    expect(await admin.enroll(course.id, userId)).toEqual({
      errors: [`User ${userId} is already enrolled in course ${course.id}.`],
    });

    await admin.updateEnrollment(course.id, userId, { status: 2, score: 88 });
    expect(data().enrollment(course.id, userId)).toMatchObject({ status: 2, score: 88 });

    const deleted = await admin.unenroll(course.id, userId);
    expect(deleted).toEqual(expect.any(Number));
    expect(data().enrollment(course.id, userId)).toBeUndefined();
  });

  it('enrollMany and unenrollMany: bulk, with per-item errors in a 2xx', async () => {
    const users = ['learner30', 'learner31'].map((u) => data().user(u)!.id);
    const course = data().courses.find((c) => users.every((u) => !data().enrollment(c.id, u)))!;
    const result = await admin.enrollMany({ courseIds: [course.id, 999_999], userIds: users });
    expect(result.enrolled).toEqual(users);
    expect(result.errors).toEqual(['Course 999999 does not exist.', 'Course 999999 does not exist.']);
    for (const u of users) expect(data().enrollment(course.id, u)).toBeDefined();

    const removed = await admin.unenrollMany([course.id], users);
    expect(removed).toEqual({ errors: [] });
    for (const u of users) expect(data().enrollment(course.id, u)).toBeUndefined();
  });

  it('a learner cannot enroll: forbidden', async () => {
    await expect(learner.enroll(1001, 12303)).rejects.toMatchObject({ kind: 'forbidden', status: 403 });
  });
});

describe('learning plans', () => {
  it('listLearningPlans: published plans only for a learner; search_text', async () => {
    const page = await learner.listLearningPlans();
    expect(page.items.map((p) => p.learning_plan_id)).toEqual(
      data()
        .learningPlans.filter((p) => p.published)
        .map((p) => p.id),
    );
    const found = await learner.listLearningPlans({ search: 'Cloud Engineer' });
    expect(found.items).toEqual([expect.objectContaining({ code: 'LP-CLD', title: 'Cloud Engineer Track' })]);
  });

  it('getLearningPlan', async () => {
    expect(await learner.getLearningPlan(501)).toMatchObject({
      learning_plan_id: 501,
      title: 'New Hire Onboarding',
    });
  });

  it('listLearningPlanEnrollments: user and plan filters as arrays', async () => {
    const lp = [...data().lpEnrollments.values()][0];
    const page = await admin.listLearningPlanEnrollments({
      userIds: [lp.userId],
      planIds: [lp.learningPlanId],
    });
    expect(page.items).toEqual([expect.objectContaining({ id_path: lp.learningPlanId, id_user: lp.userId })]);
  });
});

describe('groups, branches, search', () => {
  it('listGroups and listGroupMembers', async () => {
    const groups = await admin.listGroups();
    expect(groups.items.map((g) => g.group_id)).toEqual(
      [...data().groups].sort((a, b) => a.name.localeCompare(b.name)).map((g) => g.id),
    );
    const members = await admin.listGroupMembers(305);
    expect(members.items).toEqual([expect.objectContaining({ user_id: 12304, username: 'instructor' })]);
  });

  it('listBranches, getBranch, listBranchUsers', async () => {
    const branches = await admin.listBranches();
    expect(branches.items.map((b) => b.id_org)).toEqual(data().branches.map((b) => b.id));
    expect(await admin.getBranch(3)).toMatchObject({ id_org: 3, code: 'SALES-EMEA', id_parent: 2 });
    const users = await admin.listBranchUsers(3);
    expect(users.items.map((u) => u.user_id).sort()).toEqual(
      data()
        .users.filter((u) => u.branchIds.includes(3))
        .map((u) => u.id)
        .sort(),
    );
  });

  it('globalSearch: courses and plans matching the criteria', async () => {
    const page = await learner.globalSearch('Kubernetes');
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items[0]).toMatchObject({ type: 'course' });
    expect(page.totalCount).toBe(data().courses.filter((c) => c.name.includes('Kubernetes')).length);
  });

  it('globalSearch pages through the results with page_size', async () => {
    const all = await collectPages((page) => learner.globalSearch('Kubernetes', { page, pageSize: 4 }));
    const expected = data().courses.filter((c) => c.name.includes('Kubernetes')).length;
    expect(all).toHaveLength(expected);
    expect(new Set(all.map((r) => r.id)).size).toBe(expected);
  });
});

describe('paging to the end', () => {
  it('collectPages reads every user across pages, one call per page', async () => {
    const all = await collectPages((page) => admin.listUsers({ page, pageSize: 100 }));
    expect(all).toHaveLength(data().users.length);
    expect(new Set(all.map((u) => u.user_id)).size).toBe(data().users.length);
    expect(calls('/manage/v1/user')).toBe(Math.ceil(data().users.length / 100));
  });

  it('collectPages stops at maxItems mid-page', async () => {
    const some = await collectPages((page) => admin.listUsers({ page, pageSize: 100 }), 150);
    expect(some).toHaveLength(150);
    expect(calls('/manage/v1/user')).toBe(2);
  });

  it('collectPages does not fetch a page past maxItems', async () => {
    const some = await collectPages((page) => admin.listUsers({ page, pageSize: 100 }), 100);
    expect(some).toHaveLength(100);
    expect(calls('/manage/v1/user')).toBe(1);
    expect(await collectPages((page) => admin.listUsers({ page, pageSize: 100 }), 0)).toEqual([]);
    expect(calls('/manage/v1/user')).toBe(1);
  });

  it('iteratePages can be left early and then stops calling Docebo', async () => {
    let seen = 0;
    for await (const course of iteratePages((page) => learner.listCourses({ page, pageSize: 50 }))) {
      expect(course.id_course).toEqual(expect.any(Number));
      if (++seen === 60) break;
    }
    expect(calls('/learn/v1/courses')).toBe(2);
  });

  it('the enrollments cursor is sent back: later pages keep the first page filters', async () => {
    const pages: Page<unknown>[] = [];
    const all = await collectPages(async (page, cursor) => {
      // Only the first request carries the filter; later ones rely on the cursor.
      const result = await admin.listEnrollments(
        cursor ? { page, pageSize: 50, cursor } : { page, pageSize: 50, statuses: ['completed'] },
      );
      pages.push(result);
      return result;
    }, 10_000);
    const completed = [
      ...[...data().enrollments.values()].filter((e) => e.status === 2),
      ...[...data().lpEnrollments.values()].filter((e) => e.status === 2),
    ];
    expect(pages.length).toBeGreaterThan(2);
    expect(all).toHaveLength(completed.length);
    expect(all.every((e) => (e as { status: string }).status === 'completed')).toBe(true);
  });

  it('stops on an empty page even if Docebo claims there is more', async () => {
    let fetched = 0;
    const fake = (page: number): Promise<Page<number>> => {
      fetched++;
      return Promise.resolve({ items: page === 1 ? [1, 2] : [], page, pageSize: 2, hasMore: true });
    };
    expect(await collectPages(fake)).toEqual([1, 2]);
    expect(fetched).toBe(2);
  });
});
