import { createParamDecorator, type ExecutionContext, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import type { Tenant } from './tenant';

/** The tenant resolved for this request. Only on tenant-scoped routes; anything else is a wiring bug. */
export const CurrentTenant = createParamDecorator((_: unknown, ctx: ExecutionContext): Tenant => {
  const tenant = ctx.switchToHttp().getRequest<Request>().tenant;
  if (!tenant) throw new NotFoundException('This route is not served for a tenant.');
  return tenant;
});
