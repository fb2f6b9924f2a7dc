/**
 * The chart's vertical scales: cost per unit padded around its values, cost from zero, and the
 * amount's axis fitted to the cost's grid.
 *
 * @module
 */
import type { UnitCostDay } from "../unit-costs/model.ts";
import { type LinearScale, linearScale } from "./d3.ts";

/**
 * The cost-per-unit scale. It does not start at zero: its movement is the story. The domain is
 * padded rather than rounded, so headroom above the highest point keeps anomaly marks inside.
 *
 * @example
 * ```ts
 * costPerUnitScale(days, [300, 100]).domain(); // ≈ [0.28, 1.21] for values from 0.45 to 1.03
 * ```
 */
export function costPerUnitScale(days: UnitCostDay[], range: [number, number]): LinearScale {
  const values = days.flatMap((day) => day.costPerUnit === null ? [] : [day.costPerUnit]);
  if (values.length === 0) return linearScale([0, 1], range);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const spread = high - low || Math.abs(high) * 0.2 || 1;
  const floor = low >= 0 ? Math.max(0, low - spread * 0.3) : low - spread * 0.3;
  return linearScale([floor, high + spread * 0.3], range);
}

/**
 * The most round ticks that keep `gap` units apart on a panel `span` units tall.
 *
 * @example
 * ```ts
 * fittingTicks(linearScale([0, 1], [200, 0]), 200, 28); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 * ```
 */
export function fittingTicks(scale: LinearScale, span: number, gap: number): number[] {
  const [low, high] = scale.domain();
  for (const count of [8, 6, 5, 4, 3]) {
    const ticks = scale.ticks(count);
    if (ticks.length < 2 || (span * (ticks[1] - ticks[0])) / (high - low) >= gap) return ticks;
  }
  return scale.ticks(2);
}

/**
 * The lower panel's scales. Cost starts from zero (bars must); the amount's axis is chosen so its
 * ticks fall on the cost's grid lines, which keeps one grid instead of two competing ones.
 *
 * @example
 * ```ts
 * const { costTicks, amountTicks } = costAndAmountScales(days, [400, 300]);
 * // costTicks [0, 1000, 2000, 3000], amountTicks [0, 1000, 2000, 3000]
 * ```
 */
export function costAndAmountScales(days: UnitCostDay[], range: [number, number]) {
  const costs = days.flatMap((day) => day.cost === null ? [] : [day.cost]);
  const amounts = days.flatMap((day) => day.amount === null ? [] : [day.amount]);
  const cost = linearScale([Math.min(0, ...costs), Math.max(0, ...costs) || 1], range, 4);
  const costTicks = cost.ticks(4);
  const intervals = costTicks.length - 1;
  const lowestAmount = Math.min(0, ...amounts);
  if (cost.domain()[0] === 0 && lowestAmount === 0 && intervals > 0) {
    const amountStep = niceCeiling(Math.max(0, ...amounts) / intervals);
    return {
      cost,
      costTicks,
      amount: linearScale([0, amountStep * intervals], range),
      amountTicks: costTicks.map((_, index) => index * amountStep),
    };
  }
  const amount = linearScale([lowestAmount, Math.max(0, ...amounts) || 1], range, 4);
  return { cost, costTicks, amount, amountTicks: amount.ticks(4) };
}

/**
 * The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least `value` (1 for nothing).
 *
 * @example
 * ```ts
 * niceCeiling(730); // 1000
 * niceCeiling(0.21); // 0.25
 * ```
 */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const multiple = [1, 2, 2.5, 5, 10].find((candidate) => candidate * power >= value * (1 - 1e-9));
  return (multiple ?? 10) * power;
}
