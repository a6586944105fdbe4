export * from './tenant';
export * from './public-url';
export * from './tenant-registry.service';
export * from './tenant-resolver';
export * from './current-tenant.decorator';
export * from './tenancy.module';
