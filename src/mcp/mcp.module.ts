import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { McpController } from './mcp.controller';
import { McpOriginPolicy } from './mcp-origin.policy';
import { McpServerFactory } from './mcp-server.factory';

@Module({
  imports: [HealthModule],
  controllers: [McpController],
  providers: [McpServerFactory, McpOriginPolicy],
  exports: [McpOriginPolicy],
})
export class McpModule {}
