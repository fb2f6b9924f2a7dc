/**
 * Which metric and days a report covers: the named metric (default the first declared) and
 * `from`..`to` (default the last 30 complete days in the metric's time zone), validated.
 *
 * @module
 */
import { type Config, requireSetting } from "../config.ts";
import { addDays, dayCount, todayIn } from "../dates.ts";
import { AppError } from "../errors.ts";
import { type MetricDefinition, selectMetrics } from "../metrics.ts";
import { resolveWindow } from "../window.ts";

/** Days a report covers unless asked otherwise: the last 30 complete days. */
export const DEFAULT_REPORT_DAYS = 30;
/** Longest report window. */
export const MAX_REPORT_DAYS = 731;

/**
 * The metric and window of a report request; 400 for an unknown metric, a lone from or to, a
 * reversed or too long window, or days after today.
 *
 * @example
 * ```ts
 * const { metric, window } = reportWindow(config, { metric: "orders" }, Date.now());
 * ```
 */
export function reportWindow(
  config: Config,
  query: { metric?: string; from?: string; to?: string },
  nowMs: number,
): { metric: MetricDefinition; window: { from: string; to: string } } {
  requireSetting(config, "metrics");
  const [metric] = query.metric ? selectMetrics(config.metrics, [query.metric]) : config.metrics;
  if (Boolean(query.from) !== Boolean(query.to)) {
    throw new AppError("invalid_body", "from and to go together");
  }
  if (!query.from || !query.to) {
    const to = addDays(todayIn(metric.timeZone, nowMs), -1);
    return { metric, window: { from: addDays(to, -(DEFAULT_REPORT_DAYS - 1)), to } };
  }
  if (query.from > query.to) throw new AppError("invalid_body", "from must not be after to");
  if (dayCount(query.from, query.to) > MAX_REPORT_DAYS) {
    throw new AppError("invalid_body", `A report covers at most ${MAX_REPORT_DAYS} days`);
  }
  return { metric, window: resolveWindow({ from: query.from, to: query.to }, metric, nowMs) };
}
