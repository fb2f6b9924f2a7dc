/**
 * Reports for the page's tests: a realistic one (30 days of March 2026 with weekend dips, one
 * injected cost spike that the anomaly rule flags, two provisional days at the end, a day without
 * an amount, and one day where Vantage's figure disagrees with ours), and builders for small ones.
 *
 * @module
 */
import type {
  UnitCostDay,
  UnitCostReport,
  UnitCostSeries,
} from "../../functions/_shared/unit-costs/model.ts";
import { eachDay } from "../../functions/_shared/dates.ts";

/** The day whose cost is spiked and flagged as a rise. */
export const SPIKE_DAY = "2026-03-18";
/** The day with no amount, hence no cost per unit. */
export const MISSING_AMOUNT_DAY = "2026-03-10";
/** The provisional days (cost data lags). */
export const PROVISIONAL_DAYS = ["2026-03-29", "2026-03-30"];

/**
 * The fixture report.
 *
 * @example
 * ```ts
 * const report = sampleReport();
 * report.series[0].days.length; // 30
 * ```
 */
export function sampleReport(): UnitCostReport {
  const days = eachDay("2026-03-01", "2026-03-30").map((date, index): UnitCostDay => {
    const weekend = isWeekend(date);
    const wobble = Math.sin(index * 2.3) * 0.5 + Math.cos(index * 0.7) * 0.5;
    const provisional = PROVISIONAL_DAYS.includes(date);
    const baseCost = weekend ? 905 + 40 * wobble : 1190 + 70 * wobble;
    const cost = round(date === SPIKE_DAY ? 2644.18 : provisional ? baseCost * 0.93 : baseCost);
    const amount = date === MISSING_AMOUNT_DAY
      ? null
      : Math.round(weekend ? 1620 + 90 * wobble : 2440 + 130 * wobble);
    const costPerUnit = amount === null ? null : cost / amount;
    const vantage = costPerUnit === null
      ? null
      : round4(costPerUnit * (date === "2026-03-05" ? 1.04 : 1));
    return makeDay(date, {
      cost,
      amount,
      costPerUnit,
      provisional,
      vantageCostPerUnit: vantage,
      disagreement: date === "2026-03-05",
    });
  });
  const spike = days.find((day) => day.date === SPIKE_DAY)!;
  // The baseline as the rule takes it: earlier weekdays (the spike is a Wednesday) with a value.
  const before = days.filter((day) =>
    day.date < SPIKE_DAY && !day.weekend && day.costPerUnit !== null
  ).map((day) => day.costPerUnit!).sort((a, b) => a - b);
  const baseline = before[Math.floor(before.length / 2)];
  spike.anomaly = {
    direction: "up",
    baseline,
    score: 11.8,
    changePercent: ((spike.costPerUnit! - baseline) / baseline) * 100,
  };
  return makeReport([makeSeries(days, { costReportTitle: "All cloud – production" })]);
}

/**
 * One day: weekend from the date; cost, amount and cost per unit default to 100, 200 and 0.5.
 *
 * @example
 * ```ts
 * makeDay("2026-03-07", { amount: null, costPerUnit: null }).weekend; // true
 * ```
 */
export function makeDay(date: string, overrides: Partial<UnitCostDay> = {}): UnitCostDay {
  return {
    date,
    weekend: isWeekend(date),
    cost: 100,
    amount: 200,
    costPerUnit: 0.5,
    provisional: false,
    vantageCostPerUnit: null,
    disagreement: false,
    anomaly: null,
    ...overrides,
  };
}

/**
 * A series of `days` with its summary computed from them.
 *
 * @example
 * ```ts
 * makeSeries([makeDay("2026-03-02")]).summary.costPerUnit; // 0.5
 * ```
 */
export function makeSeries(
  days: UnitCostDay[],
  overrides: Partial<UnitCostSeries> = {},
): UnitCostSeries {
  const totalCost = days.reduce((sum, day) => sum + (day.cost ?? 0), 0);
  const totalAmount = days.reduce((sum, day) => sum + (day.amount ?? 0), 0);
  return {
    costReportToken: "rprt_7be01c44a9",
    costReportTitle: "Production",
    unitScale: "per_unit",
    scale: 1,
    labelFilter: null,
    currency: "USD",
    days,
    vantageUnitCostsAvailable: days.some((day) => day.vantageCostPerUnit !== null),
    summary: {
      totalCost,
      totalAmount,
      costPerUnit: totalAmount > 0 ? totalCost / totalAmount : null,
      anomalies: days.filter((day) => day.anomaly !== null).length,
      provisionalDays: days.filter((day) => day.provisional).length,
    },
    ...overrides,
  };
}

/**
 * A report of the Orders metric over the series' days (March 2026 when there are none).
 *
 * @example
 * ```ts
 * makeReport([makeSeries([])]).window; // { from: "2026-03-01", to: "2026-03-30" }
 * ```
 */
export function makeReport(
  series: UnitCostSeries[],
  overrides: Partial<UnitCostReport> = {},
): UnitCostReport {
  const days = series.flatMap((one) => one.days.map((day) => day.date)).sort();
  return {
    metric: { key: "orders", title: "Orders", token: "bsnss_mtrc_5f3a9c2e1d" },
    window: { from: days[0] ?? "2026-03-01", to: days.at(-1) ?? "2026-03-30" },
    generatedAt: "2026-03-31T06:15:00.000Z",
    anomalyRule: { baselineDays: 28, minimumBaselineDays: 6, threshold: 3.5 },
    series,
    ...overrides,
  };
}

function isWeekend(date: string): boolean {
  return [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
