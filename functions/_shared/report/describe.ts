/**
 * The chart in words, for screen readers (the SVG's `<desc>`) and anyone who prefers a sentence.
 *
 * @module
 */
import type { UnitCostDay, UnitCostSeries } from "../unit-costs/model.ts";
import { median } from "./d3.ts";
import { formatCostPerUnit, formatDay, formatLongDay } from "./format.ts";

/**
 * Summarises a series: the window, the median, low and high cost per unit, the anomalies with
 * their direction and size, provisional days and days without a cost per unit.
 *
 * @example
 * ```ts
 * describeSeries(series, "order");
 * // "Cost per order from Mar 1 to Mar 30, 2026: median $0.487, lowest $0.421 on Mar 3,
 * //  highest $1.07 on Mar 18. 1 anomaly: Mar 18, up 119%. …"
 * ```
 */
export function describeSeries(series: UnitCostSeries, unit: string): string {
  const days = series.days;
  if (days.every((day) => day.cost === null && day.amount === null)) {
    return "No data: there are no costs and no amounts for these days.";
  }
  const money = (value: number) => formatCostPerUnit(value, series.currency);
  const window = `from ${formatDay(days[0].date)} to ${formatLongDay(days.at(-1)!.date)}`;
  const measured = days.filter((day) => day.costPerUnit !== null);
  const sentences: string[] = [];
  if (measured.length === 0) {
    sentences.push(`No cost per ${unit} ${window}: ${noCostPerUnitReason(days)}.`);
  } else {
    const values = measured.map((day) => day.costPerUnit as number);
    const lowest = measured[values.indexOf(Math.min(...values))];
    const highest = measured[values.indexOf(Math.max(...values))];
    sentences.push(
      `Cost per ${unit} ${window}: median ${money(median(values) as number)}, ` +
        `lowest ${money(lowest.costPerUnit as number)} on ${formatDay(lowest.date)}, ` +
        `highest ${money(highest.costPerUnit as number)} on ${formatDay(highest.date)}.`,
    );
  }
  const anomalies = days.filter((day) => day.anomaly !== null);
  sentences.push(
    anomalies.length === 0
      ? "No anomalies."
      : `${count(anomalies.length, "anomaly", "anomalies")}: ${
        anomalies.map((day) =>
          `${formatDay(day.date)}, ${day.anomaly!.direction} ${
            Math.abs(Math.round(day.anomaly!.changePercent))
          }%`
        ).join("; ")
      }.`,
  );
  const provisional = days.filter((day) => day.provisional);
  if (provisional.length > 0) {
    sentences.push(
      `${count(provisional.length, "provisional day", "provisional days")} (${
        provisional.map((day) => formatDay(day.date)).join(", ")
      }): their cost may still rise.`,
    );
  }
  const gaps = days.filter((day) => day.costPerUnit === null);
  if (gaps.length > 0 && measured.length > 0) {
    sentences.push(
      `No cost per ${unit} on ${gaps.map((day) => formatDay(day.date)).join(", ")}.`,
    );
  }
  return sentences.join(" ");
}

/**
 * Why no day has a cost per unit, in a few words.
 *
 * @example
 * ```ts
 * noCostPerUnitReason([{ ...day, amount: null }]); // "there are no amounts"
 * ```
 */
export function noCostPerUnitReason(days: UnitCostDay[]): string {
  if (days.every((day) => day.amount === null)) return "there are no amounts";
  if (days.every((day) => day.cost === null)) return "there are no costs";
  return "no day has both a cost and a non-zero amount";
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
