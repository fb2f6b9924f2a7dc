/**
 * The pure half of `verify`: Vantage's values read back into the engine's value shape, compared with
 * the source's by (date, label) with exact decimals, and the corrections that would make Vantage match.
 * No I/O here, so every rule is unit-tested on plain lists.
 *
 * @module
 */
import { isIsoDate, type IsoDate } from "./dates.ts";
import { compareDecimals, type Decimal, parseAmount } from "./decimal.ts";
import { AppError } from "./errors.ts";
import type { MetricValue } from "./metric-values.ts";
import type { MetricDefinition } from "./metrics.ts";
import { valueKey } from "./sent-values.ts";
import type { VantageValue } from "./vantage/schemas.ts";
import type { DayWindow } from "./window.ts";

/** One (date, label) where the source and Vantage disagree; `label` is `""` when unlabeled. */
export interface DriftValue {
  date: IsoDate;
  label: string;
  /** The source's amount, or null when the source has no value there (an extra). */
  source: Decimal | null;
  /** Vantage's amount, or null when Vantage has no value there (a missing value). */
  vantage: Decimal | null;
}

/** The source against Vantage inside one window. */
export interface Comparison {
  /** Values both hold with the same amount. */
  matching: number;
  /** The source has it, Vantage does not. */
  missing: DriftValue[];
  /** Both have it, with different amounts. */
  changed: DriftValue[];
  /** Vantage has it, the source does not. */
  extra: DriftValue[];
}

/**
 * Vantage's values (`GET …/values`) as engine values inside `window`: dates to their UTC day,
 * `null` labels to `""`, amounts such as `"300.0"` to exact decimals. Values outside the window are
 * dropped (Vantage has a start date only). Throws `vantage_invalid_response` on an unreadable value.
 *
 * @example
 * ```ts
 * fromVantageValues(
 *   [{ date: "2024-01-03T00:00:00Z", amount: "300.0", label: null }],
 *   { from: "2024-01-01", to: "2024-01-31" },
 * );
 * // [{ date: "2024-01-03", label: "", amount: "300" }]
 * ```
 */
export function fromVantageValues(
  values: readonly VantageValue[],
  window: DayWindow,
): MetricValue[] {
  const result: MetricValue[] = [];
  for (const value of values) {
    const date = utcDayOf(value.date);
    const amount = parseAmount(value.amount);
    if (!date || amount.kind !== "finite") {
      throw new AppError(
        "vantage_invalid_response",
        `Vantage returned a value that cannot be read (date ${JSON.stringify(value.date)}, amount ${
          JSON.stringify(value.amount)
        }); nothing was compared`,
      );
    }
    if (date >= window.from && date <= window.to) {
      result.push({ date, label: value.label ?? "", amount: amount.value });
    }
  }
  return result;
}

/** The UTC day of Vantage's date text: `2024-01-03T00:00:00Z`, `2024-01-03` or `2024-03-01+00:00`. */
function utcDayOf(text: string): IsoDate | undefined {
  const instant = Date.parse(text);
  if (Number.isFinite(instant)) return new Date(instant).toISOString().slice(0, 10);
  // The spec's examples also show a date with an offset, which Date.parse does not read.
  const day = text.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}(?:[+-]00:?00|Z)?$/.test(text) && isIsoDate(day) ? day : undefined;
}

/**
 * Compares the source's values with Vantage's by (date, label), amounts exactly (`300` equals
 * `300.0`). Each list comes back ordered by date, then label.
 *
 * @example
 * ```ts
 * const { missing, changed, extra, matching } = compareValues(sourceValues, vantageValues);
 * // changed: [{ date: "2024-01-02", label: "", source: "120", vantage: "999" }]
 * ```
 */
export function compareValues(
  source: readonly MetricValue[],
  vantage: readonly MetricValue[],
): Comparison {
  const inVantage = new Map(vantage.map((value) => [valueKey(value), value]));
  const comparison: Comparison = { matching: 0, missing: [], changed: [], extra: [] };
  for (const value of source) {
    if (value.amount === null) continue;
    const key = valueKey(value);
    const theirs = inVantage.get(key);
    inVantage.delete(key);
    if (!theirs || theirs.amount === null) {
      comparison.missing.push(drift(value, value.amount, null));
    } else if (compareDecimals(value.amount, theirs.amount) !== 0) {
      comparison.changed.push(drift(value, value.amount, theirs.amount));
    } else comparison.matching++;
  }
  for (const value of inVantage.values()) {
    if (value.amount !== null) comparison.extra.push(drift(value, null, value.amount));
  }
  for (const list of [comparison.missing, comparison.changed, comparison.extra]) {
    list.sort((a, b) => a.date.localeCompare(b.date) || a.label.localeCompare(b.label));
  }
  return comparison;
}

function drift(
  at: { date: IsoDate; label: string },
  source: Decimal | null,
  vantage: Decimal | null,
): DriftValue {
  return { date: at.date, label: at.label, source, vantage };
}

/**
 * True when `mode` deletes values that Vantage has and the source does not; in `upsert` mode such
 * extras are Vantage's own business and not drift.
 *
 * @example
 * ```ts
 * deletesExtras("mirror"); // true
 * ```
 */
export function deletesExtras(mode: MetricDefinition["mode"]): boolean {
  return mode === "mirror";
}

/**
 * How many differences count as drift under `mode` (extras only in mirror mode).
 *
 * @example
 * ```ts
 * driftCount(comparison, "upsert"); // missing + changed
 * ```
 */
export function driftCount(comparison: Comparison, mode: MetricDefinition["mode"]): number {
  return comparison.missing.length + comparison.changed.length +
    (deletesExtras(mode) ? comparison.extra.length : 0);
}

/**
 * The values to PUT so that Vantage matches the source: missing and changed values with the source's
 * amount, and in mirror mode a deletion (`amount: null`) for every extra.
 *
 * @example
 * ```ts
 * corrections(comparison, "mirror");
 * // [{ date: "2024-01-02", label: "", amount: "120" }, { date: "2024-01-05", label: "web", amount: null }]
 * ```
 */
export function corrections(comparison: Comparison, mode: MetricDefinition["mode"]): MetricValue[] {
  const toSource = [...comparison.missing, ...comparison.changed].map((value) => ({
    date: value.date,
    label: value.label,
    amount: value.source,
  }));
  const deletions = deletesExtras(mode)
    ? comparison.extra.map((value) => ({ date: value.date, label: value.label, amount: null }))
    : [];
  return [...toSource, ...deletions];
}

/**
 * What Vantage holds after it accepted `changes`: `before` with each change applied (a null amount
 * removes the value), by {@link valueKey}.
 *
 * @example
 * ```ts
 * const after = applyChanges(vantageValues, corrections(comparison, "mirror"));
 * ```
 */
export function applyChanges(
  before: readonly MetricValue[],
  changes: readonly MetricValue[],
): Map<string, MetricValue> {
  const held = new Map(before.map((value) => [valueKey(value), value]));
  for (const change of changes) {
    if (change.amount === null) held.delete(valueKey(change));
    else held.set(valueKey(change), change);
  }
  return held;
}

/**
 * The writes that make a record of sent values equal `held`: an upsert for every value the record
 * lacks or has with another amount, a deletion (`amount: null`) for every recorded value not held.
 *
 * @example
 * ```ts
 * recordChanges(applyChanges(vantageValues, fixes), await loadSentValues(sql, token, window));
 * ```
 */
export function recordChanges(
  held: ReadonlyMap<string, MetricValue>,
  recorded: ReadonlyMap<string, MetricValue>,
): MetricValue[] {
  const changes: MetricValue[] = [];
  for (const [key, value] of held) {
    const previous = recorded.get(key)?.amount;
    if (
      value.amount !== null && (previous == null || compareDecimals(previous, value.amount) !== 0)
    ) {
      changes.push(value);
    }
  }
  for (const [key, value] of recorded) {
    if (!held.has(key)) changes.push({ ...value, amount: null });
  }
  return changes;
}
