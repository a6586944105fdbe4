import { z } from 'zod';

/**
 * Zod schemas of Docebo's responses (docebo-api.md; confidence tags kept). They require only what the gateway
 * relies on and keep every other field (loose objects), because Docebo adds fields freely and tools may show them.
 */

/** Docebo ids are integers; some payloads send them as strings. */
const id = z.coerce.number().int();
const text = z.string().nullish();
const num = z.coerce.number().nullish();

/** `{ data: { … } }` around single objects [C R2]. */
export const single = <T extends z.ZodType>(inner: T) => z.looseObject({ data: inner });

/** The list envelope shared by 80+ endpoints (§4) [C R2]. */
export const listEnvelope = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    data: z.looseObject({
      items: z.array(item),
      count: num,
      has_more_data: z.boolean().nullish(),
      current_page: num,
      current_page_size: num,
      total_page_count: num,
      total_count: num,
      cursor: z.string().nullish(),
    }),
  });

/** A page of results in the gateway's terms. */
export interface Page<T> {
  readonly items: T[];
  /** 1-based page number this is. */
  readonly page: number;
  readonly pageSize: number;
  readonly hasMore: boolean;
  /** Only when asked for and Docebo gave it. */
  readonly totalCount?: number;
  /** Docebo's search cursor (enrollments), to send back with the next page. */
  readonly cursor?: string;
}

/** `GET /manage/v1/user/session` (§3) [C]: `id`, `firstname`/`lastname` without underscore, `user_level`. */
export const sessionUser = z.looseObject({
  id,
  username: z.string(),
  firstname: text,
  lastname: text,
  email: text,
  user_level: z.string().nullish(),
  timezone: text,
  language: text,
});
export type SessionUser = z.output<typeof sessionUser>;

/** Items of `GET /manage/v1/user` (§5.3) [C R2, R1]. */
export const userListItem = z.looseObject({
  user_id: id,
  username: z.string(),
  first_name: text,
  last_name: text,
  email: text,
  level: z.union([z.string(), z.number()]).nullish(),
  status: z.union([z.string(), z.number()]).nullish(),
  last_access_date: text,
  creation_date: text,
});
export type UserListItem = z.output<typeof userListItem>;

/** `GET /manage/v1/user/{id}`: nested `data.user_data` + `data.additional_fields` [C R2, R7]. */
export const userDetail = z.looseObject({
  user_data: z.looseObject({
    user_id: id,
    username: z.string(),
    first_name: text,
    last_name: text,
    email: text,
    level: z.union([z.string(), z.number()]).nullish(),
    valid: z.union([z.string(), z.number(), z.boolean()]).nullish(),
    manager_username: text,
    timezone: text,
  }),
  additional_fields: z.array(z.looseObject({})).nullish(),
});
export type UserDetail = z.output<typeof userDetail>;

/** Items of `GET /learn/v1/courses` (§5.1): `id_course`, `course_type` [C R2, R1, R6]. */
export const courseListItem = z.looseObject({
  id_course: id,
  name: z.string(),
  course_type: text,
  description: text,
  code: text,
  uidCourse: text,
  date_last_updated: text,
  category: z.unknown().optional(),
});
export type CourseListItem = z.output<typeof courseListItem>;

/** `GET /learn/v1/courses/{id}`: `data.name`, and `type` where the list says `course_type` [C R1]. */
export const courseDetail = z.looseObject({
  id: id.nullish(),
  id_course: id.nullish(),
  name: z.string(),
  type: text,
  description: text,
  code: text,
});
export type CourseDetail = z.output<typeof courseDetail>;

/** ILT/webinar sessions of a course (§5.6) [C R2, R4]; field names vary across services. */
export const courseSession = z.looseObject({
  id_session: id.nullish(),
  id: id.nullish(),
  name: text,
  date_begin: text,
  date_end: text,
});
export type CourseSession = z.output<typeof courseSession>;

/**
 * `GET /learn/v1/courses/{id}/sessions` is not a list envelope: R2 answers `data.{current_location, is_enrolled,
 * sessions}`, the sessions "indexed by the unique ID of the session" (an array or an object keyed by id) [C R2
 * LearnCourseSessionsData]; R4 reads the same endpoint as `data.items` or a bare `data` array [I]. All are accepted.
 */
export const courseSessions = z.looseObject({
  data: z.union([
    z.array(courseSession),
    z.looseObject({
      sessions: z
        .union([
          z.array(courseSession),
          z.record(z.string(), courseSession).transform((r) => Object.values(r)),
        ])
        .nullish(),
      items: z.array(courseSession).nullish(),
    }),
  ]),
});

export const category = z.looseObject({});
export const catalog = z.looseObject({});
export type Category = z.output<typeof category>;
export type Catalog = z.output<typeof catalog>;

/** Items of `GET /learn/v1/enrollments` (§5.2): **`id`**, not `id_course`; string `status` and `level` [C R2, R1]. */
export const enrollmentListItem = z.looseObject({
  id,
  user_id: id.nullish(),
  name: z.string(),
  code: text,
  type: text,
  status: z.union([z.string(), z.number()]).nullish(),
  level: z.union([z.string(), z.number()]).nullish(),
  score: num,
  enroll_begin_date: text,
  enroll_end_date: text,
  course_complete_date: text,
});
export type EnrollmentListItem = z.output<typeof enrollmentListItem>;

/** `GET /learn/v1/enrollments/{id_course}/{id_user}`: `data.records`, with an integer `status` [C R2, R1]. */
export const enrollmentDetail = z.looseObject({
  records: z.looseObject({
    id: id.nullish(),
    name: text,
    course_code: text,
    type: text,
    status: z.union([z.string(), z.number()]).nullish(),
    score: num,
    enroll_begin_date: text,
    course_complete_date: text,
  }),
});
export type EnrollmentDetail = z.output<typeof enrollmentDetail>;

/** Bulk enrollment: `{data:{enrolled:[…], errors:[…]}}` [C R2]. */
export const bulkEnrollResult = z.looseObject({
  enrolled: z.array(z.unknown()).nullish(),
  errors: z.array(z.unknown()).nullish(),
});
export type BulkEnrollResult = z.output<typeof bulkEnrollResult>;

/** `DELETE /learn/v1/enrollments/{id_course}/{id_user}` → `{data:{deleted_enrollment}}` [C R2, R1]. */
export const unenrollResult = z.looseObject({ deleted_enrollment: z.unknown().optional() });

/** Items of `GET /learningplan/v1/learningplans` (§5.4) [C R4, R8]. */
export const learningPlanItem = z.looseObject({
  learning_plan_id: id,
  title: z.string(),
  code: text,
  uuid: text,
  is_published: z.union([z.boolean(), z.number()]).nullish(),
  assigned_courses_count: num,
});
export type LearningPlanItem = z.output<typeof learningPlanItem>;

/** Items of `GET /learningplan/v1/learningplans/enrollments`: `id_path`, `id_user` [C R4]. */
export const learningPlanEnrollment = z.looseObject({ id_path: id, id_user: id });
export type LearningPlanEnrollment = z.output<typeof learningPlanEnrollment>;

/** Groups, branches and global-search items: shapes only partly known [I R4]; kept whole. */
export const group = z.looseObject({});
export const branch = z.looseObject({});
export const searchResult = z.looseObject({});
export type Group = z.output<typeof group>;
export type Branch = z.output<typeof branch>;
export type SearchResult = z.output<typeof searchResult>;

/**
 * `GET /manage/v1/globalsearch/search` is not a list envelope either: `data.{results, grand_total, next_from,
 * end_of_results}`, paged by the `from` offset [C R2 ManageGlobalsearchSearchData]. The list envelope is accepted too.
 */
export const globalSearchResponse = z.looseObject({
  data: z.looseObject({
    results: z.array(searchResult).nullish(),
    grand_total: num,
    end_of_results: z.boolean().nullish(),
    items: z.array(searchResult).nullish(),
    has_more_data: z.boolean().nullish(),
    total_count: num,
  }),
});

/** A generic item whose shape the gateway does not rely on (write acknowledgements). */
export const anyObject = z.looseObject({});
