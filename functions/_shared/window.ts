/**
 * Which days a sync covers for one metric: complete days in the metric's time zone.
 *
 * @module
 */
import { addDays, dayCount, type IsoDate, todayIn } from "./dates.ts";
import { AppError } from "./errors.ts";
import type { MetricDefinition } from "./metrics.ts";
import { MAX_WINDOW_DAYS, type SyncRequest } from "./sync-request.ts";

/** The earliest day a sync, a verify or a report may name: an earlier one is a typo in the year. */
export const EARLIEST_DAY: IsoDate = "1970-01-01";

/** An inclusive range of days. */
export interface DayWindow {
  from: IsoDate;
  to: IsoDate;
}

/**
 * The window for `metric`: the requested `date` or `from`/`to`, else the last `lookbackDays`
 * complete days ending yesterday in the metric's time zone. Today may be named explicitly (a partial
 * day, on purpose); a day after today, or before {@link EARLIEST_DAY}, is refused.
 *
 * @example
 * ```ts
 * resolveWindow({}, orders, Date.parse("2026-11-28T10:00:00Z"));
 * // { from: "2026-11-21", to: "2026-11-27" }
 * ```
 */
export function resolveWindow(
  request: Pick<SyncRequest, "date" | "from" | "to">,
  metric: Pick<MetricDefinition, "key" | "timeZone" | "lookbackDays">,
  nowMs: number,
): DayWindow {
  const today = todayIn(metric.timeZone, nowMs);
  let window: DayWindow;
  if (request.date) window = { from: request.date, to: request.date };
  else if (request.from && request.to) window = { from: request.from, to: request.to };
  else {
    const yesterday = addDays(today, -1);
    return { from: addDays(yesterday, -(metric.lookbackDays - 1)), to: yesterday };
  }
  if (window.from < EARLIEST_DAY) {
    throw new AppError(
      "invalid_body",
      `${window.from} is before ${EARLIEST_DAY}, the earliest day that can be synced or reported (a typo in the year?)`,
      { details: { earliest: EARLIEST_DAY, requested: window } },
    );
  }
  if (window.to > today) {
    throw new AppError(
      "date_in_future",
      `${window.to} is after today (${today} in ${metric.timeZone}, the time zone of metric "${metric.key}"); future days cannot be synced`,
      { details: { metric: metric.key, today, requested: window } },
    );
  }
  if (dayCount(window.from, window.to) > MAX_WINDOW_DAYS) {
    throw new AppError(
      "invalid_body",
      `The window ${window.from}..${window.to} is longer than ${MAX_WINDOW_DAYS} days; split it into several requests`,
    );
  }
  return window;
}

/**
 * The smallest window that covers all of `windows` (for the run row).
 *
 * @example
 * ```ts
 * coveringWindow([{ from: "2026-01-02", to: "2026-01-05" }, { from: "2026-01-01", to: "2026-01-03" }]);
 * // { from: "2026-01-01", to: "2026-01-05" }
 * ```
 */
export function coveringWindow(windows: readonly DayWindow[]): DayWindow | undefined {
  if (windows.length === 0) return undefined;
  return {
    from: windows.map((w) => w.from).reduce((a, b) => (a < b ? a : b)),
    to: windows.map((w) => w.to).reduce((a, b) => (a > b ? a : b)),
  };
}
