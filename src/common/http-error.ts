/**
 * An error meant for the client: a status, a stable machine-readable code and a message a person can act on.
 * Subclasses (OAuth errors, tenant errors) only choose these; the global filter writes them.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
    /** Extra response headers, e.g. `WWW-Authenticate` or `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = new.target.name;
  }
}
