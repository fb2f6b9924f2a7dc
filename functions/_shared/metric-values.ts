/**
 * From raw source rows to the values a metric sends: dates checked, amounts parsed exactly, missing
 * days handled by policy, and every bad row named, so that a metric with bad data sends nothing.
 *
 * @module
 */
import { eachDay, type IsoDate } from "./dates.ts";
import { type Decimal, isInteger, isNegative, parseAmount } from "./decimal.ts";
import { AppError } from "./errors.ts";
import type { MetricDefinition } from "./metrics.ts";
import type { DayWindow } from "./window.ts";

/** One row as read from the source: the day and the value as Postgres printed them. */
export interface SourceRow {
  date: string | null;
  value: string | null;
}

/** A value for Vantage: `label` is `""` when unlabeled; `amount` null deletes the day in Vantage. */
export interface MetricValue {
  date: IsoDate;
  label: string;
  amount: Decimal | null;
}

/** A row that cannot be sent, and why. */
export interface RowProblem {
  date: string | null;
  value: string | null;
  problem:
    | "no_date"
    | "duplicate_date"
    | "negative"
    | "not_finite"
    | "not_a_number"
    | "not_integer";
}

/** Result of {@link toMetricValues}. */
export interface PreparedValues {
  values: MetricValue[];
  /** Days of the window without a value in the source (not sent under the `skip` policy). */
  missingDays: IsoDate[];
}

const PROBLEM_TEXT: Record<RowProblem["problem"], string> = {
  no_date: "the date is NULL",
  duplicate_date: "more than one row for the day",
  negative: "negative",
  not_finite: "not a finite number",
  not_a_number: "not a number",
  not_integer: "not a whole number",
};

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
  metric: Pick<MetricDefinition, "key" | "integerValues" | "missingDays" | "source">,
  window: DayWindow,
): PreparedValues {
  const problems: RowProblem[] = [];
  const byDate = new Map<IsoDate, Decimal | null>();
  const seen = new Set<string>();
  for (const row of rows) {
    if (row.date === null) {
      problems.push({ ...row, problem: "no_date" });
      continue;
    }
    if (seen.has(row.date)) {
      problems.push({ ...row, problem: "duplicate_date" });
      continue;
    }
    seen.add(row.date);
    if (row.value === null) continue;
    const parsed = parseAmount(row.value);
    if (parsed.kind === "non_finite") problems.push({ ...row, problem: "not_finite" });
    else if (parsed.kind === "invalid") problems.push({ ...row, problem: "not_a_number" });
    else if (isNegative(parsed.value)) problems.push({ ...row, problem: "negative" });
    else if (metric.integerValues && !isInteger(parsed.value)) {
      problems.push({ ...row, problem: "not_integer" });
    } else byDate.set(row.date, parsed.value);
  }
  if (problems.length > 0) throw invalidRows(metric, problems);

  const values: MetricValue[] = [];
  const missingDays: IsoDate[] = [];
  for (const day of eachDay(window.from, window.to)) {
    const amount = byDate.get(day);
    if (amount !== undefined && amount !== null) values.push({ date: day, label: "", amount });
    else if (metric.missingDays === "zero") {
      values.push({ date: day, label: "", amount: "0" as Decimal });
    } else missingDays.push(day);
  }
  return { values, missingDays };
}

function invalidRows(
  metric: Pick<MetricDefinition, "key" | "source">,
  problems: RowProblem[],
): AppError {
  const listed = problems.slice(0, 10).map((p) =>
    `${p.date ?? "(no date)"}: ${PROBLEM_TEXT[p.problem]}${p.value === null ? "" : ` (${p.value})`}`
  );
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
