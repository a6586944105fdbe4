/**
 * Errors a StateStore throws. Messages name the store and the kind of failure only: never a key or a value,
 * since keys may embed codes or token ids.
 */
export class StateStoreError extends Error {
  override readonly name: string = 'StateStoreError';
}

/**
 * The store cannot be reached (connection refused or lost, command timed out, server loading or read-only).
 * Callers answer "try again later" (OAuth `temporarily_unavailable`, HTTP 503) rather than treating the
 * request as invalid.
 */
export class StateStoreUnavailableError extends StateStoreError {
  override readonly name: string = 'StateStoreUnavailableError';
}
