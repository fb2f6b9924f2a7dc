/**
 * From raw source rows to the values a metric sends: dates checked, amounts parsed exactly and held
 * to the declared range, labels kept, missing days handled by policy, and every bad row named, so
 * that a metric with bad data sends nothing.
 *
 * @module
 */
import { eachDay, type IsoDate } from "./dates.ts";
import { compareDecimals, type Decimal, decimalOf, isInteger, parseAmount } from "./decimal.ts";
import { AppError } from "./errors.ts";
import type { MetricDefinition } from "./metrics.ts";
import type { DayWindow } from "./window.ts";

/** One row as read from the source: the day, the label and the value as Postgres printed them. */
export interface SourceRow {
  date: string | null;
  /** Null for an unlabeled source or a NULL label. */
  label?: string | null;
  value: string | null;
}

/** A value for Vantage: `label` is `""` when unlabeled; `amount` null deletes the value in Vantage. */
export interface MetricValue {
  date: IsoDate;
  label: string;
  amount: Decimal | null;
}

/** A row that cannot be sent, and why. */
export interface RowProblem {
  date: string | null;
  label?: string | null;
  value: string | null;
  problem:
    | "no_date"
    | "duplicate"
    | "below_minimum"
    | "above_maximum"
    | "not_finite"
    | "not_a_number"
    | "not_integer";
}

/** Result of {@link toMetricValues}. */
export interface PreparedValues {
  /** Ordered by day, then label. */
  values: MetricValue[];
  /** Days of the window without any value in the source (not sent under the `skip` policy). */
  missingDays: IsoDate[];
}

/** What {@link toMetricValues} reads of a declaration. */
export type ValueRules = Pick<MetricDefinition, "key" | "range" | "missingDays" | "source">;

/**
 * Validates source rows for `metric` and turns them into values, or throws `invalid_source_data`
 * (422) naming every bad row. NULL values count as missing.
 *
 * @example
 * ```ts
 * toMetricValues([{ date: "2026-11-27", value: "42" }], orders, { from: "2026-11-27", to: "2026-11-27" });
 * // { values: [{ date: "2026-11-27", label: "", amount: "42" }], missingDays: [] }
 * ```
 */
export function toMetricValues(
  rows: readonly SourceRow[],
  metric: ValueRules,
  window: DayWindow,
): PreparedValues {
  const min = decimalOf(metric.range.min);
  const max = metric.range.max === undefined ? undefined : decimalOf(metric.range.max);
  const problems: RowProblem[] = [];
  const accepted: MetricValue[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const problem = (kind: RowProblem["problem"]) => problems.push({ ...row, problem: kind });
    if (row.date === null) {
      problem("no_date");
      continue;
    }
    const label = row.label ?? "";
    const key = `${row.date}\u0000${label}`;
    if (seen.has(key)) {
      problem("duplicate");
      continue;
    }
    seen.add(key);
    if (row.value === null) continue; // NULL means missing
    const parsed = parseAmount(row.value);
    if (parsed.kind === "non_finite") problem("not_finite");
    else if (parsed.kind === "invalid") problem("not_a_number");
    else if (compareDecimals(parsed.value, min) < 0) problem("below_minimum");
    else if (max !== undefined && compareDecimals(parsed.value, max) > 0) problem("above_maximum");
    else if (metric.range.integers && !isInteger(parsed.value)) problem("not_integer");
    else accepted.push({ date: row.date, label, amount: parsed.value });
  }
  if (problems.length > 0) throw invalidRows(metric, problems);

  const values: MetricValue[] = [];
  const missingDays: IsoDate[] = [];
  const byDay = Map.groupBy(accepted, (value) => value.date);
  for (const day of eachDay(window.from, window.to)) {
    const dayValues = byDay.get(day);
    if (dayValues) values.push(...dayValues.sort((a, b) => a.label.localeCompare(b.label)));
    else if (metric.missingDays === "zero") {
      values.push({ date: day, label: "", amount: "0" as Decimal });
    } else missingDays.push(day);
  }
  return { values, missingDays };
}

function problemText(problem: RowProblem, metric: ValueRules): string {
  switch (problem.problem) {
    case "no_date":
      return "the date is NULL";
    case "duplicate":
      return metric.source.labelColumn
        ? "more than one row for the day and label"
        : "more than one row for the day";
    case "below_minimum":
      return metric.range.min === 0 ? "negative" : `below the minimum ${metric.range.min}`;
    case "above_maximum":
      return `above the maximum ${metric.range.max}`;
    case "not_finite":
      return "not a finite number";
    case "not_a_number":
      return "not a number";
    case "not_integer":
      return "not a whole number";
  }
}

function invalidRows(metric: ValueRules, problems: RowProblem[]): AppError {
  const listed = problems.slice(0, 10).map((p) => {
    const where = `${p.date ?? "(no date)"}${p.label ? ` [${p.label}]` : ""}`;
    return `${where}: ${problemText(p, metric)}${p.value === null ? "" : ` (${p.value})`}`;
  });
  const more = problems.length > 10 ? ` and ${problems.length - 10} more` : "";
  const relation = `${metric.source.schema}.${metric.source.relation}`;
  return new AppError(
    "invalid_source_data",
    `Metric "${metric.key}": ${relation} has rows that cannot be sent (${
      listed.join("; ")
    }${more}); nothing of this metric was sent. Fix those rows and sync again.`,
    { details: { metric: metric.key, rows: problems } },
  );
}
