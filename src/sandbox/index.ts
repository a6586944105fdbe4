export * from './sandbox.factory';
export * from './sandbox.options';
export * from './sandbox.data';
export * from './sandbox.faults';
export * from './sandbox.stats';
export { DEMO_ACCOUNTS, NUMBERED_LEARNERS, SANDBOX_PASSWORD, doceboDate } from './sandbox.seed';
export type { TokenResponse } from './oauth.store';
export * from './sandbox.module';
export * from './sandbox.service';
