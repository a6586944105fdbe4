import type { Request } from 'express';
import { badRequest } from './sandbox.errors';
import { MAX_PAGE_SIZE, type SandboxSettings } from './sandbox.options';

/**
 * Query strings, paging and the response envelopes of Docebo's REST API (docebo-api.md §4): 1-based pages,
 * `has_more_data` as the loop condition, `total_count` only when asked, PHP-style `name[]=` arrays.
 */

/** Top-level `"version": "1.0.0"` next to `data`: often present, unverified [?]. */
export const RESPONSE_VERSION = '1.0.0';

/** The query string of a request, read the way Docebo's PHP reads it. */
export class QueryParams {
  constructor(private readonly params: URLSearchParams) {}

  static of(req: Request): QueryParams {
    const q = req.url.indexOf('?');
    return new QueryParams(new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1)));
  }

  has(name: string): boolean {
    return this.all(name).length > 0;
  }

  /** A scalar parameter (the first value); an empty value counts as absent. */
  get(name: string): string | undefined {
    const value = this.params.get(name);
    return value === null || value === '' ? undefined : value;
  }

  /** Every value of `name`, `name[]` and `name[0]`, `name[1]`…, empty ones dropped. */
  all(name: string): string[] {
    const out: string[] = [];
    for (const [key, value] of this.params) {
      if (value === '') continue;
      if (
        key === name ||
        key === `${name}[]` ||
        (key.startsWith(`${name}[`) && /^\[\d+\]$/.test(key.slice(name.length)))
      )
        out.push(value);
    }
    return out;
  }

  int(name: string): number | undefined {
    const value = this.get(name);
    return value === undefined ? undefined : toInt(value, name);
  }

  ints(name: string): number[] {
    return this.all(name).map((v) => toInt(v, name));
  }

  flag(name: string): boolean {
    const value = this.get(name);
    return value === '1' || value === 'true';
  }

  /** The query string with some parameters replaced (for `_links`). */
  with(replace: Record<string, string>): string {
    const params = new URLSearchParams(this.params);
    for (const [k, v] of Object.entries(replace)) params.set(k, v);
    return params.toString();
  }
}

export function toInt(value: string, name: string): number {
  if (!/^-?\d{1,15}$/.test(value.trim()))
    throw badRequest(`Invalid value for parameter "${name}": expected an integer.`);
  return Number(value);
}

export interface Paging {
  /** 1-based. */
  readonly page: number;
  readonly pageSize: number;
  readonly withTotal: boolean;
}

/** page, page_size and get_total_count, with the endpoint's default page size. */
export function readPaging(q: QueryParams, defaultSize: number, settings: SandboxSettings): Paging {
  let page = q.int('page') ?? 1;
  if (page === 0 && settings.pageZero === 'first-page') page = 1;
  if (page < 1) throw badRequest('Invalid value for parameter "page": pages start at 1.');
  let pageSize = q.int('page_size') ?? defaultSize;
  if (pageSize < 1) throw badRequest(`page_size must be in the range 1-${MAX_PAGE_SIZE}.`);
  if (pageSize > MAX_PAGE_SIZE) {
    if (settings.pageSizeOverflow === 'reject')
      throw badRequest(`page_size must be in the range 1-${MAX_PAGE_SIZE}.`);
    pageSize = MAX_PAGE_SIZE;
  }
  return { page, pageSize, withTotal: q.flag('get_total_count') };
}

/** `data` of a list response. */
export interface ListData<T> {
  items: T[];
  count: number;
  has_more_data: boolean;
  current_page: number;
  current_page_size: number;
  total_page_count: number;
  total_count?: number;
  cursor?: string;
}

export interface ListBody<T> {
  data: ListData<T>;
  version: string;
  _links?: Record<string, string>[];
}

/**
 * One page of an already filtered and sorted list, in Docebo's envelope. `map` turns the raw entries of the page into
 * response items (only the page's, so a long list costs what one page costs).
 */
export function listBody<T, U = T>(
  all: readonly T[],
  paging: Paging,
  extra: { cursor?: string; links?: { path: string; query: QueryParams }; map?: (item: T) => U } = {},
): ListBody<U> {
  const { page, pageSize, withTotal } = paging;
  const start = (page - 1) * pageSize;
  const slice = all.slice(start, start + pageSize);
  const items = extra.map ? slice.map(extra.map) : (slice as unknown as U[]);
  const totalPages = Math.ceil(all.length / pageSize);
  const data: ListData<U> = {
    items,
    count: items.length,
    has_more_data: start + pageSize < all.length,
    current_page: page,
    current_page_size: pageSize,
    total_page_count: totalPages,
  };
  if (withTotal) data.total_count = all.length;
  if (extra.cursor) data.cursor = extra.cursor;
  const body: ListBody<U> = { data, version: RESPONSE_VERSION };
  if (extra.links) {
    const { path, query } = extra.links;
    const at = (p: number | string) =>
      `${path}?${query.with({ page: String(p), page_size: String(pageSize) })}`;
    body._links = [{ first: at(1), last: at(Math.max(1, totalPages)), self: at(page), goto: at('{page}') }];
  }
  return body;
}

/** A single-object response. */
export function single<T>(data: T): { data: T; version: string } {
  return { data, version: RESPONSE_VERSION };
}

export type SortDir = 'asc' | 'desc';

export function readSortDir(q: QueryParams, name: string, fallback: SortDir): SortDir {
  const value = q.get(name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value !== 'asc' && value !== 'desc')
    throw badRequest(`Invalid value for parameter "${name}": use asc or desc.`);
  return value;
}

const collator = new Intl.Collator('en', { sensitivity: 'base' });

/** Sorts a copy by a key, ties broken by id so pages never overlap. */
export function sortBy<T extends { id: number }>(
  items: readonly T[],
  key: (item: T) => string | number | null,
  dir: SortDir,
): T[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    let c: number;
    if (ka === null || kb === null) c = ka === kb ? 0 : ka === null ? -1 : 1;
    else if (typeof ka === 'number' && typeof kb === 'number') c = ka - kb;
    else c = collator.compare(String(ka), String(kb));
    return c !== 0 ? c * sign : a.id - b.id;
  });
}

/** `updated_from` and friends: `YYYY-MM-DD HH:MM:SS` [C R5] or `YYYY-MM-DD`, UTC; milliseconds. */
export function readDate(q: QueryParams, name: string): number | undefined {
  const value = q.get(name);
  if (value === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value.trim());
  const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).getUTCDate() !== +m[3])
    throw badRequest(`Invalid value for parameter "${name}": expected YYYY-MM-DD HH:MM:SS.`);
  return ms;
}

/** Milliseconds of a sandbox date string. */
export function dateMs(value: string): number {
  return Date.parse(`${value.replace(' ', 'T')}Z`);
}

/** Case-insensitive substring match over several fields (Docebo's wildcard search). */
export function matchesText(needle: string | undefined, ...fields: (string | null | undefined)[]): boolean {
  if (!needle) return true;
  const n = needle.toLowerCase();
  return fields.some((f) => f?.toLowerCase().includes(n));
}
