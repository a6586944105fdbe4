export * from './docebo-api.error';
export * from './docebo-endpoints';
export * from './docebo-http';
export * from './docebo.client';
export * from './docebo-oauth.client';
export * from './docebo.schemas';
export * from './docebo.module';
export * from './request-limiter';
