/**
 * When to try a Vantage request again, and how long to wait: pure functions, so the policy is
 * tested without a network or a clock.
 *
 * @module
 */

/** Tries per request for 5xx, timeouts and network errors (the first try included). */
export const MAX_ATTEMPTS = 4;
/** First backoff delay; doubles on each retry. */
export const BASE_BACKOFF_MS = 500;
/** Longest single backoff delay. */
export const MAX_BACKOFF_MS = 8_000;
/** Added to a rate-limit reset, because the reset is given in whole seconds. */
export const RESET_MARGIN_MS = 250;

/**
 * Exponential backoff with jitter: attempt 1 waits 250–500 ms, attempt 2 500–1000 ms, and so on,
 * capped at {@link MAX_BACKOFF_MS}. `random` is in [0, 1).
 *
 * @example
 * ```ts
 * backoffDelay(3, () => 0.5); // 1500
 * ```
 */
export function backoffDelay(attempt: number, random: () => number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * How long to wait after a 429, from `x-rate-limit-reset` (epoch seconds), else `Retry-After`
 * (seconds or an HTTP date); undefined when the response says neither.
 *
 * @example
 * ```ts
 * rateLimitWait(new Headers({ "x-rate-limit-reset": "1700000010" }), 1_700_000_000_000); // 10250
 * ```
 */
export function rateLimitWait(headers: Headers, nowMs: number): number | undefined {
  const reset = Number(headers.get("x-rate-limit-reset"));
  if (headers.has("x-rate-limit-reset") && Number.isFinite(reset) && reset > 0) {
    return Math.max(0, reset * 1000 - nowMs) + RESET_MARGIN_MS;
  }
  const retryAfter = headers.get("retry-after");
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - nowMs);
  }
  return undefined;
}

/**
 * When the rate-limit budget is spent (`x-rate-limit-remaining: 0`), the wait until it resets;
 * otherwise 0. Pacing on this avoids a 429 in the first place during long backfills.
 *
 * @example
 * ```ts
 * budgetWait(new Headers({ "x-rate-limit-remaining": "0", "x-rate-limit-reset": "1700000005" }), 1_700_000_000_000); // 5250
 * ```
 */
export function budgetWait(headers: Headers, nowMs: number): number {
  const remaining = headers.get("x-rate-limit-remaining");
  if (remaining === null || Number(remaining) > 0) return 0;
  return rateLimitWait(headers, nowMs) ?? 0;
}

/**
 * True for statuses worth another try: 5xx (and 408, a request timeout).
 *
 * @example
 * ```ts
 * isTransientStatus(503); // true
 * isTransientStatus(404); // false
 * ```
 */
export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408;
}
