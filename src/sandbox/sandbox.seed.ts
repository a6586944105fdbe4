import {
  type CourseType,
  SandboxData,
  type SandboxBranch,
  type SandboxCatalog,
  type SandboxCategory,
  type SandboxCourse,
  type SandboxEnrollment,
  type SandboxGroup,
  type SandboxIltSession,
  type SandboxLearningPlan,
  type SandboxLpEnrollment,
  type SandboxUser,
  type SandboxUserField,
} from './sandbox.data';
import type { UserLevel } from './sandbox.options';

/**
 * The seeded LMS: the same data for the same seed, every time (a small PRNG, no Math.random, no clock), with stable
 * integer ids in separate ranges so a client that mixes them up gets a 404:
 * users 12301+, courses 1001–1840 (300 e-learning, 270 classroom, 270 webinar), categories 11–18, ILT sessions 7001+, learning plans 501–512, groups 301–305,
 * branches 1–7, catalogs 0–4, enrollments 900001+.
 */

/** Every seeded user's password. */
export const SANDBOX_PASSWORD = 'sandbox';

/** The named demo accounts (plus learner1 … learner240). */
export const DEMO_ACCOUNTS = {
  admin: 12301,
  manager: 12302,
  learner: 12303,
  instructor: 12304,
  suspended: 12305,
} as const;

export const NUMBERED_LEARNERS = 240;

/** All dates are relative to this instant, not to the clock, so the data never changes. */
const BASE = Date.UTC(2026, 0, 1, 9, 0, 0);
const DAY = 86_400_000;

/** `YYYY-MM-DD HH:MM:SS` in UTC, Docebo's date format. */
export function doceboDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** mulberry32: tiny, fast, good enough to make fake data. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const shuffle = <T>(list: readonly T[]): T[] => {
    const out = [...list];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return { next, int, pick, shuffle };
}
type Rng = ReturnType<typeof prng>;

const FIRST_NAMES = [
  'Aiko', 'Ben', 'Carla', 'Dario', 'Elena', 'Farid', 'Giulia', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Leo', 'Mina',
  'Nico', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Wen', 'Ximena', 'Yusuf', 'Zoe',
]; // prettier-ignore
const LAST_NAMES = [
  'Abbott', 'Bauer', 'Costa', 'Dubois', 'Esposito', 'Fischer', 'Garcia', 'Hansen', 'Ivanova', 'Jansen', 'Kowalski',
  'Lopez', 'Moreau', 'Novak', 'Okafor', 'Petrov', 'Quintana', 'Ricci', 'Schmidt', 'Tanaka', 'Usman', 'Varga',
  'Weber', 'Xu', 'Yilmaz', 'Zanetti',
]; // prettier-ignore
const DEPARTMENTS = ['Sales', 'Engineering', 'Support', 'Marketing', 'Finance', 'People'];
const JOB_TITLES = ['Associate', 'Specialist', 'Senior Specialist', 'Lead', 'Analyst', 'Consultant'];
const COUNTRIES = ['Italy', 'Germany', 'United States', 'Canada', 'Spain', 'France', 'United Kingdom'];
const TIMEZONES = ['Europe/Rome', 'Europe/Berlin', 'America/New_York', 'America/Toronto', 'Europe/London'];

const CATEGORIES: SandboxCategory[] = [
  { id: 11, code: 'CMP', title: 'Compliance', parentId: 0 },
  { id: 12, code: 'LDR', title: 'Leadership', parentId: 0 },
  { id: 13, code: 'SLS', title: 'Sales', parentId: 0 },
  { id: 14, code: 'TEC', title: 'Technology', parentId: 0 },
  { id: 15, code: 'CLD', title: 'Cloud', parentId: 14 },
  { id: 16, code: 'SEC', title: 'Security', parentId: 14 },
  { id: 17, code: 'SFT', title: 'Soft Skills', parentId: 0 },
  { id: 18, code: 'ONB', title: 'Onboarding', parentId: 0 },
];

const TOPICS: [string, string, number][] = [
  ['Data Privacy', 'DPR', 11], ['Anti-Bribery', 'ABR', 11], ['Workplace Safety', 'WSF', 11],
  ['Information Security Awareness', 'ISA', 11], ['Code of Conduct', 'COC', 11],
  ['Coaching Skills', 'CSK', 12], ['Leading Remote Teams', 'LRT', 12], ['Strategic Thinking', 'STH', 12],
  ['Giving Feedback', 'GFB', 12],
  ['Negotiation', 'NEG', 13], ['Consultative Selling', 'CSL', 13], ['Account Planning', 'ACP', 13],
  ['Objection Handling', 'OBH', 13],
  ['Spreadsheet Analysis', 'SPA', 14], ['Project Management', 'PMG', 14], ['Data Literacy', 'DLT', 14],
  ['Cloud Architecture', 'CAR', 15], ['Kubernetes', 'K8S', 15], ['Serverless Design', 'SVD', 15],
  ['Secure Coding', 'SCD', 16], ['Threat Modeling', 'THM', 16], ['Incident Response', 'INR', 16],
  ['Time Management', 'TMG', 17], ['Presentation Skills', 'PRS', 17], ['Business Writing', 'BWR', 17],
  ['Conflict Resolution', 'CFR', 17],
  ['Company Orientation', 'COR', 18], ['Tools and Systems', 'TAS', 18], ['Customer Fundamentals', 'CFU', 18],
  ['Product Tour', 'PTR', 18],
]; // prettier-ignore

const FORMATS: [string, CourseType][] = [
  ['Essentials', 'elearning'], ['Fundamentals', 'elearning'], ['Advanced', 'elearning'], ['in Practice', 'elearning'],
  ['Refresher', 'elearning'], ['Deep Dive', 'elearning'], ['Quick Start', 'elearning'], ['Masterclass', 'elearning'],
  ['Certification Prep', 'elearning'], ['Microlearning', 'elearning'],
  ['Classroom Workshop', 'classroom'], ['Bootcamp', 'classroom'], ['Hands-on Lab', 'classroom'],
  ['Instructor-led Training', 'classroom'], ['Intensive Seminar', 'classroom'], ['Team Workshop', 'classroom'],
  ['Field Day', 'classroom'], ['Onsite Clinic', 'classroom'], ['Practicum', 'classroom'],
  ['Live Webinar', 'webinar'], ['Q&A Webinar', 'webinar'], ['Virtual Workshop', 'webinar'], ['Expert Panel', 'webinar'],
  ['Live Demo', 'webinar'], ['Office Hours', 'webinar'], ['Virtual Classroom', 'webinar'], ['Webinar Series', 'webinar'],
  ['Lunch & Learn', 'webinar'],
]; // prettier-ignore

const LOCATIONS = [
  'Milan HQ - Room 2',
  'Berlin Office - Training Room',
  'New York Office - Floor 12',
  'Toronto Hub',
];

const BRANCHES: SandboxBranch[] = [
  { id: 1, parentId: 0, code: 'ROOT', title: 'Sandbox Corp', externalId: 'corp' },
  { id: 2, parentId: 1, code: 'SALES', title: 'Sales', externalId: 'sales' },
  { id: 3, parentId: 2, code: 'SALES-EMEA', title: 'Sales EMEA', externalId: 'sales-emea' },
  { id: 4, parentId: 2, code: 'SALES-AM', title: 'Sales Americas', externalId: 'sales-am' },
  { id: 5, parentId: 1, code: 'ENG', title: 'Engineering', externalId: 'eng' },
  { id: 6, parentId: 5, code: 'ENG-PLAT', title: 'Platform', externalId: 'eng-platform' },
  { id: 7, parentId: 1, code: 'SUPPORT', title: 'Support', externalId: 'support' },
];

const USER_FIELDS: SandboxUserField[] = [
  { id: 1, title: 'Department', type: 'dropdown' },
  { id: 2, title: 'Job title', type: 'textfield' },
  { id: 3, title: 'Country', type: 'dropdown' },
];

/** Builds the data set for a seed. Cheap (a few ms), so reset() simply builds it again. */
export function buildSeed(seed: number): SandboxData {
  const rng = prng(seed);
  const users = seedUsers(rng);
  const courses = seedCourses(rng);
  const sessions = seedSessions(rng, courses);
  const learningPlans = seedLearningPlans(rng, courses);
  const groups = seedGroups(users);
  const catalogs = seedCatalogs(courses, learningPlans);
  const { enrollments, lpEnrollments } = seedEnrollments(rng, users, courses, sessions, learningPlans);
  return new SandboxData(
    users,
    USER_FIELDS,
    CATEGORIES,
    courses,
    sessions,
    learningPlans,
    groups,
    BRANCHES,
    catalogs,
    enrollments,
    lpEnrollments,
  );
}

function seedUsers(rng: Rng): SandboxUser[] {
  const users: SandboxUser[] = [];
  const make = (
    id: number,
    username: string,
    firstName: string,
    lastName: string,
    level: UserLevel,
    extra: Partial<SandboxUser> = {},
  ): SandboxUser => {
    const createdAt = BASE - rng.int(200, 900) * DAY;
    return {
      id,
      username,
      password: SANDBOX_PASSWORD,
      firstName,
      lastName,
      email: `${username}@sandbox.example.com`,
      level,
      active: true,
      managerId: null,
      branchIds: [1],
      language: 'english',
      timezone: rng.pick(TIMEZONES),
      createdAt: doceboDate(createdAt),
      lastAccessAt: doceboDate(BASE - rng.int(0, 60) * DAY - rng.int(0, 86_399) * 1000),
      updatedAt: doceboDate(createdAt + rng.int(1, 150) * DAY),
      fields: { 1: rng.pick(DEPARTMENTS), 2: rng.pick(JOB_TITLES), 3: rng.pick(COUNTRIES) },
      ...extra,
    };
  };
  const ids = DEMO_ACCOUNTS;
  users.push(make(ids.admin, 'admin', 'Alex', 'Morgan', 'superadmin', { branchIds: [1] }));
  users.push(make(ids.manager, 'manager', 'Maria', 'Rossi', 'poweruser', { branchIds: [2] }));
  users.push(
    make(ids.learner, 'learner', 'Luca', 'Bianchi', 'user', { managerId: ids.manager, branchIds: [3] }),
  );
  users.push(make(ids.instructor, 'instructor', 'Irene', 'Conti', 'user', { branchIds: [5] }));
  users.push(make(ids.suspended, 'suspended', 'Sam', 'Stone', 'user', { active: false, branchIds: [7] }));
  const leafBranches = [3, 4, 6, 7];
  const firstNumbered = ids.suspended + 1;
  for (let n = 1; n <= NUMBERED_LEARNERS; n++) {
    // learner1-8 report to manager (a power user); learner9-16 report to learner1 (a plain user who manages).
    const managerId = n <= 8 ? ids.manager : n <= 16 ? firstNumbered : null;
    users.push(
      make(firstNumbered + n - 1, `learner${n}`, rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES), 'user', {
        managerId,
        branchIds: [leafBranches[n % leafBranches.length]],
      }),
    );
  }
  return users;
}

function seedCourses(rng: Rng): SandboxCourse[] {
  const combos = TOPICS.flatMap((topic) => FORMATS.map((format, f) => ({ topic, format, f })));
  return rng.shuffle(combos).map(({ topic: [name, code, categoryId], format: [suffix, type], f }, i) => {
    const id = 1001 + i;
    const createdAt = BASE - rng.int(120, 1000) * DAY;
    const selling = rng.next() < 0.1;
    return {
      id,
      uid: `C-${(0x5eed0000 + id * 7919).toString(16)}`,
      code: `${code}-${101 + f}`,
      name: `${name} ${suffix}`,
      description: `${type === 'elearning' ? 'A self-paced' : type === 'classroom' ? 'An instructor-led' : 'A live online'} course on ${name.toLowerCase()}.`,
      type,
      categoryId,
      language: 'english',
      credits: rng.int(0, 4),
      duration: type === 'elearning' ? rng.int(2, 24) * 5 : rng.int(1, 3) * 240,
      selling,
      price: selling ? `${rng.int(2, 30) * 10}.00` : '',
      createdAt: doceboDate(createdAt),
      updatedAt: doceboDate(createdAt + rng.int(1, 110) * DAY),
      rating: rng.int(0, 5),
    };
  });
}

function seedSessions(rng: Rng, courses: SandboxCourse[]): SandboxIltSession[] {
  const sessions: SandboxIltSession[] = [];
  let id = 7001;
  for (const course of courses) {
    if (course.type === 'elearning') continue;
    const count = rng.int(1, 3);
    for (let s = 1; s <= count; s++) {
      const start = BASE + rng.int(-60, 300) * DAY;
      const days = rng.int(1, 3);
      const location = course.type === 'classroom' ? rng.pick(LOCATIONS) : null;
      sessions.push({
        id: id++,
        courseId: course.id,
        name: `${course.name} - Session ${s}`,
        maxEnroll: rng.int(2, 6) * 5,
        instructorIds: [DEMO_ACCOUNTS.instructor],
        dates: Array.from({ length: days }, (_, d) => ({
          day: doceboDate(start + d * DAY).slice(0, 10),
          timeBegin: course.type === 'classroom' ? '09:00:00' : '15:00:00',
          timeEnd: course.type === 'classroom' ? '17:00:00' : '16:30:00',
          timezone: course.type === 'classroom' ? 'Europe/Rome' : 'UTC',
          location,
        })),
      });
    }
  }
  return sessions;
}

const LEARNING_PLANS: [string, string, number[], boolean][] = [
  ['New Hire Onboarding', 'LP-ONB', [18], true],
  ['Sales Excellence', 'LP-SLS', [13], true],
  ['Cloud Engineer Track', 'LP-CLD', [15], true],
  ['Security Champion', 'LP-SEC', [16], true],
  ['Leadership Essentials', 'LP-LDR', [12], true],
  ['Annual Compliance', 'LP-CMP', [11], true],
  ['Customer Success Path', 'LP-CSP', [13, 17], true],
  ['Data Skills', 'LP-DAT', [14], true],
  ['Manager Toolkit', 'LP-MGR', [12, 17], true],
  ['Communication Mastery', 'LP-COM', [17], true],
  ['Remote Work Ready', 'LP-RWR', [12, 17, 18], true],
  ['Future Skills (draft)', 'LP-FUT', [14, 15, 16], false],
];

function seedLearningPlans(rng: Rng, courses: SandboxCourse[]): SandboxLearningPlan[] {
  return LEARNING_PLANS.map(([title, code, categoryIds, published], i) => {
    const id = 501 + i;
    const pool = courses.filter((c) => categoryIds.includes(c.categoryId) && c.type === 'elearning');
    const courseIds = rng
      .shuffle(pool)
      .slice(0, rng.int(3, 6))
      .map((c) => c.id)
      .sort((a, b) => a - b);
    const createdAt = BASE - rng.int(60, 500) * DAY;
    return {
      id,
      uuid: `7a1e${id.toString(16).padStart(4, '0')}-5eed-4000-8000-${String(id).padStart(12, '0')}`,
      code,
      title,
      description: `A learning plan: ${title.toLowerCase()}.`,
      courseIds,
      published,
      credits: courseIds.length,
      createdAt: doceboDate(createdAt),
      updatedAt: doceboDate(createdAt + rng.int(1, 50) * DAY),
    };
  });
}

function seedGroups(users: SandboxUser[]): SandboxGroup[] {
  const active = users.filter((u) => u.active).map((u) => u.id);
  const inBranches = (ids: number[]) =>
    users.filter((u) => u.branchIds.some((b) => ids.includes(b))).map((u) => u.id);
  const numbered = users.filter((u) => /^learner\d+$/.test(u.username));
  const created = doceboDate(BASE - 400 * DAY);
  return [
    {
      id: 301,
      name: 'All employees',
      description: 'Every active user',
      memberIds: active,
      createdAt: created,
    },
    {
      id: 302,
      name: 'Sales team',
      description: 'Sales branches',
      memberIds: inBranches([2, 3, 4]),
      createdAt: created,
    },
    {
      id: 303,
      name: 'New hires',
      description: 'Joined in the last months',
      memberIds: numbered.slice(-30).map((u) => u.id),
      createdAt: created,
    },
    {
      id: 304,
      name: 'Compliance cohort 2026',
      description: 'Annual compliance campaign',
      memberIds: numbered.filter((_, i) => i % 3 === 0).map((u) => u.id),
      createdAt: created,
    },
    {
      id: 305,
      name: 'Instructors',
      description: 'People who teach sessions',
      memberIds: [DEMO_ACCOUNTS.instructor],
      createdAt: created,
    },
  ];
}

function seedCatalogs(courses: SandboxCourse[], plans: SandboxLearningPlan[]): SandboxCatalog[] {
  const published = plans.filter((p) => p.published);
  const catalog = (
    id: number,
    name: string,
    description: string,
    categoryIds: number[],
    lpCodes: string[],
  ) => ({
    id,
    name,
    description,
    items: [
      ...courses
        .filter((c) => categoryIds.includes(c.categoryId))
        .map((c) => ({ type: 'course' as const, id: c.id })),
      ...published
        .filter((p) => lpCodes.includes(p.code))
        .map((p) => ({ type: 'learning_plan' as const, id: p.id })),
    ],
  });
  return [
    {
      id: 0,
      name: 'Generic catalog',
      description: 'Every published course and learning plan',
      items: [
        ...courses.map((c) => ({ type: 'course' as const, id: c.id })),
        ...published.map((p) => ({ type: 'learning_plan' as const, id: p.id })),
      ],
    },
    catalog(1, 'Compliance Catalog', 'Mandatory compliance training', [11], ['LP-CMP']),
    catalog(2, 'Sales Academy', 'Courses for the sales organisation', [13], ['LP-SLS', 'LP-CSP']),
    catalog(
      3,
      'Tech Library',
      'Technology, cloud and security',
      [14, 15, 16],
      ['LP-CLD', 'LP-SEC', 'LP-DAT'],
    ),
    catalog(4, 'Onboarding', 'Start here', [18], ['LP-ONB']),
  ];
}

/** Weighted statuses for the numbered learners: mostly in progress and completed, a few of every other code. */
const STATUS_WEIGHTS: [number, number][] = [
  [0, 25],
  [1, 30],
  [2, 35],
  [3, 4],
  [-1, 3],
  [-2, 2],
  [4, 1],
];

function seedEnrollments(
  rng: Rng,
  users: SandboxUser[],
  courses: SandboxCourse[],
  sessions: SandboxIltSession[],
  plans: SandboxLearningPlan[],
): { enrollments: SandboxEnrollment[]; lpEnrollments: SandboxLpEnrollment[] } {
  const enrollments: SandboxEnrollment[] = [];
  const lpEnrollments: SandboxLpEnrollment[] = [];
  const taken = new Set<string>();
  let id = 900_001;
  const byType = (type: CourseType) => courses.filter((c) => c.type === type);
  const sessionOf = (course: SandboxCourse) => {
    const own = sessions.filter((s) => s.courseId === course.id);
    return own.length ? rng.pick(own).id : null;
  };
  const enroll = (user: SandboxUser, course: SandboxCourse, status: number, level = 3): void => {
    const key = `${course.id}:${user.id}`;
    if (taken.has(key)) return;
    taken.add(key);
    const enrolledAt = BASE - rng.int(10, 400) * DAY - rng.int(0, 86_399) * 1000;
    const completedAt = status === 2 ? Math.min(enrolledAt + rng.int(1, 60) * DAY, BASE - DAY) : null;
    const validUntil = rng.next() < 0.2 ? doceboDate(BASE + rng.int(30, 365) * DAY) : null;
    enrollments.push({
      id: id++,
      courseId: course.id,
      userId: user.id,
      status,
      level,
      enrolledAt: doceboDate(enrolledAt),
      validFrom: validUntil ? doceboDate(enrolledAt) : null,
      validUntil,
      completedAt: completedAt === null ? null : doceboDate(completedAt),
      score: status === 2 ? rng.int(60, 100) : null,
      totalTime: status === 2 ? rng.int(1800, 14_400) : status === 1 ? rng.int(300, 7200) : 0,
      sessionId: course.type === 'elearning' ? null : sessionOf(course),
      updatedAt: doceboDate(completedAt ?? enrolledAt + rng.int(0, 9) * DAY),
    });
  };
  const enrollPlan = (user: SandboxUser, plan: SandboxLearningPlan, status: number): void => {
    const enrolledAt = BASE - rng.int(20, 300) * DAY;
    const completedAt = status === 2 ? enrolledAt + rng.int(10, 90) * DAY : null;
    lpEnrollments.push({
      id: id++,
      learningPlanId: plan.id,
      userId: user.id,
      status,
      enrolledAt: doceboDate(enrolledAt),
      completedAt: completedAt === null ? null : doceboDate(Math.min(completedAt, BASE - DAY)),
      updatedAt: doceboDate(completedAt ?? enrolledAt),
    });
    // A learning-plan enrollment enrolls the user in its courses: the first ones done, the rest to do.
    plan.courseIds.forEach((courseId, i) => {
      const course = courses.find((c) => c.id === courseId)!;
      enroll(user, course, status === 2 ? 2 : i === 0 ? 2 : i === 1 ? 1 : 0);
    });
  };
  const user = (name: string) => users.find((u) => u.username === name)!;

  // learner: a bit of everything, so a learner's own views show every shape.
  const learner = user('learner');
  const elearning = byType('elearning');
  const classroom = byType('classroom');
  const webinar = byType('webinar');
  enrollPlan(learner, plans[0], 1);
  enroll(learner, elearning[0], 0);
  enroll(learner, elearning[1], 1);
  enroll(learner, elearning[2], 1);
  enroll(learner, elearning[3], 2);
  enroll(learner, classroom[0], 2);
  enroll(learner, elearning[4], 3);
  enroll(learner, classroom[1], -1);
  enroll(learner, webinar[0], 0);

  const instructor = user('instructor');
  for (const course of classroom.slice(2, 5)) enroll(instructor, course, 1, 6);
  enroll(instructor, webinar[1], 1, 6);
  enroll(instructor, elearning[5], 1, 4);

  const manager = user('manager');
  enroll(manager, elearning[6], 2);
  enroll(manager, elearning[7], 1);
  enrollPlan(manager, plans[8], 0);

  enroll(user('admin'), elearning[8], 2);
  enroll(user('suspended'), elearning[9], 3);

  const weighted = STATUS_WEIGHTS.flatMap(([status, weight]) => Array<number>(weight).fill(status));
  const numbered = users.filter((u) => /^learner\d+$/.test(u.username));
  const published = plans.filter((p) => p.published);
  numbered.forEach((u, i) => {
    // learner1 and learner2 carry the rarest codes, so every status exists whatever the seed.
    if (i === 0) enroll(u, elearning[10], -2);
    if (i === 1) enroll(u, classroom[5], 4);
    const count = rng.int(3, 7);
    for (let k = 0; k < count; k++) enroll(u, rng.pick(courses), rng.pick(weighted));
    if (i % 5 === 0) enrollPlan(u, rng.pick(published), rng.pick([0, 1, 1, 2, 2]));
  });
  return { enrollments, lpEnrollments };
}
