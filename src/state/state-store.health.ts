import { Inject, Injectable } from '@nestjs/common';
import { InjectConfig, type GatewayConfigNamespace } from '../config';
import { describeRedisUrl } from './redis-state-store';
import { STATE_STORE, type StateStore } from './state-store';
import { StateStoreError } from './state-store.errors';

/** What a readiness probe learned about the state store. */
export interface StateStoreProbe {
  /** Which store: `memory`, or the Redis URL without credentials. */
  readonly store: string;
  /** Why the store is not usable; absent when it answered. */
  readonly error?: string;
}

/** How long readiness waits for the store: a probe must answer well within a kubelet's probe timeout. */
export const STATE_STORE_PROBE_TIMEOUT_MS = 1_000;

/** Readiness of the state store, for /health/ready (which owns the HTTP side). */
@Injectable()
export class StateStoreHealth {
  readonly store: string;

  constructor(
    @Inject(STATE_STORE) private readonly stateStore: StateStore,
    @InjectConfig() { config }: GatewayConfigNamespace,
  ) {
    this.store = config.stateStore === 'memory' ? 'memory' : describeRedisUrl(config.stateStore);
  }

  /** Pings the store; never takes longer than `timeoutMs`, never throws. */
  async probe(timeoutMs = STATE_STORE_PROBE_TIMEOUT_MS): Promise<StateStoreProbe> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`state store did not answer within ${timeoutMs} ms`), timeoutMs);
    });
    const ping = this.stateStore.ping().then(
      () => undefined,
      (e: unknown) => (e instanceof StateStoreError ? e.message : 'state store check failed'),
    );
    try {
      const error = await Promise.race([ping, timeout]);
      return error === undefined ? { store: this.store } : { store: this.store, error };
    } finally {
      clearTimeout(timer);
    }
  }
}
