import type { NextFunction, Request, Response } from 'express';
import { apiErrorBody, forbidden } from './sandbox.errors';
import type { Principal, SandboxContext } from './sandbox.context';
import type { SandboxUser } from './sandbox.data';

/**
 * Bearer authentication and Docebo's role rules. A missing, unknown, expired or revoked token gets 401 on every
 * API path [C R1, X2]. Roles [V D1 "permissions come from the user's level"; C R1 "admin-only endpoints → 403"]:
 * a superadmin sees everyone; a power user sees themself and their subordinates; a user sees only themself.
 */

/** WWW-Authenticate of the API's 401s: its content is unknown [? docebo-api.md §2.6]; a plain Bearer challenge. */
const REALM = 'Bearer realm="api"';

function unauthorized(res: Response, message: string, invalidToken: boolean): void {
  const challenge = invalidToken
    ? `${REALM}, error="invalid_token", error_description="${message.replace(/"/g, "'")}"`
    : REALM;
  res.status(401).set('WWW-Authenticate', challenge).json(apiErrorBody(401, message));
}

/** Resolves the bearer token to a user, or answers 401. */
export function bearerAuth(ctx: SandboxContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+([^\s]+)\s*$/i.exec(header);
    if (!m)
      return unauthorized(res, 'Your request was made with invalid credentials: no access token.', false);
    const token = m[1];
    const verdict = ctx.store.verifyAccess(token);
    if (!verdict.ok) {
      const message =
        verdict.reason === 'expired'
          ? 'The access token provided has expired.'
          : 'The access token provided is invalid.';
      return unauthorized(res, message, true);
    }
    const user = ctx.data.user(verdict.record.userId);
    if (!user || !user.active) return unauthorized(res, 'The access token provided is invalid.', true);
    res.locals.principal = { user, token } satisfies Principal;
    next();
  };
}

export const isSuperadmin = (u: SandboxUser) => u.level === 'superadmin';
export const isAdmin = (u: SandboxUser) => u.level === 'superadmin' || u.level === 'poweruser';

/** Admin-only endpoints: superadmins and power users; plain users get 403. */
export function requireAdmin(user: SandboxUser): void {
  if (!isAdmin(user)) throw forbidden('You do not have permission to access this resource: admin only.');
}

/** The users an actor may see: `all` for a superadmin, else a set of ids. */
export function visibleUserIds(ctx: SandboxContext, actor: SandboxUser): 'all' | Set<number> {
  if (isSuperadmin(actor)) return 'all';
  const ids = new Set([actor.id]);
  if (actor.level === 'poweruser') for (const u of ctx.data.subordinatesOf(actor.id)) ids.add(u.id);
  return ids;
}

export function canSee(ctx: SandboxContext, actor: SandboxUser, userId: number): boolean {
  const visible = visibleUserIds(ctx, actor);
  return visible === 'all' || visible.has(userId);
}

/** Writes (enroll, unenroll, update): superadmins on anyone, power users on their subordinates. */
export function canManage(ctx: SandboxContext, actor: SandboxUser, userId: number): boolean {
  if (isSuperadmin(actor)) return true;
  return actor.level === 'poweruser' && ctx.data.usersById.get(userId)?.managerId === actor.id;
}

export function requireSee(ctx: SandboxContext, actor: SandboxUser, userId: number): void {
  if (!canSee(ctx, actor, userId)) throw forbidden(`You are not allowed to see the data of user ${userId}.`);
}
