/**
 * Anomalies in cost per unit: a day is flagged when it departs from the median of the same kind of
 * day (weekday or weekend) over the trailing weeks by more than `threshold` robust standard
 * deviations (1.4826 × the median absolute deviation). Comparing like with like keeps the weekly
 * pattern (fewer orders at weekends, much the same cloud cost) from flagging every Sunday; median
 * and MAD shrug off the very spikes they are meant to find, where a mean and a standard deviation
 * would be dragged along. Provisional days are neither judged nor used as a baseline, because
 * their costs are still coming in.
 *
 * @module
 */
import { median } from "d3-array";
import type { UnitCostDay } from "./model.ts";

/** The rule's numbers. */
export interface AnomalyRule {
  /** Trailing days whose days of the same kind (weekday or weekend) form the baseline. */
  baselineDays: number;
  /** Fewer usable baseline days than this: the day is not judged. */
  minimumBaselineDays: number;
  /** Departure, in robust standard deviations, beyond which a day is an anomaly. */
  threshold: number;
}

/** The same kind of day over the trailing 28 days (at least 6 usable), 3.5 robust standard deviations. */
export const DEFAULT_ANOMALY_RULE: AnomalyRule = {
  baselineDays: 28,
  minimumBaselineDays: 6,
  threshold: 3.5,
};

// Makes the MAD comparable to a standard deviation for normally distributed data.
const MAD_TO_SIGMA = 1.4826;
// A perfectly flat baseline has MAD 0; judge departures against 1% of the median instead.
const FLAT_BASELINE_SPREAD = 0.01;

/**
 * The days with `anomaly` set where the rule fires (a new array; the input is not changed).
 * `days` must be consecutive and in order.
 *
 * @example
 * ```ts
 * const flagged = flagAnomalies(days);
 * flagged.filter((day) => day.anomaly?.direction === "up");
 * ```
 */
export function flagAnomalies(
  days: readonly UnitCostDay[],
  rule = DEFAULT_ANOMALY_RULE,
): UnitCostDay[] {
  return days.map((day, index) => {
    if (day.costPerUnit === null || day.provisional) return { ...day, anomaly: null };
    const baseline = days
      .slice(Math.max(0, index - rule.baselineDays), index)
      .filter((past) =>
        past.weekend === day.weekend && !past.provisional && past.costPerUnit !== null
      )
      .map((past) => past.costPerUnit!);
    if (baseline.length < rule.minimumBaselineDays) return { ...day, anomaly: null };
    const center = median(baseline)!;
    const mad = median(baseline.map((value) => Math.abs(value - center)))!;
    const spread = Math.max(
      MAD_TO_SIGMA * mad,
      Math.abs(center) * FLAT_BASELINE_SPREAD,
      Number.EPSILON,
    );
    const score = (day.costPerUnit - center) / spread;
    if (Math.abs(score) <= rule.threshold) return { ...day, anomaly: null };
    return {
      ...day,
      anomaly: {
        direction: score > 0 ? "up" : "down",
        baseline: center,
        score,
        changePercent: center === 0 ? 0 : ((day.costPerUnit - center) / Math.abs(center)) * 100,
      },
    };
  });
}
