/**
 * The shared-secret check for every route but health: Hono's bearer auth (a timing-safe compare),
 * failing closed when the secret is not configured, with the contract's JSON error shape.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { type Config, requireSetting } from "../_shared/config.ts";

const unauthorized = (message: string) => () =>
  new Response(JSON.stringify({ error: { code: "unauthorized", message } }), {
    status: 401,
    headers: { "content-type": "application/json" },
  });

/**
 * Middleware that admits a request only with `Authorization: Bearer <UNIT_ECONOMICS_SYNC_SECRET>`.
 * When the secret is unset or malformed every request is refused with 500 `misconfigured`.
 *
 * @example
 * ```ts
 * app.use("/sync", requireSyncSecret(config));
 * ```
 */
export function requireSyncSecret(config: Config): MiddlewareHandler {
  if (!config.syncSecret || config.problems.UNIT_ECONOMICS_SYNC_SECRET) {
    return () => {
      requireSetting(config, "UNIT_ECONOMICS_SYNC_SECRET");
      throw new Error("unreachable: requireSetting throws for a missing secret");
    };
  }
  return bearerAuth({
    token: config.syncSecret,
    noAuthenticationHeader: {
      message: unauthorized(
        "Missing Authorization header: send `Authorization: Bearer <UNIT_ECONOMICS_SYNC_SECRET>`",
      ),
    },
    invalidAuthenticationHeader: {
      message: unauthorized(
        "Malformed Authorization header: expected `Bearer <UNIT_ECONOMICS_SYNC_SECRET>`",
      ),
    },
    invalidToken: { message: unauthorized("Wrong secret in the Authorization header") },
  });
}
