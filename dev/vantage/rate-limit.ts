/**
 * Fixed-window rate limiting per access token, with the `x-rate-limit-*` headers that Vantage
 * sends on every response.
 *
 * @module
 */

/**
 * A request budget: `limit` requests per `windowSeconds`.
 *
 * @example
 * ```ts
 * const budget: RateLimit = { limit: 5, windowSeconds: 5, retryAfter: true };
 * ```
 */
export interface RateLimit {
  /** Requests allowed per window (Vantage: 1000). */
  limit: number;
  /** Window length in seconds (Vantage: 3600). */
  windowSeconds: number;
  /** Also send `Retry-After` on 429 (Vantage documents none, so off by default). */
  retryAfter?: boolean;
}

/**
 * The outcome of counting one request.
 *
 * @example
 * ```ts
 * const decision: RateLimitDecision = limiter.take("vntg_tkn_emulator");
 * ```
 */
export interface RateLimitDecision {
  /** False when the budget of the current window is spent. */
  allowed: boolean;
  /** The budget per window. */
  limit: number;
  /** Requests left in the current window. */
  remaining: number;
  /** When the current window ends, in epoch seconds. */
  resetAt: number;
}

/**
 * Vantage's documented general limit: 1,000 requests per hour.
 *
 * @example
 * ```ts
 * new FixedWindowRateLimiter(VANTAGE_RATE_LIMIT, Date.now);
 * ```
 */
export const VANTAGE_RATE_LIMIT: RateLimit = { limit: 1000, windowSeconds: 3600 };

/**
 * Counts requests per key in windows aligned to multiples of the window length since the epoch
 * (Vantage's example reset, 1619380800, is on the hour).
 *
 * @example
 * ```ts
 * const limiter = new FixedWindowRateLimiter({ limit: 2, windowSeconds: 60 }, () => 0);
 * limiter.take("tkn").remaining; // 1
 * limiter.take("tkn").remaining; // 0
 * limiter.take("tkn").allowed; // false
 * ```
 */
export class FixedWindowRateLimiter {
  #config: RateLimit;
  readonly #now: () => number;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(config: RateLimit, now: () => number) {
    this.#config = checkedRateLimit(config);
    this.#now = now;
  }

  /** The budget in force. */
  get config(): RateLimit {
    return this.#config;
  }

  /** Replaces the budget and forgets what was counted so far. */
  configure(config: RateLimit): void {
    this.#config = checkedRateLimit(config);
    this.#windows.clear();
  }

  /** Counts one request for `key` and tells whether it may proceed. */
  take(key: string): RateLimitDecision {
    const { limit, windowSeconds } = this.#config;
    const windowMs = windowSeconds * 1000;
    const start = Math.floor(this.#now() / windowMs) * windowMs;
    let window = this.#windows.get(key);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.#windows.set(key, window);
    }
    const allowed = window.count < limit;
    if (allowed) window.count += 1;
    return { allowed, limit, remaining: limit - window.count, resetAt: (start + windowMs) / 1000 };
  }

  /** Seconds until the window of a decision ends, rounded up (for `Retry-After`). */
  secondsUntil(decision: RateLimitDecision): number {
    return Math.max(0, Math.ceil(decision.resetAt - this.#now() / 1000));
  }
}

/**
 * The `x-rate-limit-*` headers for a decision.
 *
 * @example
 * ```ts
 * rateLimitHeaders({ allowed: true, limit: 1000, remaining: 995, resetAt: 1619380800 });
 * // { "x-rate-limit-limit": "1000", "x-rate-limit-remaining": "995", "x-rate-limit-reset": "1619380800" }
 * ```
 */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    "x-rate-limit-limit": String(decision.limit),
    "x-rate-limit-remaining": String(decision.remaining),
    "x-rate-limit-reset": String(decision.resetAt),
  };
}

function checkedRateLimit(config: RateLimit): RateLimit {
  if (!Number.isInteger(config.limit) || config.limit < 0) {
    throw new RangeError(`rate limit must be a non-negative integer, got ${config.limit}`);
  }
  if (!Number.isInteger(config.windowSeconds) || config.windowSeconds < 1) {
    throw new RangeError(`windowSeconds must be a positive integer, got ${config.windowSeconds}`);
  }
  return { ...config };
}
