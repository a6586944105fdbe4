import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { BodyError, readBody } from './http.body';
import { UnknownUserError } from './sandbox.errors';
import { faultRuleSchema } from './sandbox.faults';
import type { Sandbox } from './sandbox.factory';
import { sandboxSettingsSchema } from './sandbox.options';

/**
 * `/__admin/…`: the controls of `Sandbox` over HTTP, for tests and tools that run the sandbox out of process.
 * Not part of Docebo: no bearer token, not counted, no faults, no request budget.
 */

const userRef = z.union([z.number().int(), z.string().min(1)]);
const revokeSchema = z.union([
  z.strictObject({ token: z.string().min(1) }),
  z.strictObject({ user: userRef }),
]);
const expireSchema = z.strictObject({ token: z.string().min(1).optional(), user: userRef.optional() });
const faultsSchema = z.union([
  faultRuleSchema,
  z.array(faultRuleSchema),
  z.strictObject({ rules: z.array(faultRuleSchema), append: z.boolean().optional() }),
]);
const tokenSchema = z.strictObject({ user: userRef, scope: z.string().optional() });
const settingsPatchSchema = sandboxSettingsSchema.partial();

class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function body<T>(req: Request, schema: z.ZodType<T>): Promise<T> {
  let fields: unknown;
  try {
    fields = await readBody(req);
  } catch (e) {
    if (e instanceof BodyError) throw new AdminError(e.status, 'invalid_request', e.message);
    throw e;
  }
  const result = schema.safeParse(fields);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new AdminError(400, 'invalid_request', `${issue.path.join('.') || '(body)'}: ${issue.message}`);
}

export function adminRouter(sandbox: Sandbox): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/stats', (_req, res) => {
    res.json(sandbox.stats.snapshot());
  });

  router.post('/reset', (_req, res) => {
    sandbox.reset();
    res.json({ reset: true });
  });

  router.get('/faults', (_req, res) => {
    res.json({ rules: sandbox.faults.list() });
  });

  // Replaces the rules (a rule, a list, or {rules, append}).
  router.post('/faults', async (req, res) => {
    const input = await body(req, faultsSchema);
    if (Array.isArray(input)) sandbox.faults.set(input);
    else if ('rules' in input) {
      if (input.append) input.rules.forEach((r) => sandbox.faults.add(r));
      else sandbox.faults.set(input.rules);
    } else sandbox.faults.set(input);
    res.json({ rules: sandbox.faults.list() });
  });

  router.delete('/faults', (_req, res) => {
    sandbox.faults.clear();
    res.json({ rules: [] });
  });

  router.post('/revoke', async (req, res) => {
    const input = await body(req, revokeSchema);
    const revoked =
      'token' in input ? Number(sandbox.revokeToken(input.token)) : sandbox.revokeUser(input.user);
    res.json({ revoked });
  });

  router.post('/expire', async (req, res) => {
    const input = await body(req, expireSchema);
    res.json({ expired: sandbox.expireAccessTokens(input) });
  });

  // A token without the browser dance, for scripts: {"user": "learner"}.
  router.post('/tokens', async (req, res) => {
    const input = await body(req, tokenSchema);
    res.json(sandbox.issueToken(input.user, { scope: input.scope }));
  });

  router.get('/settings', (_req, res) => {
    res.json({ ...sandbox.settings, clientSecret: '[REDACTED]' });
  });

  router.patch('/settings', async (req, res) => {
    sandbox.configure(await body(req, settingsPatchSchema));
    res.json({ ...sandbox.settings, clientSecret: '[REDACTED]' });
  });

  router.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found', error_description: 'No such sandbox admin endpoint.' });
  });
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof AdminError) {
      res.status(err.status).json({ error: err.code, error_description: err.message });
    } else if (err instanceof UnknownUserError) {
      res.status(404).json({ error: 'not_found', error_description: err.message });
    } else next(err);
  });
  return router;
}
