/**
 * Cost per unit of the metrics attached to a cost report:
 * `cost / (metric amount / scale)` per date bin, as `GET /unit_costs` returns it.
 *
 * @module
 */

import { binStart, type DateBin } from "./dates.ts";
import {
  type Decimal,
  divideDecimals,
  formatDecimal,
  isZeroDecimal,
  multiplyDecimal,
  parseDecimal,
  sumDecimals,
} from "./decimal.ts";
import { type CalculationType, type EmulatorStore, UNIT_SCALES } from "./state.ts";

/**
 * `UnitCost` as the API returns it.
 *
 * @example
 * ```ts
 * const [first]: UnitCost[] = computeUnitCosts(store, "rprt_emulator0000001", range);
 * ```
 */
export interface UnitCost {
  business_metric_token: string;
  business_metric_title: string;
  calculation_type: CalculationType;
  unit_cost_amount: string;
  business_metric_amount: string;
  /** The divisor of the unit scale, e.g. `"1000.0"` for per_thousand (a string, as in the spec's example). */
  scale: string;
  /** First day of the bin, `YYYY-MM-DD`. */
  date: string;
}

/** Fractional digits of `unit_cost_amount` (the real API's rounding is undocumented). */
const UNIT_COST_DIGITS = 10;

/**
 * Unit costs of every metric attached to the report, oldest bin first (metrics in creation
 * order within a bin). Bins without cost (after today) or without a non-zero metric amount
 * are skipped.
 *
 * @example
 * ```ts
 * const rows = computeUnitCosts(store, "rprt_emulator0000001", {
 *   start: "2024-01-01", end: "2024-01-31", bin: "day",
 * });
 * ```
 */
export function computeUnitCosts(
  store: EmulatorStore,
  reportToken: string,
  range: { start: string; end: string; bin: DateBin },
): UnitCost[] {
  const costs = sumByBin(
    store.costs(reportToken, range.start, range.end).map((row) => [row.date, row.amount]),
    range.bin,
  );
  const rows: UnitCost[] = [];
  for (const metric of store.metrics()) {
    for (const attachment of metric.cost_report_tokens_with_metadata) {
      if (attachment.cost_report_token !== reportToken) continue;
      // An empty label_filter means every label; "" stands for unlabeled values.
      const labels = attachment.label_filter?.length ? new Set(attachment.label_filter) : undefined;
      const amounts = sumByBin(
        store.values(metric.token)
          .filter((value) => value.date >= range.start && value.date <= range.end)
          .filter((value) => !labels || labels.has(value.label ?? ""))
          .map((value) => [value.date, parseDecimal(value.amount)!]),
        range.bin,
      );
      const scale = UNIT_SCALES[attachment.unit_scale];
      for (const [date, amount] of amounts) {
        const cost = costs.get(date);
        if (!cost || isZeroDecimal(amount)) continue;
        const unitCost = attachment.calculation_type === "raw_business_metric"
          ? amount
          : divideDecimals(multiplyDecimal(cost, scale), amount, UNIT_COST_DIGITS);
        rows.push({
          business_metric_token: metric.token,
          business_metric_title: metric.title,
          calculation_type: attachment.calculation_type,
          unit_cost_amount: formatDecimal(unitCost),
          business_metric_amount: formatDecimal(amount),
          scale: formatDecimal({ units: scale, scale: 0 }),
          date,
        });
      }
    }
  }
  return rows.sort((a, b) => a.date < b.date ? -1 : a.date > b.date ? 1 : 0);
}

function sumByBin(entries: [string, Decimal][], bin: DateBin): Map<string, Decimal> {
  const sums = new Map<string, Decimal>();
  for (const [day, amount] of entries) {
    const key = binStart(day, bin);
    sums.set(key, sumDecimals([sums.get(key) ?? { units: 0n, scale: 0 }, amount]));
  }
  return new Map([...sums].sort(([a], [b]) => a < b ? -1 : 1));
}
