/**
 * `/ping` and `/me`.
 *
 * @module
 */

import { Hono } from "hono";
import type { ApiEnv } from "../env.ts";
import { EMULATOR_WORKSPACE_TOKEN } from "../state.ts";

/**
 * The account routes, to mount under `/v2`.
 *
 * @example
 * ```ts
 * app.route("/v2", accountRoutes());
 * ```
 */
export function accountRoutes(): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  // The spec documents a bare 200; a small JSON body keeps clients that parse JSON happy.
  app.get("/ping", (c) => c.json({ status: "ok" }));

  app.get("/me", (c) => {
    const { description, created_at, scopes } = c.get("apiToken");
    return c.json({
      default_workspace_token: EMULATOR_WORKSPACE_TOKEN,
      default_dashboard_token: null,
      workspaces: [{
        token: EMULATOR_WORKSPACE_TOKEN,
        name: "Vantage emulator",
        created_at,
        enable_currency_conversion: false,
        currency: "USD",
        exchange_rate_date: "daily_rate",
      }],
      bearer_token: { description, created_at, scope: scopes },
    });
  });

  return app;
}
