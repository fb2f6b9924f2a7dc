/**
 * `/cost_reports`: read-only, spec-shaped views of the emulator's cost reports.
 *
 * @module
 */

import { Hono } from "hono";
import { monthEnd, monthStart } from "../dates.ts";
import type { ApiEnv } from "../env.ts";
import { apiError } from "../errors.ts";
import { paginate, readPage } from "../pagination.ts";
import { type CostReport, EMULATOR_WORKSPACE_TOKEN, type EmulatorStore } from "../state.ts";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/**
 * The cost-report routes, to mount under `/v2`.
 *
 * @example
 * ```ts
 * app.route("/v2", costReportRoutes(store));
 * ```
 */
export function costReportRoutes(store: EmulatorStore): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.get("/cost_reports", (c) => {
    const url = new URL(c.req.url);
    const search = url.searchParams.get("q")?.toLowerCase() ?? "";
    const reports = store.costReports().filter((r) => r.title.toLowerCase().includes(search));
    const page = readPage(url.searchParams, { defaultLimit: DEFAULT_LIMIT, maxLimit: MAX_LIMIT });
    const { links, items } = paginate(reports, url, page);
    return c.json({ links, cost_reports: items.map((report) => renderCostReport(store, report)) });
  });

  app.get("/cost_reports/:token", (c) => {
    const report = store.costReport(c.req.param("token"));
    if (!report) throw apiError(404, "CostReport not found");
    return c.json(renderCostReport(store, report));
  });

  return app;
}

/**
 * The report's default period, `date_interval: this_month` per the injected clock.
 *
 * @example
 * ```ts
 * reportPeriod(store); // { start: "2024-03-01", end: "2024-03-31" } when today is 2024-03-15
 * ```
 */
export function reportPeriod(store: EmulatorStore): { start: string; end: string } {
  const today = store.today();
  return { start: monthStart(today), end: monthEnd(today) };
}

function renderCostReport(store: EmulatorStore, report: CostReport) {
  const period = reportPeriod(store);
  // Attachments live on the metrics; the report shows the same links from its side.
  const business_metric_tokens_with_metadata = store.metrics().flatMap((metric) =>
    metric.cost_report_tokens_with_metadata
      .filter((attached) => attached.cost_report_token === report.token)
      .map(({ cost_report_token: _, ...attached }) => ({
        business_metric_token: metric.token,
        ...attached,
      }))
  );
  const services = report.services.map((service) => `'${service.name}'`).join(", ");
  return {
    token: report.token,
    title: report.title,
    folder_token: null,
    saved_filter_tokens: [],
    business_metric_tokens_with_metadata,
    default_forecast: { kind: "baseline" },
    filter: `costs.provider = 'aws' AND costs.service IN (${services})`,
    groupings: "provider,service,account_id",
    settings: {
      include_credits: false,
      include_refunds: false,
      include_discounts: true,
      include_tax: true,
      amortize: true,
      unallocated: false,
      aggregate_by: "cost",
      show_previous_period: true,
      complete_period: false,
    },
    created_at: report.created_at,
    workspace_token: EMULATOR_WORKSPACE_TOKEN,
    previous_period_start_date: null,
    previous_period_end_date: null,
    start_date: period.start,
    end_date: period.end,
    date_interval: "this_month",
    chart_type: "line",
    date_bin: "day",
    chart_settings: { y_axis_dimension: "cost", x_axis_dimension: ["date"] },
  };
}
