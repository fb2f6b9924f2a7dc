/**
 * Typed query-parameter readers; a bad value is an API error naming the parameter.
 *
 * @module
 */

import type { ContentfulStatusCode } from "hono/utils/http-status";
import { parseDay } from "./dates.ts";
import { apiError } from "./errors.ts";

/**
 * An integer parameter within `[min, max]`, or `undefined` when absent.
 *
 * @example
 * ```ts
 * readInteger(new URLSearchParams("limit=5"), "limit", 1, 5000); // 5
 * ```
 */
export function readInteger(
  query: URLSearchParams,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    const range = max === Infinity ? `at least ${min}` : `from ${min} to ${max}`;
    throw apiError(400, `${name} must be an integer ${range}`);
  }
  return value;
}

/**
 * One of `allowed`, or `fallback` when absent.
 *
 * @example
 * ```ts
 * readEnum(new URLSearchParams("order=asc"), "order", ["asc", "desc"], "desc"); // "asc"
 * ```
 */
export function readEnum<T extends string>(
  query: URLSearchParams,
  name: string,
  allowed: readonly T[],
  fallback: T,
  status: ContentfulStatusCode = 400,
): T {
  const value = query.get(name);
  if (value === null) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw apiError(status, `${name} must be one of ${allowed.join(", ")}`);
  }
  return value as T;
}

/**
 * A date (`YYYY-MM-DD` or date-time) as its UTC day, or `undefined` when absent.
 *
 * @example
 * ```ts
 * readDay(new URLSearchParams("start_date=2024-01-01"), "start_date"); // "2024-01-01"
 * ```
 */
export function readDay(query: URLSearchParams, name: string): string | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const day = parseDay(text);
  if (!day) throw apiError(400, `${name} must be an ISO 8601 date (YYYY-MM-DD)`);
  return day;
}

/**
 * Every value of an array parameter, in all the forms clients send: `name=a,b`, repeated
 * `name=a&name=b`, and Rails-style `name[]=a` (taken whole, so it may contain commas).
 *
 * @example
 * ```ts
 * readList(new URLSearchParams("v=a,b&v[]=c,d"), "v"); // ["a", "b", "c,d"]
 * ```
 */
export function readList(query: URLSearchParams, name: string): string[] | undefined {
  const joined = query.getAll(name).flatMap((text) => text.split(","));
  const values = [...joined, ...query.getAll(`${name}[]`)];
  return values.length > 0 ? values : undefined;
}
