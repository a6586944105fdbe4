import { Module } from '@nestjs/common';
import { DiscoveryController } from './discovery.controller';
import { LandingController } from './landing.controller';

@Module({ controllers: [DiscoveryController, LandingController] })
export class DiscoveryModule {}
