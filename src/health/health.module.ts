import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DoceboReachability } from './docebo-reachability';
import { HealthController } from './health.controller';
import { LifecycleService } from './lifecycle.service';
import { MetricsService } from './metrics.service';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [LifecycleService, MetricsService, DoceboReachability],
  exports: [LifecycleService, MetricsService],
})
export class HealthModule {}
