/**
 * `/costs` and `/unit_costs`: a cost report's synthetic costs and its metrics' cost per unit.
 *
 * @module
 */

import { Hono } from "hono";
import type { DailyCost } from "../costs.ts";
import { binStart, DATE_BINS, type DateBin } from "../dates.ts";
import { type Decimal, formatDecimal, sumDecimals } from "../decimal.ts";
import type { ApiEnv } from "../env.ts";
import { apiError } from "../errors.ts";
import { paginate, readPage } from "../pagination.ts";
import { readDay, readEnum, readList } from "../params.ts";
import type { CostReport, EmulatorStore } from "../state.ts";
import { computeUnitCosts } from "../unit-costs.ts";
import { reportPeriod } from "./cost-reports.ts";

const DEFAULT_LIMIT = 100;
const COSTS_MAX_LIMIT = 5000;
const UNIT_COSTS_MAX_LIMIT = 1000;
const ORDERS = ["asc", "desc"] as const;
// The synthetic data has these dimensions only; Vantage's default grouping is all three.
const GROUPINGS = ["provider", "service", "account_id"] as const;
type Grouping = typeof GROUPINGS[number];

/**
 * The cost routes, to mount under `/v2`.
 *
 * @example
 * ```ts
 * app.route("/v2", costRoutes(store));
 * ```
 */
export function costRoutes(store: EmulatorStore): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.get("/costs", (c) => {
    const url = new URL(c.req.url);
    const query = url.searchParams;
    const { report, start, end, bin, order } = readReportQuery(store, query);
    const groupings = readGroupings(query);
    const rows = groupCosts(store.costs(report.token, start, end), bin, groupings)
      .sort((a, b) => byDate(a.accrued_at, b.accrued_at, order) || (a.key < b.key ? -1 : 1));
    const page = readPage(query, { defaultLimit: DEFAULT_LIMIT, maxLimit: COSTS_MAX_LIMIT });
    const { links, items } = paginate(rows, url, page);
    return c.json({
      links,
      total_cost: {
        amount: formatDecimal(sumDecimals(rows.map((row) => row.amount))),
        currency: "USD",
      },
      costs: items.map(({ key: _, accrued_at, amount, ...dimensions }) => ({
        accrued_at,
        amount: formatDecimal(amount),
        currency: "USD",
        ...dimensions,
      })),
    });
  });

  app.get("/unit_costs", (c) => {
    const url = new URL(c.req.url);
    const query = url.searchParams;
    const { report, start, end, bin, order } = readReportQuery(store, query);
    const rows = computeUnitCosts(store, report.token, { start, end, bin })
      .sort((a, b) => byDate(a.date, b.date, order));
    const page = readPage(query, { defaultLimit: DEFAULT_LIMIT, maxLimit: UNIT_COSTS_MAX_LIMIT });
    const { links, items } = paginate(rows, url, page);
    return c.json({ links, unit_costs: items });
  });

  return app;
}

interface ReportQuery {
  report: CostReport;
  start: string;
  end: string;
  bin: DateBin;
  order: typeof ORDERS[number];
}

function readReportQuery(store: EmulatorStore, query: URLSearchParams): ReportQuery {
  const token = query.get("cost_report_token");
  if (!token) {
    throw apiError(
      400,
      "cost_report_token is missing (the emulator does not evaluate VQL filters)",
    );
  }
  const report = store.costReport(token);
  if (!report) throw apiError(404, "CostReport not found");
  const period = reportPeriod(store);
  const start = readDay(query, "start_date") ?? period.start;
  const end = readDay(query, "end_date") ?? period.end;
  if (start > end) throw apiError(400, "start_date must not be after end_date");
  return {
    report,
    start,
    end,
    bin: readEnum(query, "date_bin", DATE_BINS, "day"),
    order: readEnum(query, "order", ORDERS, "desc"),
  };
}

function readGroupings(query: URLSearchParams): readonly Grouping[] {
  const requested = readList(query, "groupings")?.map((name) => name.trim());
  const unknown = requested?.filter((name) => !(GROUPINGS as readonly string[]).includes(name));
  if (unknown?.length) {
    throw apiError(400, `groupings not supported by the emulator: ${unknown.join(", ")}`);
  }
  return GROUPINGS.filter((name) => !requested || requested.includes(name));
}

interface GroupedCost extends Partial<Pick<DailyCost, Grouping>> {
  accrued_at: string;
  amount: Decimal;
  key: string;
}

function groupCosts(
  rows: DailyCost[],
  bin: DateBin,
  groupings: readonly Grouping[],
): GroupedCost[] {
  const groups = new Map<string, GroupedCost>();
  for (const row of rows) {
    const accrued_at = binStart(row.date, bin);
    const dimensions = Object.fromEntries(groupings.map((name) => [name, row[name]]));
    const key = JSON.stringify(Object.values(dimensions));
    const id = `${accrued_at}|${key}`;
    const previous = groups.get(id)?.amount ?? { units: 0n, scale: 0 };
    groups.set(id, { accrued_at, ...dimensions, amount: sumDecimals([previous, row.amount]), key });
  }
  return [...groups.values()];
}

function byDate(a: string, b: string, order: "asc" | "desc"): number {
  if (a === b) return 0;
  return (a < b) === (order === "asc") ? -1 : 1;
}
