import type { UserLevel } from './sandbox.options';

/** The sandbox's in-memory LMS. Dates are Docebo's `YYYY-MM-DD HH:MM:SS` in UTC. */

export type CourseType = 'elearning' | 'classroom' | 'webinar';

/** A Docebo user. */
export interface SandboxUser {
  readonly id: number;
  readonly username: string;
  /** Every seeded user's password is "sandbox". */
  readonly password: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly level: UserLevel;
  /** false: suspended, cannot sign in. */
  readonly active: boolean;
  readonly managerId: number | null;
  readonly branchIds: readonly number[];
  readonly language: string;
  readonly timezone: string;
  readonly createdAt: string;
  readonly lastAccessAt: string;
  readonly updatedAt: string;
  /** Additional (custom) field values by field id. */
  readonly fields: Readonly<Record<number, string>>;
}

/** Definition of a user additional field (`field_<id>` in the user list). */
export interface SandboxUserField {
  readonly id: number;
  readonly title: string;
  readonly type: 'textfield' | 'dropdown';
}

export interface SandboxCategory {
  readonly id: number;
  readonly code: string;
  readonly title: string;
  readonly parentId: number;
}

export interface SandboxCourse {
  readonly id: number;
  readonly uid: string;
  readonly code: string;
  readonly name: string;
  readonly description: string;
  readonly type: CourseType;
  readonly categoryId: number;
  readonly language: string;
  readonly credits: number;
  /** Minutes. */
  readonly duration: number;
  readonly selling: boolean;
  readonly price: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly rating: number;
}

/** One day of an ILT/webinar session. */
export interface SandboxSessionDate {
  readonly day: string;
  readonly timeBegin: string;
  readonly timeEnd: string;
  readonly timezone: string;
  readonly location: string | null;
}

export interface SandboxIltSession {
  readonly id: number;
  readonly courseId: number;
  readonly name: string;
  readonly maxEnroll: number;
  readonly instructorIds: readonly number[];
  readonly dates: readonly SandboxSessionDate[];
}

export interface SandboxLearningPlan {
  readonly id: number;
  readonly uuid: string;
  readonly code: string;
  readonly title: string;
  readonly description: string;
  readonly courseIds: readonly number[];
  readonly published: boolean;
  readonly credits: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Enrollment status codes ([I, unverified] docebo-api.md §5.2) and the strings lists show for them. */
export const ENROLLMENT_STATUS_NAMES: Readonly<Record<number, string>> = {
  [-2]: 'to_confirm',
  [-1]: 'waiting_list',
  0: 'subscribed',
  1: 'in_progress',
  2: 'completed',
  3: 'suspended',
  4: 'overbooking',
};

/** Status filter values: the list strings plus `not_started` [V D7] and `waiting` for the same codes. */
export const ENROLLMENT_STATUS_FILTERS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(Object.entries(ENROLLMENT_STATUS_NAMES).map(([code, name]) => [name, Number(code)])),
  not_started: 0,
  waiting: -1,
};

/** Enrollment levels: written as codes [C X3, R8], read as strings [C R2]. */
export const ENROLLMENT_LEVEL_NAMES: Readonly<Record<number, string>> = {
  3: 'learner',
  4: 'tutor',
  6: 'instructor',
};

export interface SandboxEnrollment {
  readonly id: number;
  readonly courseId: number;
  readonly userId: number;
  status: number;
  level: number;
  enrolledAt: string;
  validFrom: string | null;
  validUntil: string | null;
  completedAt: string | null;
  score: number | null;
  /** Seconds. */
  totalTime: number;
  sessionId: number | null;
  updatedAt: string;
}

export interface SandboxLpEnrollment {
  readonly id: number;
  readonly learningPlanId: number;
  readonly userId: number;
  status: number;
  enrolledAt: string;
  completedAt: string | null;
  updatedAt: string;
}

export interface SandboxGroup {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly memberIds: readonly number[];
  readonly createdAt: string;
}

export interface SandboxBranch {
  readonly id: number;
  readonly parentId: number;
  readonly code: string;
  readonly title: string;
  readonly externalId: string;
}

export interface SandboxCatalogItem {
  readonly type: 'course' | 'learning_plan';
  readonly id: number;
}

export interface SandboxCatalog {
  /** 0 is the generic catalog: everything published. */
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly items: readonly SandboxCatalogItem[];
}

/** The whole data set, with the indexes the routes need. Enrollments are mutable (the API writes them). */
export class SandboxData {
  readonly usersById: ReadonlyMap<number, SandboxUser>;
  readonly usersByName: ReadonlyMap<string, SandboxUser>;
  readonly coursesById: ReadonlyMap<number, SandboxCourse>;
  readonly categoriesById: ReadonlyMap<number, SandboxCategory>;
  readonly learningPlansById: ReadonlyMap<number, SandboxLearningPlan>;
  readonly sessionsById: ReadonlyMap<number, SandboxIltSession>;
  readonly groupsById: ReadonlyMap<number, SandboxGroup>;
  readonly branchesById: ReadonlyMap<number, SandboxBranch>;
  readonly catalogsById: ReadonlyMap<number, SandboxCatalog>;
  /** Course enrollments by `${courseId}:${userId}`. */
  readonly enrollments = new Map<string, SandboxEnrollment>();
  /** Learning-plan enrollments by `${learningPlanId}:${userId}`. */
  readonly lpEnrollments = new Map<string, SandboxLpEnrollment>();
  private nextEnrollmentId: number;
  private readonly teams = new Map<number, SandboxUser[]>();

  constructor(
    readonly users: readonly SandboxUser[],
    readonly userFields: readonly SandboxUserField[],
    readonly categories: readonly SandboxCategory[],
    readonly courses: readonly SandboxCourse[],
    readonly sessions: readonly SandboxIltSession[],
    readonly learningPlans: readonly SandboxLearningPlan[],
    readonly groups: readonly SandboxGroup[],
    readonly branches: readonly SandboxBranch[],
    readonly catalogs: readonly SandboxCatalog[],
    enrollments: readonly SandboxEnrollment[],
    lpEnrollments: readonly SandboxLpEnrollment[],
  ) {
    const byId = <T extends { id: number }>(list: readonly T[]) => new Map(list.map((x) => [x.id, x]));
    this.usersById = byId(users);
    this.usersByName = new Map(users.map((u) => [u.username.toLowerCase(), u]));
    this.coursesById = byId(courses);
    this.categoriesById = byId(categories);
    this.learningPlansById = byId(learningPlans);
    this.sessionsById = byId(sessions);
    this.groupsById = byId(groups);
    this.branchesById = byId(branches);
    this.catalogsById = byId(catalogs);
    for (const u of users)
      if (u.managerId !== null) this.teams.set(u.managerId, [...(this.teams.get(u.managerId) ?? []), u]);
    for (const e of enrollments) this.enrollments.set(`${e.courseId}:${e.userId}`, e);
    for (const e of lpEnrollments) this.lpEnrollments.set(`${e.learningPlanId}:${e.userId}`, e);
    this.nextEnrollmentId =
      Math.max(900_000, ...enrollments.map((e) => e.id), ...lpEnrollments.map((e) => e.id)) + 1;
  }

  user(idOrName: number | string): SandboxUser | undefined {
    return typeof idOrName === 'number'
      ? this.usersById.get(idOrName)
      : this.usersByName.get(idOrName.toLowerCase());
  }

  /** Direct reports of a manager, by id order. */
  subordinatesOf(managerId: number): SandboxUser[] {
    return [...(this.teams.get(managerId) ?? [])];
  }

  enrollment(courseId: number, userId: number): SandboxEnrollment | undefined {
    return this.enrollments.get(`${courseId}:${userId}`);
  }

  enrollmentsOf(userId: number): SandboxEnrollment[] {
    return [...this.enrollments.values()].filter((e) => e.userId === userId);
  }

  lpEnrollmentsOf(userId: number): SandboxLpEnrollment[] {
    return [...this.lpEnrollments.values()].filter((e) => e.userId === userId);
  }

  addEnrollment(fields: Omit<SandboxEnrollment, 'id'>): SandboxEnrollment {
    const enrollment: SandboxEnrollment = { id: this.nextEnrollmentId++, ...fields };
    this.enrollments.set(`${enrollment.courseId}:${enrollment.userId}`, enrollment);
    return enrollment;
  }

  removeEnrollment(courseId: number, userId: number): SandboxEnrollment | undefined {
    const key = `${courseId}:${userId}`;
    const enrollment = this.enrollments.get(key);
    this.enrollments.delete(key);
    return enrollment;
  }

  /** The branch and all branches below it. */
  branchWithDescendants(branchId: number): Set<number> {
    const ids = new Set([branchId]);
    for (let grew = true; grew;) {
      grew = false;
      for (const b of this.branches) {
        if (ids.has(b.parentId) && !ids.has(b.id)) {
          ids.add(b.id);
          grew = true;
        }
      }
    }
    return ids;
  }
}
