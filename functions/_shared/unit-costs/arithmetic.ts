/**
 * Cost per unit, day by day: cost ÷ (amount ÷ scale), with the cases that must not become numbers
 * (no cost, no amount, zero amount) kept as null, recent days marked provisional, and Vantage's own
 * figure set beside ours.
 *
 * @module
 */
import { addDays, eachDay, type IsoDate } from "../dates.ts";
import type { UnitScale } from "../metrics.ts";
import type { UnitCostDay } from "./model.ts";

/** Vantage's unit scales as divisors. */
export const SCALE_DIVISORS: Record<UnitScale, number> = {
  per_unit: 1,
  per_hundred: 100,
  per_thousand: 1_000,
  per_million: 1_000_000,
  per_billion: 1_000_000_000,
};

/** Cost data lags about two days: yesterday's and the day before's costs may still rise. */
export const PROVISIONAL_DAYS = 2;

/** Ours and Vantage's cost per unit may differ this much (relative) before it is flagged. */
export const DISAGREEMENT_TOLERANCE = 0.01;

/** What a day is computed from. */
export interface DayInputs {
  costs: ReadonlyMap<IsoDate, number>;
  amounts: ReadonlyMap<IsoDate, number>;
  vantageCostPerUnit: ReadonlyMap<IsoDate, number>;
  scale: number;
  /** Today (UTC): days after `today − PROVISIONAL_DAYS − 1` are provisional. */
  today: IsoDate;
}

/**
 * Cost per unit, or null when it would be meaningless (never zero or infinity).
 *
 * @example
 * ```ts
 * costPerUnit(250, 125, 1);     // 2
 * costPerUnit(250, 125_000, 1000); // 2 (per thousand)
 * costPerUnit(250, 0, 1);       // null
 * ```
 */
export function costPerUnit(
  cost: number | null,
  amount: number | null,
  scale: number,
): number | null {
  if (cost === null || amount === null || amount === 0 || !Number.isFinite(cost)) return null;
  return cost / (amount / scale);
}

/**
 * One {@link UnitCostDay} per day from `from` to `to`, without anomaly flags.
 *
 * @example
 * ```ts
 * const days = unitCostDays("2026-11-01", "2026-11-30", inputs);
 * ```
 */
export function unitCostDays(from: IsoDate, to: IsoDate, inputs: DayInputs): UnitCostDay[] {
  const firstProvisional = addDays(inputs.today, -PROVISIONAL_DAYS);
  return eachDay(from, to).map((date) => {
    const cost = inputs.costs.get(date) ?? null;
    const amount = inputs.amounts.get(date) ?? null;
    const ours = costPerUnit(cost, amount, inputs.scale);
    const theirs = inputs.vantageCostPerUnit.get(date) ?? null;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return {
      date,
      weekend: weekday === 0 || weekday === 6,
      cost,
      amount,
      costPerUnit: ours,
      provisional: date >= firstProvisional,
      vantageCostPerUnit: theirs,
      disagreement: ours !== null && theirs !== null && disagree(ours, theirs),
      anomaly: null,
    };
  });
}

function disagree(ours: number, theirs: number): boolean {
  const reference = Math.max(Math.abs(ours), Math.abs(theirs));
  return reference > 0 && Math.abs(ours - theirs) / reference > DISAGREEMENT_TOLERANCE;
}
