/**
 * `page`/`limit` query parameters and the `links` object of paginated responses.
 *
 * @module
 */

import { readInteger } from "./params.ts";

/**
 * The Vantage `Links` object: absolute URLs, `null` where there is no such page.
 *
 * @example
 * ```ts
 * const { links } = paginate([], new URL("http://x/v2/a"), { page: 1, limit: 10 });
 * links.next; // null
 * ```
 */
export interface Links {
  self: string;
  first: string;
  next: string | null;
  last: string;
  prev: string | null;
}

/**
 * A page request: 1-based `page` and its size.
 *
 * @example
 * ```ts
 * const request: PageRequest = { page: 2, limit: 100 };
 * ```
 */
export interface PageRequest {
  page: number;
  limit: number;
}

/**
 * Reads `page` (default 1) and `limit` (1..`maxLimit`, default `defaultLimit`); out of range
 * or non-integer values are a 400.
 *
 * @example
 * ```ts
 * readPage(new URLSearchParams("page=2"), { defaultLimit: 100, maxLimit: 5000 });
 * // { page: 2, limit: 100 }
 * ```
 */
export function readPage(
  query: URLSearchParams,
  bounds: { defaultLimit: number; maxLimit: number },
): PageRequest {
  return {
    page: readInteger(query, "page", 1, Infinity) ?? 1,
    limit: readInteger(query, "limit", 1, bounds.maxLimit) ?? bounds.defaultLimit,
  };
}

/**
 * One page of `items` and the links to its neighbours (built from the request URL, so they
 * point back at whichever host served the request).
 *
 * @example
 * ```ts
 * const { links, items } = paginate([1, 2, 3], new URL("http://x/v2/a?limit=2"), { page: 1, limit: 2 });
 * // items: [1, 2]; links.next: "http://x/v2/a?limit=2&page=2"
 * ```
 */
export function paginate<T>(
  items: readonly T[],
  url: URL,
  { page, limit }: PageRequest,
): { links: Links; items: T[] } {
  const lastPage = Math.max(1, Math.ceil(items.length / limit));
  return {
    links: {
      self: url.href,
      first: pageUrl(url, 1),
      next: page < lastPage ? pageUrl(url, page + 1) : null,
      last: pageUrl(url, lastPage),
      prev: page > 1 ? pageUrl(url, Math.min(page - 1, lastPage)) : null,
    },
    items: items.slice((page - 1) * limit, page * limit),
  };
}

function pageUrl(url: URL, page: number): string {
  const target = new URL(url);
  target.searchParams.set("page", String(page));
  return target.href;
}
