import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'gateway:isPublic';

/**
 * Marks a route that needs no bearer token: discovery, OAuth, health and metrics. Everything else, /mcp first of
 * all, goes through the global bearer guard.
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);
