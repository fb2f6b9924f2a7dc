/**
 * What a run covers, worked out the same way for sync and verify: the metrics asked for, each
 * one's window in its own time zone, the window that covers them all, and their Vantage tokens.
 *
 * @module
 */
import { type MetricBindings, resolveBindings } from "./bindings.ts";
import { type Config, requireSetting } from "./config.ts";
import { type Sql, withDatabase } from "./database.ts";
import { type MetricDefinition, selectMetrics } from "./metrics.ts";
import type { SyncRequest } from "./sync-request.ts";
import { coveringWindow, type DayWindow, resolveWindow } from "./window.ts";

/** The metrics, windows and tokens of one run. */
export interface RunScope {
  metrics: MetricDefinition[];
  windows: Map<string, DayWindow>;
  /** Covers every metric's window (for the run row); null when no metric was selected. */
  window: DayWindow | null;
  bindings: MetricBindings;
}

/**
 * Resolves a request's scope; throws the request's 400s (unknown metric, future day), 500
 * `misconfigured` and 503 before anything is recorded.
 *
 * @example
 * ```ts
 * const { metrics, windows, bindings } = await resolveRunScope(config, sql, request, Date.now());
 * ```
 */
export async function resolveRunScope(
  config: Config,
  sql: Sql,
  request: Pick<SyncRequest, "metrics" | "date" | "from" | "to">,
  nowMs: number,
): Promise<RunScope> {
  requireSetting(config, "metrics");
  requireSetting(config, "limits");
  const metrics = selectMetrics(config.metrics, request.metrics);
  const windows = new Map(
    metrics.map((metric) => [metric.key, resolveWindow(request, metric, nowMs)]),
  );
  const bindings = await withDatabase(
    "reading metric bindings",
    () => resolveBindings(sql, config),
  );
  return { metrics, windows, window: coveringWindow([...windows.values()]) ?? null, bindings };
}
