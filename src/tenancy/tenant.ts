import type { TenantConfig } from '../config';
import type { TenantUrls } from './public-url';

/** One Docebo tenant served by this gateway: its configuration and its public URLs. */
export interface Tenant {
  readonly id: string;
  /** Human name for pages and metadata (`resource_name`). */
  readonly displayName: string;
  readonly config: TenantConfig;
  readonly urls: TenantUrls;
}
