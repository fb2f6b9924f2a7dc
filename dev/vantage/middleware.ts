/**
 * The `/v2` middleware chain, outermost first: request log, latency, rate limit, forced
 * failures, authentication.
 *
 * @module
 */

import type { HonoRequest, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiEnv } from "./env.ts";
import type { FaultInjector } from "./faults.ts";
import { type FixedWindowRateLimiter, rateLimitHeaders } from "./rate-limit.ts";
import type { EmulatorStore, Scope } from "./state.ts";

/**
 * One API call as the emulator saw it.
 *
 * @example
 * ```ts
 * const entry: RequestLogEntry = { method: "GET", path: "/v2/ping", query: {}, status: 200, body: null, at: 0 };
 * ```
 */
export interface RequestLogEntry {
  method: string;
  /** Path without the query, e.g. `/v2/business_metrics`. */
  path: string;
  /** Query parameters; a repeated parameter becomes an array. */
  query: Record<string, string | string[]>;
  /** Status answered; 0 when the connection was dropped. */
  status: number;
  /** The request body parsed as JSON, or null (no body, not JSON, or a form upload). */
  body: unknown;
  /** When the request arrived, per the injected clock (epoch ms). */
  at: number;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Appends every API call to `log`, with the status it got.
 *
 * @example
 * ```ts
 * app.use("/v2/*", logRequests(log, Date.now));
 * ```
 */
export function logRequests(
  log: RequestLogEntry[],
  now: () => number,
): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const entry: RequestLogEntry = {
      method: c.req.method,
      path: url.pathname,
      query: queryRecord(url.searchParams),
      status: 0,
      body: await loggedBody(c.req),
      at: now(),
    };
    log.push(entry);
    await next();
    entry.status = c.env.outcome.dropped ? 0 : c.res.status;
  };
}

/**
 * Delays each API response by the configured latency.
 *
 * @example
 * ```ts
 * app.use("/v2/*", addLatency(faults));
 * ```
 */
export function addLatency(faults: FaultInjector): MiddlewareHandler<ApiEnv> {
  return async (_c, next) => {
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    await next();
  };
}

/**
 * Counts the request against its token's budget, sets the `x-rate-limit-*` headers on
 * whatever is answered, and answers 429 once the budget is spent.
 *
 * @example
 * ```ts
 * app.use("/v2/*", limitRate(limiter));
 * ```
 */
export function limitRate(limiter: FixedWindowRateLimiter): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const decision = limiter.take(bearerToken(c.req.header("authorization")) ?? "");
    for (const [name, value] of Object.entries(rateLimitHeaders(decision))) c.header(name, value);
    if (!decision.allowed) {
      if (limiter.config.retryAfter) {
        c.header("retry-after", String(limiter.secondsUntil(decision)));
      }
      return c.json({ errors: ["Rate limit exceeded"] }, 429);
    }
    await next();
  };
}

/**
 * Answers the next queued forced failure instead of the real route.
 *
 * @example
 * ```ts
 * app.use("/v2/*", injectFailures(faults));
 * ```
 */
export function injectFailures(faults: FaultInjector): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const failure = faults.take();
    if (!failure) return await next();
    if (failure.status === "drop") {
      c.env.outcome.dropped = true;
      return c.body(null, 502);
    }
    const status = failure.status as ContentfulStatusCode;
    return c.json(failure.body ?? { errors: [`Emulated failure: HTTP ${status}`] }, status);
  };
}

/**
 * Requires a known bearer token with the method's scope: `read` for GET, `write` for the rest.
 *
 * @example
 * ```ts
 * app.use("/v2/*", authenticate(store));
 * ```
 */
export function authenticate(store: EmulatorStore): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header("authorization"));
    const apiToken = token === undefined ? undefined : store.token(token);
    if (!apiToken) {
      return c.json(
        { errors: ["Invalid or missing bearer token (Authorization: Bearer <token>)"] },
        401,
      );
    }
    const needed: Scope = READ_METHODS.has(c.req.method) ? "read" : "write";
    if (!apiToken.scopes.includes(needed)) {
      return c.json({ errors: [`This token does not have the '${needed}' scope`] }, 403);
    }
    c.set("apiToken", apiToken);
    await next();
  };
}

function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    record[name] = values.length === 1 ? values[0] : values;
  }
  return record;
}

// Reads through Hono's body cache (no Request.clone), so the route can read the body again.
// Form uploads are skipped: the cache cannot turn text back into form data.
async function loggedBody(request: HonoRequest): Promise<unknown> {
  const type = request.header("content-type") ?? "";
  if (!request.raw.body || type.includes("form")) return null;
  try {
    return JSON.parse(await request.text());
  } catch {
    return null;
  }
}
