import type { DoceboLevel, SessionUser } from '../docebo';
import type { Tenant } from '../tenancy';

/** Who is calling: what every tool sees. Built by the bearer guard from the token and Docebo's own answer. */
export interface Principal {
  readonly tenant: Tenant;
  /** Docebo user id. */
  readonly userId: number;
  readonly username: string;
  readonly displayName: string;
  readonly level: DoceboLevel;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** When the bearer token expires (epoch seconds). */
  readonly expiresAt: number;
  /** The Docebo access token tools call Docebo with. It never leaves the gateway. */
  readonly doceboToken: string;
  /** Docebo's own answer about the user (GET /manage/v1/user/session), as cached by the introspection. */
  readonly profile: SessionUser;
}
