/**
 * The Hono environment shared by the emulator's middleware and routes.
 *
 * @module
 */

import type { ApiToken } from "./state.ts";

/**
 * Per-request facts that `VantageEmulator.fetch` reads after the app answered.
 *
 * @example
 * ```ts
 * await app.fetch(request, { outcome: { dropped: false } satisfies RequestOutcome });
 * ```
 */
export interface RequestOutcome {
  /** Set when a forced `"drop"` failure should break the connection. */
  dropped: boolean;
}

/**
 * Hono `Env` of the `/v2` API: the outcome as a binding, the caller's token as a variable.
 *
 * @example
 * ```ts
 * const app = new Hono<ApiEnv>();
 * ```
 */
export interface ApiEnv {
  Bindings: { outcome: RequestOutcome };
  Variables: { apiToken: ApiToken };
}
