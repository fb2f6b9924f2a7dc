/**
 * Fault injection for tests: forced failures and added latency.
 *
 * @module
 */

/**
 * What a forced failure answers: an HTTP status, or `"drop"` (the connection breaks).
 *
 * @example
 * ```ts
 * const status: FailureStatus = "drop";
 * ```
 */
export type FailureStatus = number | "drop";

/**
 * One forced failure.
 *
 * @example
 * ```ts
 * const failure: Failure = { status: 503, body: { errors: ["down"] } };
 * ```
 */
export interface Failure {
  /** The status to answer, or `"drop"`. */
  status: FailureStatus;
  /** The JSON body to answer with (a status's default `{"errors": [...]}` when omitted). */
  body?: unknown;
}

/**
 * The error `VantageEmulator.fetch` throws for a dropped request: a `TypeError`, as `fetch`
 * throws when a connection is reset.
 *
 * @example
 * ```ts
 * new EmulatedNetworkError() instanceof TypeError; // true
 * ```
 */
export class EmulatedNetworkError extends TypeError {
  constructor() {
    super("error sending request: connection reset (emulated by the Vantage emulator)");
    this.name = "EmulatedNetworkError";
  }
}

/**
 * A queue of forced failures plus a latency setting.
 *
 * @example
 * ```ts
 * const faults = new FaultInjector();
 * faults.failNext(2, 503);
 * faults.take(); // { status: 503 }
 * faults.take(); // { status: 503 }
 * faults.take(); // undefined
 * ```
 */
export class FaultInjector {
  /** Milliseconds added before every API response. */
  latencyMs = 0;
  #queue: Failure[] = [];

  /** Queues `count` failures after those already queued. */
  failNext(count: number, status: FailureStatus, body?: unknown): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`count must be a non-negative integer, got ${count}`);
    }
    if (status !== "drop" && !(Number.isInteger(status) && status >= 400 && status <= 599)) {
      throw new RangeError(`status must be 400..599 or "drop", got ${status}`);
    }
    for (let i = 0; i < count; i++) {
      this.#queue.push(body === undefined ? { status } : { status, body });
    }
  }

  /** Sets the added latency. */
  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be >= 0, got ${ms}`);
    this.latencyMs = ms;
  }

  /** Takes the next queued failure, if any. */
  take(): Failure | undefined {
    return this.#queue.shift();
  }

  /** Clears queued failures and latency. */
  reset(): void {
    this.#queue = [];
    this.latencyMs = 0;
  }
}
