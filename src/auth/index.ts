export * from './auth.errors';
export * from './auth.module';
export * from './current-principal.decorator';
export * from './principal';
export * from './public.decorator';
export * from './scopes';
