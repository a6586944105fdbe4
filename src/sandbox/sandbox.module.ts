import { Module } from '@nestjs/common';
import { SandboxService } from './sandbox.service';

/** The embedded Docebo emulator, for tenants whose `docebo.baseUrl` is `sandbox` (mounted in app.setup.ts). */
@Module({ providers: [SandboxService], exports: [SandboxService] })
export class SandboxModule {}
