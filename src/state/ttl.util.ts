/**
 * Validates a lifetime in milliseconds and rounds it up to a whole millisecond (Redis takes integers). Every key
 * expires, so zero, negative, NaN and infinite lifetimes are programming errors, refused alike by both stores.
 */
export function checkTtl(ttlMs: number, name = 'ttlMs'): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`${name} must be a positive, finite number of milliseconds`);
  }
  return Math.ceil(ttlMs);
}
