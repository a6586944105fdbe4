export * from './state-store';
export * from './state-store.errors';
export * from './memory-state-store';
export * from './redis-state-store';
export * from './state-store.health';
export * from './state.module';
