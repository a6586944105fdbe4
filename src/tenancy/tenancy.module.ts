import { Global, Module } from '@nestjs/common';
import { TenantRegistry } from './tenant-registry.service';
import { TenantResolver } from './tenant-resolver';

@Global()
@Module({ providers: [TenantRegistry, TenantResolver], exports: [TenantRegistry, TenantResolver] })
export class TenancyModule {}
