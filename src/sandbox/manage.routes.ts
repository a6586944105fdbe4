import { type Request, Router } from 'express';
import {
  listBody,
  matchesText,
  QueryParams,
  readPaging,
  readSortDir,
  single,
  sortBy,
  toInt,
} from './api.envelope';
import { canSee, isSuperadmin, requireAdmin, visibleUserIds } from './api.auth';
import { principalOf, type SandboxContext } from './sandbox.context';
import type { SandboxBranch, SandboxUser } from './sandbox.data';
import { badRequest, forbidden, notFound } from './sandbox.errors';
import { USER_LEVEL_NAMES, USER_LIST_LEVEL_CODES } from './sandbox.options';

/**
 * The `manage` service: who am I (docebo-api.md §3), users (§5.3), groups and branches (§5.9), global search (§5.8).
 */

/** Default page sizes: users 200 [C R2]; the others are not documented [I]. */
const USERS_PAGE_SIZE = 200;
const GROUPS_PAGE_SIZE = 200;
const BRANCHES_PAGE_SIZE = 200;
const SEARCH_PAGE_SIZE = 20;

/** Users list `sort_attr` values [C R2]; an unknown one falls back to the default. */
const USER_SORTS: Record<string, (u: SandboxUser) => string | number> = {
  username: (u) => u.username,
  first_name: (u) => u.firstName,
  last_name: (u) => u.lastName,
  status: (u) => (u.active ? 1 : 0),
  level: (u) => USER_LIST_LEVEL_CODES[u.level],
  email: (u) => u.email,
  last_access_date: (u) => u.lastAccessAt,
  expiration_date: () => '',
  language: (u) => u.language,
  email_validation_status: () => 1,
};

export function idParam(req: Request, name: string, what: string): number {
  const raw = String(req.params[name] ?? '');
  if (!/^\d{1,12}$/.test(raw)) throw badRequest(`Invalid ${what} id "${raw.slice(0, 40)}".`);
  return toInt(raw, name);
}

/** A user as list endpoints show one: `user_id`, `first_name` … [C R2, R4]. */
export function userListItem(ctx: SandboxContext, u: SandboxUser): Record<string, unknown> {
  const manager = u.managerId === null ? undefined : ctx.data.usersById.get(u.managerId);
  const subordinates = ctx.data.subordinatesOf(u.id);
  return {
    user_id: u.id,
    username: u.username,
    first_name: u.firstName,
    last_name: u.lastName,
    fullname: `${u.firstName} ${u.lastName}`,
    email: u.email,
    uuid: `5eed0000-0000-4000-8000-${String(u.id).padStart(12, '0')}`,
    level: USER_LIST_LEVEL_CODES[u.level],
    status: u.active ? 1 : 0,
    avatar: '',
    language: u.language,
    lang_code: 'en',
    timezone: u.timezone,
    role_id: u.level === 'poweruser' ? 1 : null,
    role_title: u.level === 'poweruser' ? 'Team manager profile' : null,
    manager_username: manager?.username ?? null,
    manager_first_name: manager?.firstName ?? null,
    manager_last_name: manager?.lastName ?? null,
    is_manager: subordinates.length > 0,
    active_subordinates_count: subordinates.filter((s) => s.active).length,
    last_access_date: u.lastAccessAt,
    creation_date: u.createdAt,
    last_update: u.updatedAt,
    expiration_date: null,
    expired: false,
    email_validation_status: 1,
    ...Object.fromEntries(Object.entries(u.fields).map(([id, value]) => [`field_${id}`, value])),
  };
}

export function manageRouter(ctx: SandboxContext): Router {
  const router = Router();

  // Who am I [C R2 ManageUserSessionData, R1/R3 fixtures]: `id` and `firstname`, no branch data.
  router.get('/manage/v1/user/session', (_req, res) => {
    const { user } = principalOf(res);
    res.json(
      single({
        id: user.id,
        username: user.username,
        firstname: user.firstName,
        lastname: user.lastName,
        email: user.email,
        user_level: USER_LEVEL_NAMES[ctx.settings.userLevelNames][user.level],
        avatar_url: '',
        timezone: user.timezone,
        language: 'en',
        dateformat_locale: 'en_us',
        active_languages: [],
        branding: {},
        currency_settings: {},
        catalog_settings: {},
        menu_items: [],
        admin_menu_items: {},
      }),
    );
  });

  // A probe some clients use to validate a token [C R2, unconfirmed]; any level.
  router.get('/manage/v1/user/keep_alive', (_req, res) => {
    res.json(single({ success: true }));
  });

  router.get('/manage/v1/user', (req, res) => {
    const { user: actor } = principalOf(res);
    requireAdmin(actor);
    const q = QueryParams.of(req);
    const paging = readPaging(q, USERS_PAGE_SIZE, ctx.settings);
    if (q.flag('pending'))
      return res.json(listBody([], paging, { links: { path: '/manage/v1/user', query: q } }));
    const visible = visibleUserIds(ctx, actor);
    const search = q.get('search_text');
    const exclude = new Set(q.ints('exclude'));
    const branchId = q.int('branch_id');
    const branches =
      branchId === undefined
        ? undefined
        : q.int('selection_status') === 2
          ? ctx.data.branchWithDescendants(branchId)
          : new Set([branchId]);
    const noAdmins = q.flag('exclude_power_users_and_super_admins');
    const users = ctx.data.users.filter(
      (u) =>
        (visible === 'all' || visible.has(u.id)) &&
        !exclude.has(u.id) &&
        (!noAdmins || u.level === 'user') &&
        (!branches || u.branchIds.some((b) => branches.has(b))) &&
        matchesText(search, u.firstName, u.lastName, u.username),
    );
    const sortAttr = q.get('sort_attr') ?? 'first_name';
    const key = USER_SORTS[sortAttr] ?? USER_SORTS.first_name;
    // Default order: first_name, descending [C R2 "default - desc"].
    const sorted = sortBy(users, key, readSortDir(q, 'sort_dir', 'desc'));
    res.json(
      listBody(sorted, paging, {
        links: { path: '/manage/v1/user', query: q },
        map: (u) => userListItem(ctx, u),
      }),
    );
  });

  // Nested detail [C R2 ManageUserViewData, R7 `data.user_data.user_id`]; admin only.
  router.get('/manage/v1/user/:userId', (req, res) => {
    const { user: actor } = principalOf(res);
    requireAdmin(actor);
    const id = idParam(req, 'userId', 'user');
    const u = ctx.data.user(id);
    if (!u) throw notFound(`User ${id} not found.`);
    if (!canSee(ctx, actor, id)) throw forbidden(`You are not allowed to see user ${id}.`);
    const manager = u.managerId === null ? undefined : ctx.data.usersById.get(u.managerId);
    res.json(
      single({
        user_data: {
          user_id: u.id,
          username: u.username,
          first_name: u.firstName,
          last_name: u.lastName,
          email: u.email,
          level: USER_LIST_LEVEL_CODES[u.level],
          valid: u.active ? 1 : 0,
          role_id: u.level === 'poweruser' ? 1 : null,
          role_title: u.level === 'poweruser' ? 'Team manager profile' : null,
          manager_username: manager?.username ?? null,
          manager_first_name: manager?.firstName ?? null,
          manager_last_name: manager?.lastName ?? null,
          timezone: u.timezone,
          language: u.language,
          date_format: 'en',
          expiration: null,
          email_validation_status: 1,
          avatar: '',
          force_change: '0',
        },
        additional_fields: ctx.data.userFields.map((f) => ({
          id: f.id,
          title: f.title,
          type: f.type,
          value: u.fields[f.id] ?? '',
        })),
        // Branch membership lives here, not in the session payload [I].
        branches: u.branchIds.map((id) => {
          const b = ctx.data.branchesById.get(id)!;
          return { id: b.id, name: b.title, code: b.code };
        }),
      }),
    );
  });

  // A manager's team [C R2, R1]: any user may list their own subordinates; admins those of users they see.
  router.get('/manage/v1/user/:managerId/subordinates', (req, res) => {
    const { user: actor } = principalOf(res);
    const id = idParam(req, 'managerId', 'user');
    if (id !== actor.id) {
      requireAdmin(actor);
      if (!ctx.data.user(id)) throw notFound(`User ${id} not found.`);
      if (!canSee(ctx, actor, id)) throw forbidden(`You are not allowed to see the team of user ${id}.`);
    }
    const q = QueryParams.of(req);
    const paging = readPaging(q, USERS_PAGE_SIZE, ctx.settings);
    const team = ctx.data
      .subordinatesOf(id)
      .filter((u) => matchesText(q.get('search_text'), u.firstName, u.lastName, u.username));
    res.json(listBody(team, paging, { map: (u) => userListItem(ctx, u) }));
  });

  router.get('/manage/v1/group', (req, res) => {
    const { user: actor } = principalOf(res);
    requireAdmin(actor);
    const q = QueryParams.of(req);
    const paging = readPaging(q, GROUPS_PAGE_SIZE, ctx.settings);
    const groups = ctx.data.groups.filter((g) => matchesText(q.get('search_text'), g.name, g.description));
    const sorted = sortBy(groups, (g) => g.name, readSortDir(q, 'sort_dir', 'asc'));
    res.json(
      listBody(
        sorted.map((g) => groupItem(g)),
        paging,
      ),
    );
  });

  router.get('/manage/v1/group/:groupId', (req, res) => {
    requireAdmin(principalOf(res).user);
    const id = idParam(req, 'groupId', 'group');
    const group = ctx.data.groupsById.get(id);
    if (!group) throw notFound(`Group ${id} not found.`);
    res.json(single(groupItem(group)));
  });

  router.get('/manage/v1/group/:groupId/members', (req, res) => {
    const { user: actor } = principalOf(res);
    requireAdmin(actor);
    const id = idParam(req, 'groupId', 'group');
    const group = ctx.data.groupsById.get(id);
    if (!group) throw notFound(`Group ${id} not found.`);
    const q = QueryParams.of(req);
    const paging = readPaging(q, GROUPS_PAGE_SIZE, ctx.settings);
    const members = group.memberIds
      .map((uid) => ctx.data.usersById.get(uid)!)
      .filter(
        (u) =>
          canSee(ctx, actor, u.id) && matchesText(q.get('search_text'), u.firstName, u.lastName, u.username),
      );
    res.json(
      listBody(
        members.map((u) => ({
          user_id: u.id,
          username: u.username,
          first_name: u.firstName,
          last_name: u.lastName,
          email: u.email,
          level: USER_LIST_LEVEL_CODES[u.level],
          enrollment_date: group.createdAt,
        })),
        paging,
      ),
    );
  });

  router.get('/manage/v1/orgchart', (req, res) => {
    requireAdmin(principalOf(res).user);
    const q = QueryParams.of(req);
    const paging = readPaging(q, BRANCHES_PAGE_SIZE, ctx.settings);
    const tree = nestedSet(ctx.data.branches);
    const branches = ctx.data.branches.filter((b) => matchesText(q.get('search_text'), b.title, b.code));
    res.json(
      listBody(
        branches.map((b) => branchItem(ctx.data.branches, tree, b)),
        paging,
      ),
    );
  });

  router.get('/manage/v1/orgchart/:branchId', (req, res) => {
    requireAdmin(principalOf(res).user);
    const id = idParam(req, 'branchId', 'branch');
    const branch = ctx.data.branchesById.get(id);
    if (!branch) throw notFound(`Branch ${id} not found.`);
    const item = branchItem(ctx.data.branches, nestedSet(ctx.data.branches), branch);
    res.json(
      single({
        ...item,
        children: ctx.data.branches.filter((b) => b.parentId === id).map((b) => b.id),
        users_count: ctx.data.users.filter((u) => u.branchIds.includes(id)).length,
      }),
    );
  });

  router.get('/manage/v1/orgchart/:branchId/users', (req, res) => {
    const { user: actor } = principalOf(res);
    requireAdmin(actor);
    const id = idParam(req, 'branchId', 'branch');
    if (!ctx.data.branchesById.has(id)) throw notFound(`Branch ${id} not found.`);
    const q = QueryParams.of(req);
    const paging = readPaging(q, USERS_PAGE_SIZE, ctx.settings);
    const branches = q.int('selection_status') === 2 ? ctx.data.branchWithDescendants(id) : new Set([id]);
    const users = ctx.data.users.filter(
      (u) =>
        u.branchIds.some((b) => branches.has(b)) &&
        canSee(ctx, actor, u.id) &&
        matchesText(q.get('search_text'), u.firstName, u.lastName, u.username),
    );
    res.json(listBody(users, paging, { map: (u) => userListItem(ctx, u) }));
  });

  // Keyword search over courses and learning plans [C R2 ManageGlobalsearchSearchData, R1].
  router.get('/manage/v1/globalsearch/search', (req, res) => {
    const { user: actor } = principalOf(res);
    const q = QueryParams.of(req);
    const criteria = q.get('criteria')?.trim();
    if (!criteria) throw badRequest('The parameter "criteria" is required.');
    const { pageSize, page } = readPaging(q, SEARCH_PAGE_SIZE, ctx.settings);
    const from = q.int('from') ?? (page - 1) * pageSize;
    if (from < 0) throw badRequest('Invalid value for parameter "from".');
    const words = criteria.toLowerCase().split(/\s+/);
    const score = (...fields: string[]) => {
      const text = fields.join(' ').toLowerCase();
      return words.filter((w) => text.includes(w)).length / words.length;
    };
    const hits = [
      ...ctx.data.courses.map((c) => ({
        id: `course-${c.id}`,
        type: 'course',
        index: 'courses',
        score: score(c.name, c.code, c.description),
        document: { id: c.id, name: c.name, code: c.code, description: c.description, course_type: c.type },
      })),
      ...ctx.data.learningPlans
        .filter((p) => p.published || isSuperadmin(actor))
        .map((p) => ({
          id: `learning_plan-${p.id}`,
          type: 'learning_plan',
          index: 'learning_plans',
          score: score(p.title, p.code, p.description),
          document: { id: p.id, name: p.title, code: p.code, description: p.description },
        })),
    ]
      .filter((h) => h.score > 0)
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    const results = hits.slice(from, from + pageSize);
    res.json(
      single({
        results,
        grand_total: hits.length,
        next_from: from + results.length,
        end_of_results: from + pageSize >= hits.length,
        suggestions: [],
        recent_searches: [],
      }),
    );
  });

  return router;
}

function groupItem(g: {
  id: number;
  name: string;
  description: string;
  memberIds: readonly number[];
  createdAt: string;
}) {
  return {
    group_id: g.id,
    name: g.name,
    description: g.description,
    language: 'english',
    total_members: g.memberIds.length,
    id_branch: null,
    is_default: false,
    creation_date: g.createdAt,
    last_update: g.createdAt,
  };
}

/** Left/right/level of each branch (Docebo keeps the org chart as a nested set [C R2 i_left, i_right]). */
function nestedSet(
  branches: readonly SandboxBranch[],
): Map<number, { lft: number; rgt: number; lev: number }> {
  const out = new Map<number, { lft: number; rgt: number; lev: number }>();
  let counter = 1;
  const visit = (id: number, lev: number) => {
    const lft = counter++;
    for (const child of branches.filter((b) => b.parentId === id)) visit(child.id, lev + 1);
    out.set(id, { lft, rgt: counter++, lev });
  };
  for (const root of branches.filter((b) => b.parentId === 0)) visit(root.id, 1);
  return out;
}

function branchItem(
  all: readonly SandboxBranch[],
  tree: Map<number, { lft: number; rgt: number; lev: number }>,
  b: SandboxBranch,
) {
  const pos = tree.get(b.id)!;
  return {
    id_org: b.id,
    id_parent: b.parentId,
    code: b.code,
    title: b.title,
    translation: { english: b.title },
    external_id: b.externalId,
    lft: pos.lft,
    rgt: pos.rgt,
    lev: pos.lev,
    has_children: all.some((x) => x.parentId === b.id),
  };
}
