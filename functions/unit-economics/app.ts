/**
 * The HTTP API of the unit-economics function (Hono), under `/unit-economics` as the Supabase
 * gateway routes it. Everything testable lives here; `index.ts` only serves it.
 *
 * @module
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId, type RequestIdVariables } from "hono/request-id";
import { z } from "zod";
import { type Clock, systemClock } from "../_shared/clock.ts";
import { type Config, type Environment, readConfig, requireSetting } from "../_shared/config.ts";
import { connectDatabase, type Sql, withDatabase } from "../_shared/database.ts";
import { AppError, toAppError } from "../_shared/errors.ts";
import { createLogger, type Logger, type LogSink } from "../_shared/log.ts";
import type { MetricDeclaration } from "../_shared/metrics.ts";
import { planChanges, planRequestSchema } from "../_shared/plan/plan.ts";
import { listRuns } from "../_shared/runs.ts";
import { readStatus } from "../_shared/status.ts";
import { describeIssues, syncRequestSchema } from "../_shared/sync-request.ts";
import { runSync } from "../_shared/sync.ts";
import type { VantageClient } from "../_shared/vantage/client.ts";
import { requireSyncSecret } from "./auth.ts";
import { limitBody, readJsonBody } from "./json-body.ts";
import { reportRoutes } from "./report-routes.ts";
import { VERSION } from "./version.ts";

/** The function's slug, and so the first path segment of every route. */
export const FUNCTION_SLUG = "unit-economics";

/** What the app is built from; tests pass their own. */
export interface AppDependencies {
  /** Reads environment variables (function secrets). */
  env: Environment;
  /** Metric declarations; defaults to the ones in `_shared/metrics.ts`. */
  metrics?: readonly MetricDeclaration[];
  /** Opens the database pool; defaults to postgres.js with the production options. */
  connect?: (url: string) => Sql;
  /** A Vantage client to use instead of one built from the configuration. */
  vantage?: VantageClient;
  clock?: Clock;
  logSink?: LogSink;
}

/** A built app with the resources it holds. */
export interface UnitEconomicsApp {
  app: Hono<{ Variables: RequestIdVariables }>;
  config: Config;
  /** Closes the database pool (tests; a function instance just ends). */
  close(): Promise<void>;
}

const runsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(20),
});

/**
 * Builds the app. Configuration is read once, here, and never stops it: routes that need a missing
 * variable answer 500 `misconfigured`.
 *
 * @example
 * ```ts
 * const { app } = createApp({ env: (name) => Deno.env.get(name) });
 * Deno.serve(app.fetch);
 * ```
 */
export function createApp(deps: AppDependencies): UnitEconomicsApp {
  const config = readConfig(deps.env, deps.metrics);
  const logger = createLogger({ sink: deps.logSink, secrets: config.secrets });
  let sql: Sql | undefined;
  const database = (): Sql => {
    requireSetting(config, "UNIT_ECONOMICS_DB_URL");
    sql ??= (deps.connect ?? connectDatabase)(config.databaseUrl!);
    return sql;
  };

  const app = new Hono<{ Variables: RequestIdVariables }>().basePath(`/${FUNCTION_SLUG}`);
  app.use(requestId());

  app.get("/health", (c) => c.json({ status: "ok", version: VERSION }));

  const authenticated = requireSyncSecret(config);
  app.use("/sync", authenticated);
  app.use("/runs", authenticated);
  app.use("/status", authenticated);
  app.use("/plan", authenticated);

  app.post(
    "/sync",
    limitBody,
    async (c) => {
      const request = await readJsonBody(c, syncRequestSchema);
      const result = await runSync(
        {
          config,
          sql: database(),
          vantage: deps.vantage,
          clock: deps.clock,
          logger,
          requestId: c.get("requestId"),
        },
        request,
      );
      return c.json(result, result.httpStatus as 200);
    },
  );

  // What `deno task apply` would change in Vantage; never applies.
  app.post(
    "/plan",
    limitBody,
    async (c) => {
      const options = await readJsonBody(c, planRequestSchema);
      const plan = await planChanges(
        {
          config,
          env: deps.env,
          sql: database(),
          vantage: deps.vantage,
          clock: deps.clock,
          logger,
        },
        options,
      );
      return c.json(plan);
    },
  );

  app.get("/runs", async (c) => {
    const parsed = runsQuerySchema.safeParse(c.req.query());
    if (!parsed.success) {
      throw new AppError("invalid_body", `Invalid query: ${describeIssues(parsed.error).message}`);
    }
    const runs = await withDatabase("listing runs", () => listRuns(database(), parsed.data.limit));
    return c.json({ runs });
  });

  app.get("/status", async (c) => {
    requireSetting(config, "limits");
    const now = (deps.clock ?? systemClock).now();
    const report = await withDatabase(
      "reading the sync status",
      () => readStatus(database(), config, now),
    );
    return c.json(report, report.stale ? 503 : 200);
  });

  app.use("/report-link", limitBody);
  app.route(
    "/",
    reportRoutes({
      config,
      database,
      authenticated,
      vantage: deps.vantage,
      clock: deps.clock,
      logger,
    }),
  );

  app.notFound((c) =>
    c.json({
      error: {
        code: "not_found",
        message: `No route ${c.req.method} ${new URL(c.req.url).pathname}`,
      },
    }, 404)
  );
  app.onError((error, c) => renderError(error, c.req.method, new URL(c.req.url).pathname, logger));

  return {
    app,
    config,
    close: async () => {
      await sql?.end({ timeout: 5 });
    },
  };
}

/** The one place errors become responses, in the contract's shape. */
function renderError(error: Error, method: string, path: string, logger: Logger): Response {
  if (error instanceof HTTPException) return error.getResponse();
  const failure = toAppError(error);
  if (failure.code === "internal_error") {
    logger.error("unhandled error", { method, path, error: String(error), stack: error.stack });
  } else if (failure.status >= 500) {
    logger.error("request failed", { method, path, code: failure.code, error: failure.message });
  }
  return Response.json(failure.toBody(), { status: failure.status });
}
