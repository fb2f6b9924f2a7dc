/**
 * Cost per unit over HTTP: `GET /unit-costs` (JSON), `GET /report` (the HTML page, with the bearer
 * secret or a signed link) and `POST /report-link` (a signed, expiring link for browsers). The
 * report code is imported on first use, so a sync never loads it.
 *
 * @module
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import { type Clock, systemClock } from "../_shared/clock.ts";
import { type Config, requireSetting } from "../_shared/config.ts";
import type { Sql } from "../_shared/database.ts";
import { isIsoDate } from "../_shared/dates.ts";
import { AppError } from "../_shared/errors.ts";
import type { Logger } from "../_shared/log.ts";
import { describeIssues } from "../_shared/sync-request.ts";
import type { VantageClient } from "../_shared/vantage/client.ts";
import { reportWindow } from "../_shared/unit-costs/report-window.ts";
import { readJsonBody } from "./json-body.ts";
import { type LinkGrant, linkKey, signGrant, verifyGrant } from "./report-links.ts";

/** Default and longest lifetime of a signed link, in seconds. */
export const DEFAULT_LINK_SECONDS = 3_600;
export const MAX_LINK_SECONDS = 7 * 86_400;

const isoDate = z.string().refine(isIsoDate, "must be a calendar date in YYYY-MM-DD form");
const windowQuery = {
  metric: z.string().min(1).max(63).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
};
const unitCostsQuerySchema = z.strictObject(windowQuery);
const reportQuerySchema = z.strictObject({
  ...windowQuery,
  expires: z.coerce.number().int().positive().optional(),
  signature: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "is not a link signature").optional(),
});
const reportLinkBodySchema = z.strictObject({
  ...windowQuery,
  expiresInSeconds: z.int().min(60).max(MAX_LINK_SECONDS).default(DEFAULT_LINK_SECONDS),
});

/** What the routes need from the app. */
export interface ReportRouteDependencies {
  config: Config;
  database: () => Sql;
  authenticated: MiddlewareHandler;
  vantage?: VantageClient;
  clock?: Clock;
  logger: Logger;
}

/**
 * The report routes, to mount under the function's base path.
 *
 * @example
 * ```ts
 * app.route("/", reportRoutes({ config, database, authenticated, logger }));
 * ```
 */
export function reportRoutes(deps: ReportRouteDependencies): Hono {
  const clock = deps.clock ?? systemClock;
  const routes = new Hono();

  routes.get("/unit-costs", deps.authenticated, async (c) => {
    const query = parseQuery(c, unitCostsQuerySchema);
    const { metric, window } = reportWindow(deps.config, query, clock.now());
    return c.json(await buildReport(deps, clock, metric.key, window));
  });

  routes.post("/report-link", deps.authenticated, async (c) => {
    const body = await readJsonBody(c, reportLinkBodySchema);
    const { metric, window } = reportWindow(deps.config, body, clock.now());
    const grant: LinkGrant = {
      metric: metric.key,
      ...window,
      expires: Math.floor(clock.now() / 1000) + body.expiresInSeconds,
    };
    const signature = await signGrant(await signingKey(deps.config), grant);
    const base = deps.config.publicUrl ?? `${new URL(c.req.url).origin}/functions/v1`;
    const query = new URLSearchParams({ ...grant, expires: String(grant.expires), signature });
    return c.json({
      url: `${base}/unit-economics/report?${query}`,
      expiresAt: new Date(grant.expires * 1000).toISOString(),
      metric: metric.key,
      window,
    });
  });

  routes.get("/report", async (c, next) => {
    // A signed link stands in for the bearer secret; without one, the secret is required.
    if (c.req.query("signature") === undefined) return await deps.authenticated(c, next);
    await next();
  }, async (c) => {
    const query = parseQuery(c, reportQuerySchema);
    const { metric, window } = reportWindow(deps.config, query, clock.now());
    if (query.signature !== undefined) {
      if (!query.from || !query.to || query.expires === undefined || !query.metric) {
        throw new AppError(
          "unauthorized",
          "A signed report link needs metric, from, to, expires and signature",
        );
      }
      const grant = { metric: metric.key, ...window, expires: query.expires };
      const verdict = await verifyGrant(
        await signingKey(deps.config),
        grant,
        query.signature,
        clock.now(),
      );
      if (verdict === "expired") {
        throw new AppError(
          "unauthorized",
          "This report link has expired; ask for a new one (POST /report-link)",
        );
      }
      if (verdict === "invalid") {
        throw new AppError(
          "unauthorized",
          "This report link is not valid (changed, or signed with another key)",
        );
      }
    }
    const report = await buildReport(deps, clock, metric.key, window);
    const { renderReportPage } = await import("../_shared/report/page.ts");
    return c.html(renderReportPage(report), 200, {
      "cache-control": "private, no-store",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      "referrer-policy": "no-referrer",
    });
  });

  return routes;
}

async function buildReport(
  deps: ReportRouteDependencies,
  clock: Clock,
  metric: string,
  window: { from: string; to: string },
) {
  const { buildUnitCostReport } = await import("../_shared/unit-costs/report.ts");
  return await buildUnitCostReport(
    {
      config: deps.config,
      sql: deps.database(),
      vantage: deps.vantage,
      clock,
      logger: deps.logger,
    },
    { metric, window },
  );
}

async function signingKey(config: Config): Promise<CryptoKey> {
  requireSetting(config, "UNIT_ECONOMICS_LINK_SECRET");
  requireSetting(config, "UNIT_ECONOMICS_SYNC_SECRET");
  return await linkKey({ linkSecret: config.linkSecret, syncSecret: config.syncSecret! });
}

function parseQuery<T>(c: Context, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    throw new AppError("invalid_body", `Invalid query: ${describeIssues(parsed.error).message}`, {
      details: describeIssues(parsed.error).details,
    });
  }
  return parsed.data;
}
