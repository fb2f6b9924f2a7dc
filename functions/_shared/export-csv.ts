/**
 * A metric's source values as Vantage's CSV upload (`PUT /business_metrics/{token}/values.csv`):
 * read and validated exactly as a sync reads them, encoded as `date,amount,label` with exact
 * amounts, for people who load values by hand.
 *
 * @module
 */
import { type Config, requireSetting } from "./config.ts";
import type { Sql } from "./database.ts";
import type { IsoDate } from "./dates.ts";
import { type MetricValue, toMetricValues } from "./metric-values.ts";
import { readSourceRows } from "./source.ts";
import type { SyncRequest } from "./sync-request.ts";
import { selectMetrics } from "./metrics.ts";
import { type DayWindow, resolveWindow } from "./window.ts";

/** The header line of Vantage's business metric CSV. */
export const CSV_HEADER = "date,amount,label";

// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field, quoted only when it has to be.
 *
 * @example
 * ```ts
 * csvField("eu-west");    // 'eu-west'
 * csvField('north, "A"'); // '"north, ""A"""'
 * ```
 */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Values as Vantage's CSV: the header, then one `date,amount,label` line per value (label empty
 * when unlabeled), each line ending in a newline. Amounts keep every digit.
 *
 * @example
 * ```ts
 * encodeMetricCsv([{ date: "2026-11-27", label: "", amount: "9007199254740993" }]);
 * // "date,amount,label\n2026-11-27,9007199254740993,\n"
 * ```
 */
export function encodeMetricCsv(values: readonly MetricValue[]): string {
  const lines = values.flatMap((value) =>
    value.amount === null ? [] : [`${value.date},${value.amount},${csvField(value.label)}`]
  );
  return [CSV_HEADER, ...lines].map((line) => `${line}\n`).join("");
}

/** Which metric and days to export: one metric key and a sync request's window. */
export type ExportRequest = Pick<SyncRequest, "date" | "from" | "to"> & { metric: string };

/** The values of an export and what was left out. */
export interface ExportValues {
  metric: string;
  window: DayWindow;
  rowsRead: number;
  /** Ordered by day, then label; zeros included under the `zero` missing-day policy. */
  values: MetricValue[];
  /** Days without a source value, not exported (missing-day policy `skip`). */
  missingDays: IsoDate[];
}

/**
 * Reads and validates one metric's source values for the window (default: its lookback window).
 * Throws `unknown_metric` (400), `invalid_source_data` (422) or the database's errors.
 *
 * @example
 * ```ts
 * const exported = await readExportValues({ config, sql }, { metric: "orders" }, Date.now());
 * await Deno.writeTextFile("orders.csv", encodeMetricCsv(exported.values));
 * ```
 */
export async function readExportValues(
  deps: { config: Config; sql: Sql },
  request: ExportRequest,
  nowMs: number,
): Promise<ExportValues> {
  requireSetting(deps.config, "metrics");
  requireSetting(deps.config, "limits");
  const [metric] = selectMetrics(deps.config.metrics, [request.metric]);
  const window = resolveWindow(request, metric, nowMs);
  const rows = await readSourceRows(deps.sql, metric, window, deps.config.sourceTimeoutMs);
  const { values, missingDays } = toMetricValues(rows, metric, window);
  return { metric: metric.key, window, rowsRead: rows.length, values, missingDays };
}
