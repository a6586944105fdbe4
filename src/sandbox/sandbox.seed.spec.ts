import { ENROLLMENT_STATUS_NAMES } from './sandbox.data';
import { buildSeed, DEMO_ACCOUNTS, NUMBERED_LEARNERS, SANDBOX_PASSWORD } from './sandbox.seed';

describe('the seeded data', () => {
  const data = buildSeed(20260101);

  it('is the same for the same seed and different for another', () => {
    const again = buildSeed(20260101);
    const snapshot = (d: typeof data) =>
      JSON.stringify([
        d.users,
        d.courses,
        d.sessions,
        d.learningPlans,
        [...d.enrollments.values()],
        [...d.lpEnrollments.values()],
      ]);
    expect(snapshot(again)).toBe(snapshot(data));
    expect(snapshot(buildSeed(7))).not.toBe(snapshot(data));
  });

  it('has the demo accounts, every level, and enough users to need two pages of 200', () => {
    expect(data.user('admin')).toMatchObject({
      id: DEMO_ACCOUNTS.admin,
      level: 'superadmin',
      password: SANDBOX_PASSWORD,
    });
    expect(data.user('manager')).toMatchObject({ id: DEMO_ACCOUNTS.manager, level: 'poweruser' });
    expect(data.user('learner')).toMatchObject({
      id: DEMO_ACCOUNTS.learner,
      level: 'user',
      managerId: DEMO_ACCOUNTS.manager,
    });
    expect(data.user(`learner${NUMBERED_LEARNERS}`)?.level).toBe('user');
    expect(data.user('suspended')?.active).toBe(false);
    expect(data.users.length).toBeGreaterThan(200);
    expect(data.subordinatesOf(DEMO_ACCOUNTS.manager).length).toBeGreaterThanOrEqual(5);
    expect(new Set(data.users.map((u) => u.id)).size).toBe(data.users.length);
  });

  it('has 250+ courses of every type, each in a category, ILT sessions with dates', () => {
    const byType = (t: string) => data.courses.filter((c) => c.type === t).length;
    expect([byType('elearning'), byType('classroom'), byType('webinar')].every((n) => n >= 250)).toBe(true);
    expect(new Set(data.courses.map((c) => c.name)).size).toBe(data.courses.length);
    expect(new Set(data.courses.map((c) => c.code)).size).toBe(data.courses.length);
    expect(data.courses.every((c) => data.categoriesById.has(c.categoryId))).toBe(true);
    const ilt = data.courses.filter((c) => c.type !== 'elearning');
    expect(ilt.every((c) => data.sessions.some((s) => s.courseId === c.id))).toBe(true);
    expect(data.sessions.every((s) => s.dates.length > 0 && /^\d{4}-\d{2}-\d{2}$/.test(s.dates[0].day))).toBe(
      true,
    );
  });

  it('has enrollments in every status, and a learner with several statuses and a learning-plan enrollment', () => {
    const statuses = new Set([...data.enrollments.values()].map((e) => e.status));
    expect([...statuses].sort((a, b) => a - b)).toEqual(
      Object.keys(ENROLLMENT_STATUS_NAMES)
        .map(Number)
        .sort((a, b) => a - b),
    );
    const learner = data.enrollmentsOf(DEMO_ACCOUNTS.learner);
    expect(learner.length).toBeGreaterThanOrEqual(5);
    expect(new Set(learner.map((e) => e.status)).size).toBeGreaterThanOrEqual(4);
    expect(data.lpEnrollmentsOf(DEMO_ACCOUNTS.learner)).toHaveLength(1);
    expect(
      [...data.enrollments.values()].every(
        (e) => data.coursesById.has(e.courseId) && data.usersById.has(e.userId),
      ),
    ).toBe(true);
  });

  it('has learning plans (one a draft), groups, a branch tree and catalogs including the generic 0', () => {
    expect(data.learningPlans.some((p) => !p.published)).toBe(true);
    expect(data.learningPlans.every((p) => p.courseIds.every((id) => data.coursesById.has(id)))).toBe(true);
    expect(data.groups.length).toBeGreaterThan(0);
    expect(data.branches.filter((b) => b.parentId === 0)).toHaveLength(1);
    expect(data.branches.every((b) => b.parentId === 0 || data.branchesById.has(b.parentId))).toBe(true);
    expect(data.branchWithDescendants(2)).toEqual(new Set([2, 3, 4]));
    expect(data.catalogsById.get(0)?.items.length).toBeGreaterThan(data.courses.length - 1);
  });
});
