/**
 * A clock for tests: `sleep` advances time at once and records how long it was asked to wait.
 *
 * @module
 */
import type { Clock } from "../../functions/_shared/clock.ts";

/** A {@link Clock} whose time moves only when something sleeps (or `advance` is called). */
export interface FakeClock extends Clock {
  /** Every wait asked for, in order. */
  sleeps: number[];
  advance(ms: number): void;
}

/**
 * Creates a fake clock starting at `startMs`.
 *
 * @example
 * ```ts
 * const clock = fakeClock(Date.parse("2026-11-28T10:00:00Z"));
 * await clock.sleep(500); // returns at once; clock.now() moved by 500
 * ```
 */
export function fakeClock(startMs: number): FakeClock {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += Math.max(0, ms);
      return Promise.resolve();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}
