/**
 * Time as a dependency: the engine and the Vantage client take a {@link Clock} so that tests can
 * drive waits (rate-limit resets, backoff) without sleeping.
 *
 * @module
 */

/** Source of the current time and of waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds (or at once when `ms <= 0`). */
  sleep(ms: number): Promise<void>;
}

/**
 * The real clock.
 *
 * @example
 * ```ts
 * await systemClock.sleep(100);
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve(),
};
