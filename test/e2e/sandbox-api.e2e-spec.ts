import { startSandbox, type RunningSandbox } from '../support/sandbox';

/** The sandbox's REST API over real HTTP: envelopes, field names, paging, roles (docebo-api.md §3–§6, §8). */

let sbx: RunningSandbox;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  sbx = await startSandbox();
});
beforeEach(() => {
  for (const user of ['admin', 'manager', 'learner', 'learner1', 'instructor'])
    tokens[user] = sbx.sandbox.issueToken(user).access_token;
});
afterEach(() => sbx.sandbox.reset());
afterAll(() => sbx.close());

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies in assertions

async function call(as: string | null, path: string, init: RequestInit & { json?: unknown } = {}) {
  const headers = new Headers(init.headers);
  if (as) headers.set('authorization', `Bearer ${tokens[as] ?? as}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const res = await fetch(`${sbx.url}${path}`, { ...init, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Json };
}

const ids = (items: Json[], key: string) => items.map((i) => i[key] as number);
const learnerId = () => sbx.sandbox.data.user('learner')!.id;
const managerId = () => sbx.sandbox.data.user('manager')!.id;

describe('who am I: GET /manage/v1/user/session', () => {
  it('has exactly the §3 shape: id and firstname, the level name, UI blocks, no branch data', async () => {
    const res = await call('learner', '/manage/v1/user/session');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-docebo-api-version')).toBe('1.0.0');
    expect(res.headers.get('x-docebo-backyard')).toBe('manage');
    expect(Object.keys(res.body.data).sort()).toEqual(
      [
        'id', 'username', 'firstname', 'lastname', 'email', 'user_level', 'avatar_url', 'timezone', 'language',
        'dateformat_locale', 'active_languages', 'branding', 'currency_settings', 'catalog_settings', 'menu_items',
        'admin_menu_items',
      ].sort(), // prettier-ignore
    );
    expect(res.body.data).toMatchObject({
      id: learnerId(),
      username: 'learner',
      firstname: 'Luca',
      user_level: 'user',
    });
  });

  it('names the levels super_admin, admin, user by default and godadmin, power_user, user when switched', async () => {
    const levels = async () =>
      Promise.all(
        ['admin', 'manager', 'learner'].map(
          async (u) => (await call(u, '/manage/v1/user/session')).body.data.user_level,
        ),
      );
    expect(await levels()).toEqual(['super_admin', 'admin', 'user']);
    sbx.sandbox.configure({ userLevelNames: 'legacy' });
    expect(await levels()).toEqual(['godadmin', 'power_user', 'user']);
  });
});

describe('401 on every API path for a missing, unknown, expired or revoked token', () => {
  const paths: [string, string][] = [
    ['GET', '/manage/v1/user/session'],
    ['GET', '/learn/v1/courses'],
    ['GET', '/learn/v1/enrollments'],
    ['POST', '/learn/v1/enrollments/1001/12303'],
    ['DELETE', '/learn/v1/enrollments'],
    ['GET', '/learningplan/v1/learningplans'],
    ['GET', '/no/such/path'],
  ];

  it('without a token, with a Bearer challenge', async () => {
    for (const [method, path] of paths) {
      const res = await call(null, path, { method });
      expect([path, res.status]).toEqual([path, 401]);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(res.body).toMatchObject({ status: 401, name: 'Unauthorized' });
    }
  });

  it('with an unknown token', async () => {
    for (const [method, path] of paths)
      expect((await call('0123456789abcdef0123456789abcdef01234567', path, { method })).status).toBe(401);
  });

  it('with an expired token (expireAccessTokens) and a revoked one (revokeToken, revokeUser)', async () => {
    expect((await call('learner', '/learn/v1/courses')).status).toBe(200);
    expect(sbx.sandbox.expireAccessTokens({ user: 'learner' })).toBe(1);
    const expired = await call('learner', '/learn/v1/courses');
    expect(expired.status).toBe(401);
    expect(expired.body.message).toContain('expired');
    expect((await call('manager', '/learn/v1/courses')).status).toBe(200); // other users untouched

    expect(sbx.sandbox.revokeToken(tokens.manager)).toBe(true);
    expect((await call('manager', '/manage/v1/user/session')).status).toBe(401);
    const second = sbx.sandbox.issueToken('admin').access_token;
    expect(sbx.sandbox.revokeUser('admin')).toBe(2 * 2); // two access + two refresh tokens
    expect((await call(second, '/manage/v1/user/session')).status).toBe(401);
    expect((await call('learner1', '/manage/v1/user/session')).status).toBe(200);
  });
});

describe('list envelope and paging', () => {
  it('pages users 200 at a time, 1-based, has_more_data exact, total_count only when asked', async () => {
    const total = sbx.sandbox.data.users.length;
    expect(total).toBeGreaterThan(200);
    const first = await call('admin', '/manage/v1/user');
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({
      count: 200,
      has_more_data: true,
      current_page: 1,
      current_page_size: 200,
      total_page_count: 2,
    });
    expect(first.body.data).not.toHaveProperty('total_count');
    expect(first.body._links[0].self).toContain('page=1');
    const second = await call('admin', '/manage/v1/user?page=2&get_total_count=1');
    expect(second.body.data).toMatchObject({
      count: total - 200,
      has_more_data: false,
      current_page: 2,
      total_count: total,
    });
    const seen = new Set([
      ...ids(first.body.data.items, 'user_id'),
      ...ids(second.body.data.items, 'user_id'),
    ]);
    expect(seen.size).toBe(total);
  });

  it('walks every course with page_size 20 by default, has_more_data false exactly on the last page', async () => {
    const total = sbx.sandbox.data.courses.length;
    const seen = new Set<number>();
    let page = 1;
    for (;;) {
      const res = await call('learner', `/learn/v1/courses?page=${page}`);
      expect(res.body.data.current_page_size).toBe(20);
      ids(res.body.data.items, 'id_course').forEach((id) => seen.add(id));
      if (!res.body.data.has_more_data) break;
      page++;
    }
    expect(page).toBe(Math.ceil(total / 20));
    expect(seen.size).toBe(total);
    const beyond = await call('learner', `/learn/v1/courses?page=${page + 1}`);
    expect(beyond.body.data).toMatchObject({ items: [], count: 0, has_more_data: false });
  });

  it('caps page_size at 200 (clamp by default, 400 when switched), treats page=0 as page 1 unless switched', async () => {
    const big = await call('learner', '/learn/v1/courses?page_size=1000');
    expect(big.body.data).toMatchObject({ count: 200, current_page_size: 200 });
    expect((await call('learner', '/learn/v1/courses?page=0')).body.data.current_page).toBe(1);
    sbx.sandbox.configure({ pageSizeOverflow: 'reject', pageZero: 'reject' });
    const rejected = await call('learner', '/learn/v1/courses?page_size=201');
    expect(rejected.status).toBe(400);
    expect(rejected.body).toEqual({
      name: 'Bad Request',
      message: 'page_size must be in the range 1-200.',
      code: 0,
      status: 400,
    });
    expect((await call('learner', '/learn/v1/courses?page=0')).status).toBe(400);
  });

  it('answers malformed URLs with 400, never 500', async () => {
    const res = await call('learner', '/learn/v1/courses/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, message: 'The request URL or body is malformed.' });
  });

  it('answers bad paging values with 400', async () => {
    for (const q of ['page_size=0', 'page=-1', 'page=abc', 'page_size=1.5']) {
      expect([q, (await call('learner', `/learn/v1/courses?${q}`)).status]).toEqual([q, 400]);
    }
  });
});

describe('users (admin only)', () => {
  it('lists users with user_id and first_name; 403 for a plain user', async () => {
    const res = await call('admin', '/manage/v1/user?search_text=Luca&page_size=5');
    expect(res.body.data.items[0]).toMatchObject({
      user_id: expect.any(Number),
      first_name: 'Luca',
      username: expect.any(String),
    });
    expect(res.body.data.items[0]).not.toHaveProperty('firstname');
    expect((await call('learner', '/manage/v1/user')).status).toBe(403);
    expect((await call('learner', `/manage/v1/user/${learnerId()}`)).status).toBe(403);
  });

  it('shows a power user only themself and their subordinates', async () => {
    const res = await call('manager', '/manage/v1/user');
    const expected = [managerId(), ...sbx.sandbox.data.subordinatesOf(managerId()).map((u) => u.id)].sort();
    expect(ids(res.body.data.items, 'user_id').sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThan(5);
  });

  it('nests GET /manage/v1/user/{id} under data.user_data and data.additional_fields', async () => {
    const res = await call('admin', `/manage/v1/user/${learnerId()}`);
    expect(res.body.data.user_data).toMatchObject({
      user_id: learnerId(),
      username: 'learner',
      first_name: 'Luca',
      manager_username: 'manager',
    });
    expect(res.body.data.additional_fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ title: 'Department' })]),
    );
    expect(res.body.data).not.toHaveProperty('user_id');
    expect((await call('admin', '/manage/v1/user/99999999')).status).toBe(404);
    expect((await call('admin', '/manage/v1/user/abc')).status).toBe(400);
    expect((await call('manager', `/manage/v1/user/${learnerId()}`)).status).toBe(200);
    expect((await call('manager', `/manage/v1/user/${sbx.sandbox.data.user('learner100')!.id}`)).status).toBe(
      403,
    );
  });

  it('lists a manager’s subordinates: own team for anyone, others’ for admins who see them', async () => {
    const team = await call('manager', `/manage/v1/user/${managerId()}/subordinates`);
    expect(team.body.data.count).toBe(sbx.sandbox.data.subordinatesOf(managerId()).length);
    const learner1 = sbx.sandbox.data.user('learner1')!;
    const own = await call('learner1', `/manage/v1/user/${learner1.id}/subordinates`); // a plain user who manages people
    expect(own.status).toBe(200);
    expect(own.body.data.count).toBe(8);
    expect((await call('learner', `/manage/v1/user/${managerId()}/subordinates`)).status).toBe(403);
    expect((await call('admin', `/manage/v1/user/${learner1.id}/subordinates`)).body.data.count).toBe(8);
  });
});

describe('courses, sessions, categories, catalogs', () => {
  it('says course_type in the list and type in the detail', async () => {
    const list = await call('learner', '/learn/v1/courses?page_size=1');
    expect(list.headers.get('x-docebo-backyard')).toBe('learn');
    const item = list.body.data.items[0];
    expect(item).toMatchObject({
      id_course: expect.any(Number),
      name: expect.any(String),
      course_type: expect.stringMatching(/^(elearning|classroom|webinar)$/),
    });
    expect(item).not.toHaveProperty('type');
    const detail = await call('learner', `/learn/v1/courses/${item.id_course}`);
    expect(detail.body.data).toMatchObject({ id: item.id_course, name: item.name, type: item.course_type });
    expect(detail.body.data).not.toHaveProperty('course_type');
    expect((await call('learner', '/learn/v1/courses/77')).status).toBe(404);
  });

  it('has courses of every type, searchable, sortable, with unknown sort_by ignored', async () => {
    const types = new Set(sbx.sandbox.data.courses.map((c) => c.type));
    expect([...types].sort()).toEqual(['classroom', 'elearning', 'webinar']);
    const search = await call('learner', '/learn/v1/courses?search_text=kubernetes&page_size=200');
    expect(search.body.data.count).toBeGreaterThan(0);
    expect(search.body.data.items.every((c: Json) => /kubernetes/i.test(c.name))).toBe(true);
    const plain = ids((await call('learner', '/learn/v1/courses')).body.data.items, 'id_course');
    expect(
      ids((await call('learner', '/learn/v1/courses?sort_by=nonsense')).body.data.items, 'id_course'),
    ).toEqual(plain);
    const byName = (
      await call('learner', '/learn/v1/courses?sort_by=name&sort_by_direction=desc')
    ).body.data.items.map((c: Json) => c.name);
    expect(byName).toEqual([...byName].sort((a, b) => b.localeCompare(a)));
  });

  it('lists ILT sessions with dates for classroom courses and none for e-learning', async () => {
    const classroom = sbx.sandbox.data.courses.find((c) => c.type === 'classroom')!;
    const res = await call('learner', `/learn/v1/courses/${classroom.id}/sessions`);
    expect(res.body.data.sessions.length).toBeGreaterThan(0);
    expect(res.body.data.sessions[0]).toMatchObject({
      id: expect.any(Number),
      start_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      dates: expect.arrayContaining([
        { date: expect.objectContaining({ day: expect.any(String), time_begin: '09:00:00' }) },
      ]),
    });
    const elearning = sbx.sandbox.data.courses.find((c) => c.type === 'elearning')!;
    expect((await call('learner', `/learn/v1/courses/${elearning.id}/sessions`)).body.data.sessions).toEqual(
      [],
    );
  });

  it('has categories and catalogs, 0 being the generic catalog', async () => {
    const categories = await call('learner', '/learn/v1/categories');
    expect(categories.body.data.items[0]).toMatchObject({
      id: expect.any(Number),
      title: expect.any(String),
    });
    const catalogs = await call('learner', '/learn/v1/catalog?show_item_list=1');
    expect(ids(catalogs.body.data.items, 'catalogue_id')).toContain(0);
    const generic = await call('learner', '/learn/v1/catalog/0?get_total_count=1');
    expect(generic.body.data.total_count).toBe(sbx.sandbox.data.catalogsById.get(0)!.items.length);
    expect(generic.body.data.items[0]).toMatchObject({ item_id: expect.any(Number), item_type: 'course' });
    expect((await call('learner', '/learn/v1/catalog/999')).status).toBe(404);
  });
});

describe('enrollments: reading', () => {
  it('gives a learner their own enrollments: `id` not `id_course`, string status and level, a learning plan too', async () => {
    const res = await call('learner', '/learn/v1/enrollments');
    const items = res.body.data.items as Json[];
    expect(items.length).toBe(
      sbx.sandbox.data.enrollmentsOf(learnerId()).length +
        sbx.sandbox.data.lpEnrollmentsOf(learnerId()).length,
    );
    expect(items.every((i) => i.user_id === learnerId())).toBe(true);
    const course = items.find((i) => i.type !== 'learning_plan')!;
    expect(course).toMatchObject({ id: expect.any(Number), status: expect.any(String), level: 'learner' });
    expect(course).not.toHaveProperty('id_course');
    expect(new Set(items.map((i) => i.status)).size).toBeGreaterThanOrEqual(4);
    expect(items.find((i) => i.type === 'learning_plan')).toMatchObject({
      courses_count: expect.any(Number),
    });
    expect(res.body.data.cursor).toEqual(expect.any(String));
  });

  it('answers 403 when a learner asks for someone else’s, and ignores the wrong parameter name user_id', async () => {
    expect((await call('learner', `/learn/v1/enrollments?id_user=${managerId()}`)).status).toBe(403);
    expect((await call('learner', `/learn/v1/enrollments?id_user[]=${managerId()}`)).status).toBe(403);
    expect((await call('learner', `/learn/v1/enrollments?id_user[]=${learnerId()}`)).status).toBe(200);
    const ignored = await call('learner', `/learn/v1/enrollments?user_id=${managerId()}`);
    expect(ignored.body.data.items.every((i: Json) => i.user_id === learnerId())).toBe(true);
  });

  it('lets a power user read their subordinates’ enrollments and no one else’s', async () => {
    expect((await call('manager', `/learn/v1/enrollments?id_user=${learnerId()}`)).status).toBe(200);
    expect(
      (await call('manager', `/learn/v1/enrollments?id_user=${sbx.sandbox.data.user('learner100')!.id}`))
        .status,
    ).toBe(403);
    const all = await call('manager', '/learn/v1/enrollments');
    const team = new Set([managerId(), ...sbx.sandbox.data.subordinatesOf(managerId()).map((u) => u.id)]);
    expect(all.body.data.items.every((i: Json) => team.has(i.user_id))).toBe(true);
  });

  it('filters by status[] (not_started = subscribed), type[], id_course, search, updated_from; 400 on unknown values', async () => {
    const completed = await call('admin', '/learn/v1/enrollments?status[]=completed&page_size=200');
    expect(completed.body.data.items.every((i: Json) => i.status === 'completed')).toBe(true);
    expect(completed.body.data.count).toBeGreaterThan(0);
    const notStarted = await call('admin', '/learn/v1/enrollments?status=not_started&get_total_count=1');
    const subscribed = await call('admin', '/learn/v1/enrollments?status=subscribed&get_total_count=1');
    expect(notStarted.body.data.total_count).toBe(subscribed.body.data.total_count);
    const plans = await call('admin', '/learn/v1/enrollments?type[]=learning_plan');
    expect(plans.body.data.items.every((i: Json) => i.type === 'learning_plan')).toBe(true);
    const course = sbx.sandbox.data.enrollmentsOf(learnerId())[0].courseId;
    const byCourse = await call('admin', `/learn/v1/enrollments?id_course=${course}`);
    expect(byCourse.body.data.items.every((i: Json) => i.id === course)).toBe(true);
    const recent = await call(
      'admin',
      '/learn/v1/enrollments?updated_from=2025-12-01 00:00:00&get_total_count=1',
    );
    const all = await call('admin', '/learn/v1/enrollments?get_total_count=1');
    expect(recent.body.data.total_count).toBeLessThan(all.body.data.total_count);
    expect((await call('admin', '/learn/v1/enrollments?status[]=finished')).status).toBe(400);
    expect((await call('admin', '/learn/v1/enrollments?type[]=video')).status).toBe(400);
    expect((await call('admin', '/learn/v1/enrollments?updated_from=yesterday')).status).toBe(400);
  });

  it('keeps the filters of a cursor across pages, and refuses an unknown cursor', async () => {
    const first = await call('admin', '/learn/v1/enrollments?status[]=in_progress&page_size=50');
    expect(first.body.data.has_more_data).toBe(true);
    const second = await call(
      'admin',
      `/learn/v1/enrollments?cursor=${first.body.data.cursor}&page=2&page_size=50`,
    );
    expect(second.body.data.cursor).toBe(first.body.data.cursor);
    expect(second.body.data.items.length).toBeGreaterThan(0);
    expect(second.body.data.items.every((i: Json) => i.status === 'in_progress')).toBe(true);
    expect((await call('admin', '/learn/v1/enrollments?cursor=nope')).status).toBe(400);
    expect((await call('learner', `/learn/v1/enrollments?cursor=${first.body.data.cursor}`)).status).toBe(
      400,
    ); // another user’s
  });

  it('details one enrollment under data.records with an integer status', async () => {
    const e = sbx.sandbox.data.enrollmentsOf(learnerId()).find((x) => x.status === 2)!;
    const res = await call('learner', `/learn/v1/enrollments/${e.courseId}/${learnerId()}`);
    expect(res.body.data.records).toMatchObject({
      id: e.courseId,
      status: 2,
      course_code: expect.any(String),
    });
    const notEnrolled = sbx.sandbox.data.courses.find(
      (c) => !sbx.sandbox.data.enrollment(c.id, learnerId()),
    )!;
    expect((await call('learner', `/learn/v1/enrollments/${notEnrolled.id}/${learnerId()}`)).status).toBe(
      404,
    );
    expect((await call('learner', `/learn/v1/enrollments/${e.courseId}/${managerId()}`)).status).toBe(403);
  });
});

describe('enrollments: writing', () => {
  const freeCourse = (userId: number) =>
    sbx.sandbox.data.courses.find((c) => !sbx.sandbox.data.enrollment(c.id, userId))!;

  it('enrolls one user (admin), then lists, details, updates and unenrolls them', async () => {
    const course = freeCourse(learnerId());
    const enrolled = await call('admin', `/learn/v1/enrollments/${course.id}/${learnerId()}`, {
      method: 'POST',
      json: { level: 3 },
    });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.data).toEqual({ enrolled: [learnerId()], errors: [] });
    const again = await call('admin', `/learn/v1/enrollments/${course.id}/${learnerId()}`, {
      method: 'POST',
      json: {},
    });
    expect(again.body.data.errors[0]).toContain('already enrolled');

    const list = await call('learner', `/learn/v1/enrollments?id_course=${course.id}`);
    expect(list.body.data.items[0]).toMatchObject({ id: course.id, status: 'subscribed', level: 'learner' });

    const updated = await call('admin', `/learn/v1/enrollments/${course.id}/${learnerId()}`, {
      method: 'PUT',
      json: { status: 2, score_given: 90 },
    });
    expect(updated.body.data.updated).toEqual([{ course_id: course.id, user_id: learnerId() }]);
    const detail = await call('learner', `/learn/v1/enrollments/${course.id}/${learnerId()}`);
    expect(detail.body.data.records).toMatchObject({
      status: 2,
      score: 90,
      course_complete_date: expect.any(String),
    });

    const deleted = await call('admin', `/learn/v1/enrollments/${course.id}/${learnerId()}`, {
      method: 'DELETE',
    });
    expect(deleted.body.data).toEqual({ deleted_enrollment: expect.any(Number) });
    expect(
      (await call('admin', `/learn/v1/enrollments/${course.id}/${learnerId()}`, { method: 'DELETE' })).status,
    ).toBe(404);
  });

  it('accepts a form-encoded body, and answers bad values with 400 and unknown ids with 404', async () => {
    const course = freeCourse(learnerId());
    const form = await call('admin', `/learn/v1/enrollments/${course.id}/${learnerId()}`, {
      method: 'POST',
      body: new URLSearchParams({ level: '6' }),
    });
    expect(form.body.data.enrolled).toEqual([learnerId()]);
    expect(sbx.sandbox.data.enrollment(course.id, learnerId())?.level).toBe(6);
    const badLevel = await call(
      'admin',
      `/learn/v1/enrollments/${freeCourse(learnerId()).id}/${learnerId()}`,
      { method: 'POST', json: { level: 5 } },
    );
    expect(badLevel.status).toBe(400);
    expect(badLevel.body.message).toContain('level');
    const badStatus = await call('admin', `/learn/v1/enrollments/${course.id}/${learnerId()}`, {
      method: 'PUT',
      json: { status: 'done' },
    });
    expect(badStatus.status).toBe(400);
    const badDate = await call('admin', `/learn/v1/enrollments/${course.id}/${learnerId()}`, {
      method: 'PUT',
      json: { status: 2, date_complete: '2025-13-45' },
    });
    expect(badDate.body).toMatchObject({
      status: 400,
      message: 'Invalid field "date_complete": is not a valid date.',
    });
    expect(
      (await call('admin', `/learn/v1/enrollments/${course.id}/${learnerId()}`, { method: 'PUT', json: {} }))
        .status,
    ).toBe(400);
    expect(
      (await call('admin', `/learn/v1/enrollments/99/${learnerId()}`, { method: 'POST', json: {} })).status,
    ).toBe(404);
    expect(
      (await call('admin', `/learn/v1/enrollments/${course.id}/1`, { method: 'POST', json: {} })).status,
    ).toBe(404);
    const badJson = await call('admin', `/learn/v1/enrollments/${course.id}/${learnerId()}`, {
      method: 'PUT',
      body: '{"status":',
      headers: { 'content-type': 'application/json' },
    });
    expect(badJson.status).toBe(400);
  });

  it('lets only admins write, and power users only for their subordinates', async () => {
    const course = freeCourse(learnerId());
    expect(
      (
        await call('learner', `/learn/v1/enrollments/${course.id}/${learnerId()}`, {
          method: 'POST',
          json: {},
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('manager', `/learn/v1/enrollments/${course.id}/${learnerId()}`, {
          method: 'POST',
          json: {},
        })
      ).status,
    ).toBe(200);
    const outsider = sbx.sandbox.data.user('learner100')!;
    expect(
      (
        await call('manager', `/learn/v1/enrollments/${freeCourse(outsider.id).id}/${outsider.id}`, {
          method: 'POST',
          json: {},
        })
      ).status,
    ).toBe(403);
    expect(
      (await call('manager', `/learn/v1/enrollments/${course.id}/${learnerId()}`, { method: 'DELETE' }))
        .status,
    ).toBe(200);
    expect(
      (
        await call('learner', '/learn/v1/enrollments', {
          method: 'POST',
          json: { course_ids: [course.id], user_ids: [learnerId()] },
        })
      ).status,
    ).toBe(403);
  });

  it('enrolls in bulk (users and groups) with per-pair errors, and unenrolls in bulk', async () => {
    const group = sbx.sandbox.data.groupsById.get(305)!;
    const free = (c: { id: number }) =>
      [learnerId(), managerId(), ...group.memberIds].every((u) => !sbx.sandbox.data.enrollment(c.id, u));
    const [a, b] = sbx.sandbox.data.courses.filter(free);
    const res = await call('admin', '/learn/v1/enrollments', {
      method: 'POST',
      json: { course_ids: [a.id, 99], user_ids: [learnerId(), managerId()], level: 3 },
    });
    expect(res.body.data.enrolled.sort()).toEqual([learnerId(), managerId()].sort());
    expect(res.body.data.errors).toEqual(['Course 99 does not exist.', 'Course 99 does not exist.']);
    const byGroup = await call('admin', '/learn/v1/enrollments', {
      method: 'POST',
      json: { course_ids: [b.id], group_ids: [group.id] },
    });
    expect(byGroup.body.data.enrolled).toEqual([...group.memberIds]);
    expect(
      (await call('admin', '/learn/v1/enrollments', { method: 'POST', json: { course_ids: [b.id] } })).status,
    ).toBe(400);

    const removed = await call('admin', '/learn/v1/enrollments', {
      method: 'DELETE',
      json: { course_ids: [a.id], user_ids: [learnerId(), 99] },
    });
    expect(removed.body.data).toEqual({ un_enrolled: [learnerId()], errors: ['User 99 does not exist.'] });
    expect(sbx.sandbox.data.enrollment(a.id, learnerId())).toBeUndefined();
  });
});

describe('learning plans, groups, branches, search', () => {
  it('lists published learning plans to learners, drafts too to admins, with details and plan enrollments', async () => {
    const published = sbx.sandbox.data.learningPlans.filter((p) => p.published).length;
    const learner = await call('learner', '/learningplan/v1/learningplans?page_size=200');
    expect(learner.headers.get('x-docebo-backyard')).toBe('learningplan');
    expect(learner.body.data.count).toBe(published);
    expect(learner.body.data.items[0]).toMatchObject({
      learning_plan_id: expect.any(Number),
      title: expect.any(String),
      is_published: true,
    });
    expect((await call('admin', '/learningplan/v1/learningplans?page_size=200')).body.data.count).toBe(
      sbx.sandbox.data.learningPlans.length,
    );
    const draft = sbx.sandbox.data.learningPlans.find((p) => !p.published)!;
    expect((await call('learner', `/learningplan/v1/learningplans/${draft.id}`)).status).toBe(404);
    const plan = await call(
      'learner',
      `/learningplan/v1/learningplans/${learner.body.data.items[0].learning_plan_id}`,
    );
    expect(plan.body.data.courses[0]).toMatchObject({
      id_course: expect.any(Number),
      course_type: 'elearning',
    });
    const mine = await call('learner', '/learningplan/v1/learningplans/enrollments');
    expect(mine.body.data.items[0]).toMatchObject({
      id_path: expect.any(Number),
      id_user: learnerId(),
      enrollment_status: 'in_progress',
    });
    expect(
      (await call('learner', `/learningplan/v1/learningplans/enrollments?user_id[]=${managerId()}`)).status,
    ).toBe(403);
  });

  it('serves groups and the branch tree to admins only', async () => {
    const groups = await call('admin', '/manage/v1/group');
    expect(groups.body.data.items[0]).toMatchObject({
      group_id: expect.any(Number),
      name: expect.any(String),
      total_members: expect.any(Number),
    });
    const members = await call('admin', '/manage/v1/group/302/members');
    expect(members.body.data.count).toBe(sbx.sandbox.data.groupsById.get(302)!.memberIds.length);
    const tree = await call('admin', '/manage/v1/orgchart');
    expect(tree.body.data.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id_org: 3, id_parent: 2, code: 'SALES-EMEA' })]),
    );
    const direct = await call('admin', '/manage/v1/orgchart/2/users');
    const deep = await call('admin', '/manage/v1/orgchart/2/users?selection_status=2');
    expect(deep.body.data.count).toBeGreaterThan(direct.body.data.count);
    for (const path of [
      '/manage/v1/group',
      '/manage/v1/group/302/members',
      '/manage/v1/orgchart',
      '/manage/v1/orgchart/2/users',
    ])
      expect([path, (await call('learner', path)).status]).toEqual([path, 403]);
    expect((await call('admin', '/manage/v1/orgchart/999')).status).toBe(404);
  });

  it('searches courses and learning plans by criteria', async () => {
    const res = await call('learner', '/manage/v1/globalsearch/search?criteria=kubernetes');
    expect(res.body.data.results.length).toBeGreaterThan(0);
    expect(res.body.data.results[0]).toMatchObject({
      type: 'course',
      document: { name: expect.stringMatching(/Kubernetes/) },
    });
    expect((await call('learner', '/manage/v1/globalsearch/search')).status).toBe(400);
  });
});
