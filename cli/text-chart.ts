/**
 * A few lines of cost per unit for a terminal: a sparkline per series, with the anomalies named.
 *
 * @module
 */
import { unitName } from "../functions/_shared/report/format.ts";
import type { UnitCostReport } from "../functions/_shared/unit-costs/model.ts";

const BARS = "▁▂▃▄▅▆▇█";

/**
 * One character per value, scaled between the series' minimum and maximum; a gap for null.
 *
 * @example
 * ```ts
 * sparkline([1, 2, null, 4]); // "▁▃ █"
 * ```
 */
export function sparkline(values: readonly (number | null)[]): string {
  const present = values.filter((value): value is number => value !== null);
  if (present.length === 0) return " ".repeat(values.length);
  const min = Math.min(...present);
  const span = Math.max(...present) - min;
  return values.map((value) => {
    if (value === null) return " ";
    const index = span === 0 ? 3 : Math.round(((value - min) / span) * (BARS.length - 1));
    return BARS[index];
  }).join("");
}

/**
 * The report as a few lines of text: per series, the overall cost per unit, a sparkline of the
 * daily values, and each anomaly.
 *
 * @example
 * ```ts
 * console.log(formatTextChart(report));
 * ```
 */
export function formatTextChart(report: UnitCostReport): string {
  if (report.series.length === 0) {
    return `${report.metric.title}: not attached to any cost report in Vantage (declare vantage.costReports, then deno task apply)`;
  }
  return report.series.map((series) => {
    const money = (value: number | null) =>
      value === null ? "-" : `${value.toFixed(4)} ${series.currency}`;
    const per = unitName(report.metric.title, series.scale);
    const lines = [
      `Cost per ${per}, ${report.window.from}..${report.window.to} (${
        series.costReportTitle ?? series.costReportToken
      }): ${money(series.summary.costPerUnit)} overall`,
      `  ${sparkline(series.days.map((day) => day.costPerUnit))}  ${series.days[0]?.date ?? ""} → ${
        series.days.at(-1)?.date ?? ""
      }`,
    ];
    for (const day of series.days.filter((d) => d.anomaly)) {
      const anomaly = day.anomaly!;
      lines.push(
        `  ! ${day.date}: ${money(day.costPerUnit)}, ${anomaly.changePercent >= 0 ? "+" : ""}${
          anomaly.changePercent.toFixed(0)
        }% against ${money(anomaly.baseline)} (${anomaly.direction === "up" ? "worse" : "better"})`,
      );
    }
    if (series.summary.provisionalDays > 0) {
      lines.push(
        `  (${series.summary.provisionalDays} most recent days provisional: their cost may still rise)`,
      );
    }
    return lines.join("\n");
  }).join("\n\n");
}
