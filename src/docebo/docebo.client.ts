import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { Tenant } from '../tenancy';
import { DoceboApiError } from './docebo-api.error';
import { DoceboHttp, path, type DoceboRequest, type QueryValue } from './docebo-http';
import * as s from './docebo.schemas';
import type { Page } from './docebo.schemas';

/** A Docebo user's level, least to most privileged. */
export type DoceboLevel = 'user' | 'power_user' | 'superadmin';
export const LEVEL_RANK: Record<DoceboLevel, number> = { user: 0, power_user: 1, superadmin: 2 };

/**
 * Maps Docebo's `user_level` to a level. Two vocabularies are reported (docebo-api.md §3 [I]: R2 `user`, `admin`,
 * `super_admin`; R8 `godadmin`, `power_user`); anything unknown gets the least privilege.
 */
export function toDoceboLevel(raw: string | null | undefined): DoceboLevel {
  const value = (raw ?? '').toLowerCase().replace(/[\s-]/g, '_');
  if (['super_admin', 'superadmin', 'godadmin', 'god_admin'].includes(value)) return 'superadmin';
  if (['admin', 'power_user', 'poweruser'].includes(value)) return 'power_user';
  return 'user';
}

/** Paging options of list calls. Docebo pages are 1-based and hold at most 200 items (§4 [C]). */
export interface PageOptions {
  page?: number;
  pageSize?: number;
  /** Ask Docebo for `total_count` (costs it a count query). */
  withTotal?: boolean;
}
export const MAX_PAGE_SIZE = 200;

export type SortDirection = 'asc' | 'desc';

export interface CourseQuery extends PageOptions {
  search?: string;
  sortBy?: string;
  sortDirection?: SortDirection;
  /** `YYYY-MM-DD HH:MM:SS` */
  updatedFrom?: string;
}

export interface UserQuery extends PageOptions {
  search?: string;
  branchId?: number;
  sortAttr?: string;
  sortDirection?: SortDirection;
}

export type EnrollmentStatus = string;
export interface EnrollmentQuery extends PageOptions {
  userIds?: number[];
  courseId?: number;
  statuses?: EnrollmentStatus[];
  /** elearning, classroom, webinar, learning_plan */
  types?: string[];
  search?: string;
  updatedFrom?: string;
  updatedTo?: string;
  /** Docebo's cursor from the previous page (enrollments keep search parameters under it). */
  cursor?: string;
}

/** Enrollment levels on the write side (§5.2 [C X3, R8]). */
export const ENROLLMENT_LEVEL = { learner: 3, tutor: 4, instructor: 6 } as const;
export type EnrollmentLevel = keyof typeof ENROLLMENT_LEVEL;

export interface EnrollOptions {
  level?: EnrollmentLevel;
  /** `YYYY-MM-DD` */
  dateBeginValidity?: string;
  dateExpireValidity?: string;
  sessionId?: number;
}

export interface BulkEnrollment extends EnrollOptions {
  courseIds: number[];
  userIds?: number[];
  groupIds?: number[];
  branchIds?: number[];
  assignmentType?: 'mandatory' | 'required' | 'recommended' | 'optional';
}

export interface EnrollmentUpdate {
  /** Numeric status code as Docebo's PUT expects (§5.2 [I]: 0 subscribed, 1 in progress, 2 completed, 3 suspended). */
  status?: number;
  level?: EnrollmentLevel;
  dateComplete?: string;
  score?: number;
  dateBeginValidity?: string;
  dateExpireValidity?: string;
}

/** 1-based page and a page size within 1–200, each left undefined when not asked for. */
function normalizePaging(options: PageOptions): { page?: number; pageSize?: number } {
  return {
    page: options.page === undefined ? undefined : Math.max(1, Math.floor(options.page)),
    pageSize:
      options.pageSize === undefined
        ? undefined
        : Math.min(Math.max(1, Math.floor(options.pageSize)), MAX_PAGE_SIZE),
  };
}

function pageQuery(options: PageOptions): Record<string, QueryValue> {
  const { page, pageSize } = normalizePaging(options);
  return { page, page_size: pageSize, get_total_count: options.withTotal ? 1 : undefined };
}

function toPage<T>(
  envelope: { data: z.output<ReturnType<typeof s.listEnvelope>>['data'] },
  items: T[],
  options: PageOptions,
): Page<T> {
  const d = envelope.data;
  const requestedSize = normalizePaging(options).pageSize;
  return {
    items,
    page: d.current_page ?? options.page ?? 1,
    pageSize: d.current_page_size ?? options.pageSize ?? items.length,
    // Docebo's loop condition (§4): has_more_data; when absent, a short page (of the clamped size) is the last one.
    hasMore: d.has_more_data ?? (requestedSize !== undefined && items.length >= requestedSize),
    ...(d.total_count !== null && d.total_count !== undefined ? { totalCount: d.total_count } : {}),
    ...(d.cursor ? { cursor: d.cursor } : {}),
  };
}

/**
 * Typed Docebo API for one user of one tenant: every method sends that user's Docebo token, so Docebo enforces
 * the user's own permissions. Get one from `DoceboClient.as(tenant, token)`.
 */
export class DoceboUserApi {
  constructor(
    private readonly http: DoceboHttp,
    readonly tenant: Tenant,
    private readonly token: string,
  ) {}

  private get<S extends z.ZodType>(
    p: string,
    schema: S,
    query?: DoceboRequest['query'],
  ): Promise<z.output<S>> {
    return this.http.call(this.tenant, { method: 'GET', path: p, query, token: this.token }, schema);
  }

  private write<S extends z.ZodType>(
    method: 'POST' | 'PUT' | 'DELETE',
    p: string,
    body: unknown,
    schema: S,
  ): Promise<z.output<S>> {
    return this.http.call(this.tenant, { method, path: p, body, token: this.token }, schema);
  }

  /** A write whose 2xx answer may still list per-item failures under `data.errors` (§6 [C R2]). */
  private async writeReportingErrors(
    method: 'POST' | 'PUT' | 'DELETE',
    p: string,
    body: unknown,
  ): Promise<{ errors: string[] }> {
    const answer = await this.write(method, p, body, s.anyObject);
    return { errors: itemErrors((answer as { data?: unknown }).data) };
  }

  private async list<T extends z.ZodType>(
    p: string,
    item: T,
    options: PageOptions,
    query: Record<string, QueryValue> = {},
  ): Promise<Page<z.output<T>>> {
    const envelope = await this.get(p, s.listEnvelope(item), { ...query, ...pageQuery(options) });
    return toPage(envelope, envelope.data.items as z.output<T>[], options);
  }

  /** Who the token belongs to (`GET /manage/v1/user/session`); also how the gateway validates a Docebo token. */
  async session(): Promise<s.SessionUser> {
    return (await this.get('/manage/v1/user/session', s.single(s.sessionUser))).data;
  }

  // ---- users (admin) ----
  listUsers(query: UserQuery = {}): Promise<Page<s.UserListItem>> {
    return this.list('/manage/v1/user', s.userListItem, query, {
      search_text: query.search,
      branch_id: query.branchId,
      sort_attr: query.sortAttr,
      sort_dir: query.sortDirection,
    });
  }
  async getUser(userId: number): Promise<s.UserDetail> {
    return (await this.get(path`/manage/v1/user/${userId}`, s.single(s.userDetail))).data;
  }
  listSubordinates(managerId: number, options: PageOptions = {}): Promise<Page<s.UserListItem>> {
    return this.list(path`/manage/v1/user/${managerId}/subordinates`, s.userListItem, options);
  }

  // ---- courses, sessions, categories, catalogs ----
  listCourses(query: CourseQuery = {}): Promise<Page<s.CourseListItem>> {
    return this.list('/learn/v1/courses', s.courseListItem, query, {
      search_text: query.search,
      sort_by: query.sortBy,
      sort_by_direction: query.sortDirection,
      updated_from: query.updatedFrom,
    });
  }
  async getCourse(courseId: number): Promise<s.CourseDetail> {
    return (await this.get(path`/learn/v1/courses/${courseId}`, s.single(s.courseDetail))).data;
  }
  /** All ILT/webinar sessions of a course, in one page: Docebo does not page this endpoint (§5.6 [C R2]). */
  async listCourseSessions(courseId: number): Promise<Page<s.CourseSession>> {
    const { data } = await this.get(path`/learn/v1/courses/${courseId}/sessions`, s.courseSessions);
    const items = Array.isArray(data) ? data : (data.sessions ?? data.items ?? []);
    return { items, page: 1, pageSize: items.length, hasMore: false };
  }
  listCategories(options: PageOptions & { search?: string } = {}): Promise<Page<s.Category>> {
    return this.list('/learn/v1/categories', s.category, options, { search_text: options.search });
  }
  async getCategory(categoryId: number): Promise<s.Category> {
    return (await this.get(path`/learn/v1/categories/${categoryId}`, s.single(s.category))).data;
  }
  listCatalogs(options: PageOptions = {}): Promise<Page<s.Catalog>> {
    return this.list('/learn/v1/catalog', s.catalog, options);
  }
  /** Catalog `0` is the generic catalog (§5.5 [C R2]). */
  async getCatalog(catalogId: number): Promise<s.Catalog> {
    return (await this.get(path`/learn/v1/catalog/${catalogId}`, s.single(s.catalog), { show_item_list: 1 }))
      .data;
  }

  // ---- enrollments ----
  listEnrollments(query: EnrollmentQuery = {}): Promise<Page<s.EnrollmentListItem>> {
    return this.list('/learn/v1/enrollments', s.enrollmentListItem, query, {
      id_user: query.userIds,
      id_course: query.courseId,
      status: query.statuses,
      type: query.types,
      search: query.search,
      updated_from: query.updatedFrom,
      updated_to: query.updatedTo,
      cursor: query.cursor,
    });
  }
  async getEnrollment(courseId: number, userId: number): Promise<s.EnrollmentDetail> {
    return (await this.get(path`/learn/v1/enrollments/${courseId}/${userId}`, s.single(s.enrollmentDetail)))
      .data;
  }
  /**
   * Enrolls one user. Docebo may answer 2xx and still list the enrollment under `errors` (already enrolled,
   * seat limits); those messages are returned, empty when it worked.
   */
  async enroll(courseId: number, userId: number, options: EnrollOptions = {}): Promise<{ errors: string[] }> {
    const body = {
      level: ENROLLMENT_LEVEL[options.level ?? 'learner'],
      date_begin_validity: options.dateBeginValidity,
      date_expire_validity: options.dateExpireValidity,
      session_id: options.sessionId,
    };
    return this.writeReportingErrors('POST', path`/learn/v1/enrollments/${courseId}/${userId}`, body);
  }
  /** Bulk enrollment; Docebo reports per-item failures in `errors` with a 2xx status (§6 [C R2]). */
  async enrollMany(request: BulkEnrollment): Promise<s.BulkEnrollResult> {
    const body = {
      course_ids: request.courseIds,
      user_ids: request.userIds,
      group_ids: request.groupIds,
      branch_ids: request.branchIds,
      level: ENROLLMENT_LEVEL[request.level ?? 'learner'],
      assignment_type: request.assignmentType,
      date_begin_validity: request.dateBeginValidity,
      date_expire_validity: request.dateExpireValidity,
      session_id: request.sessionId,
    };
    return (await this.write('POST', '/learn/v1/enrollments', body, s.single(s.bulkEnrollResult))).data;
  }
  async updateEnrollment(
    courseId: number,
    userId: number,
    update: EnrollmentUpdate,
  ): Promise<{ errors: string[] }> {
    const body = {
      status: update.status,
      level: update.level && ENROLLMENT_LEVEL[update.level],
      date_complete: update.dateComplete,
      score_given: update.score,
      date_begin_validity: update.dateBeginValidity,
      date_expire_validity: update.dateExpireValidity,
    };
    return this.writeReportingErrors('PUT', path`/learn/v1/enrollments/${courseId}/${userId}`, body);
  }

  async unenroll(courseId: number, userId: number): Promise<unknown> {
    return (
      await this.write(
        'DELETE',
        path`/learn/v1/enrollments/${courseId}/${userId}`,
        undefined,
        s.single(s.unenrollResult),
      )
    ).data.deleted_enrollment;
  }
  /** Bulk unenrollment; like writes generally, Docebo reports per-item failures in a 2xx (§6 [C R2]). */
  async unenrollMany(courseIds: number[], userIds: number[]): Promise<{ errors: string[] }> {
    return this.writeReportingErrors('DELETE', '/learn/v1/enrollments', {
      course_ids: courseIds,
      user_ids: userIds,
    });
  }

  // ---- learning plans ----
  listLearningPlans(query: PageOptions & { search?: string } = {}): Promise<Page<s.LearningPlanItem>> {
    return this.list('/learningplan/v1/learningplans', s.learningPlanItem, query, {
      search_text: query.search,
    });
  }
  async getLearningPlan(planId: number): Promise<s.LearningPlanItem> {
    return (await this.get(path`/learningplan/v1/learningplans/${planId}`, s.single(s.learningPlanItem)))
      .data;
  }
  listLearningPlanEnrollments(
    query: PageOptions & { userIds?: number[]; planIds?: number[] } = {},
  ): Promise<Page<s.LearningPlanEnrollment>> {
    return this.list('/learningplan/v1/learningplans/enrollments', s.learningPlanEnrollment, query, {
      user_id: query.userIds,
      learning_plan_id: query.planIds,
    });
  }

  // ---- groups, branches, search ----
  listGroups(options: PageOptions & { search?: string } = {}): Promise<Page<s.Group>> {
    return this.list('/manage/v1/group', s.group, options, { search_text: options.search });
  }
  listGroupMembers(groupId: number, options: PageOptions = {}): Promise<Page<s.UserListItem>> {
    return this.list(path`/manage/v1/group/${groupId}/members`, s.userListItem, options);
  }
  listBranches(options: PageOptions = {}): Promise<Page<s.Branch>> {
    return this.list('/manage/v1/orgchart', s.branch, options);
  }
  async getBranch(branchId: number): Promise<s.Branch> {
    return (await this.get(path`/manage/v1/orgchart/${branchId}`, s.single(s.branch))).data;
  }
  listBranchUsers(branchId: number, options: PageOptions = {}): Promise<Page<s.UserListItem>> {
    return this.list(path`/manage/v1/orgchart/${branchId}/users`, s.userListItem, options);
  }
  /** Keyword search over courses, learning plans and other content (§5.8). */
  async globalSearch(criteria: string, options: PageOptions = {}): Promise<Page<s.SearchResult>> {
    const { page = 1, pageSize } = normalizePaging(options);
    const { data } = await this.get('/manage/v1/globalsearch/search', s.globalSearchResponse, {
      criteria,
      page,
      page_size: pageSize,
      // R2 pages with the `from` offset, R1 with `page` (§5.8): send both, they agree.
      from: pageSize === undefined ? undefined : (page - 1) * pageSize,
    });
    const items = data.results ?? data.items ?? [];
    const total = data.grand_total ?? data.total_count;
    return {
      items,
      page,
      pageSize: pageSize ?? items.length,
      hasMore:
        typeof data.end_of_results === 'boolean' ? !data.end_of_results : (data.has_more_data ?? false),
      ...(total !== null && total !== undefined ? { totalCount: total } : {}),
    };
  }
}

/** Messages of the `errors` list Docebo puts in 2xx answers of writes (§6 [C R2]), whatever their shape. */
export function itemErrors(data: unknown): string[] {
  const errors = data && typeof data === 'object' ? (data as { errors?: unknown }).errors : undefined;
  if (!Array.isArray(errors)) return [];
  return errors.map((e) => {
    if (typeof e === 'string') return e;
    const message = e && typeof e === 'object' ? (e as { message?: unknown }).message : undefined;
    return typeof message === 'string' ? message : JSON.stringify(e);
  });
}

/** Fetches pages one after another while Docebo says there are more, up to `maxItems`. */
export async function* iteratePages<T>(
  fetchPage: (page: number, cursor?: string) => Promise<Page<T>>,
  maxItems = 1000,
): AsyncGenerator<T> {
  let yielded = 0;
  let cursor: string | undefined;
  for (let page = 1; yielded < maxItems; page++) {
    const result = await fetchPage(page, cursor);
    for (const item of result.items.slice(0, maxItems - yielded)) {
      yielded++;
      yield item;
    }
    // Each page costs a call against the tenant's hourly budget: never fetch one whose items would not be used.
    if (!result.hasMore || result.items.length === 0) return;
    cursor = result.cursor ?? cursor;
  }
}

/** Collects `iteratePages` into an array. */
export async function collectPages<T>(
  fetchPage: (page: number, cursor?: string) => Promise<Page<T>>,
  maxItems = 1000,
): Promise<T[]> {
  const all: T[] = [];
  for await (const item of iteratePages(fetchPage, maxItems)) all.push(item);
  return all;
}

/** The entry point of the Docebo API: `docebo.as(tenant, doceboToken).listCourses(…)`. */
@Injectable()
export class DoceboClient {
  constructor(private readonly http: DoceboHttp) {}

  /** Whether the tenant's Docebo answers (for readiness; see DoceboHttp.probe). */
  probe(tenant: Tenant): Promise<{ reachable: boolean; detail: string }> {
    return this.http.probe(tenant);
  }

  as(tenant: Tenant, doceboToken: string): DoceboUserApi {
    if (!doceboToken) throw new DoceboApiError('unauthorized', 0);
    return new DoceboUserApi(this.http, tenant, doceboToken);
  }
}
