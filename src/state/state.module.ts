import { Global, Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfigNamespace } from '../config';
import { MemoryStateStore } from './memory-state-store';
import { RedisStateStore } from './redis-state-store';
import { STATE_STORE, type StateStore } from './state-store';
import { StateStoreHealth } from './state-store.health';

/** `memory` → one replica's Map; a redis:// or rediss:// URL → Redis shared by every replica. */
export function createStateStore(stateStore: string): StateStore {
  return stateStore === 'memory' ? new MemoryStateStore() : new RedisStateStore(stateStore);
}

/**
 * Provides the configured StateStore under STATE_STORE to the whole application, and its readiness probe.
 * The store closes in onApplicationShutdown (after the HTTP server), which Nest calls on the factory's instance.
 */
@Global()
@Module({
  providers: [
    {
      provide: STATE_STORE,
      inject: [GATEWAY_CONFIG],
      useFactory: ({ config }: GatewayConfigNamespace) => createStateStore(config.stateStore),
    },
    StateStoreHealth,
  ],
  exports: [STATE_STORE, StateStoreHealth],
})
export class StateModule {}
