/** The time source of token lifetimes, injectable so tests can move time instead of sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Optional provider token: when nothing is bound to it, services use the system clock. */
export const CLOCK = Symbol('Clock');

export const systemClock: Clock = { now: () => Date.now() };
