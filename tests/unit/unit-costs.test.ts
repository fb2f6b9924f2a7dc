import assert from "node:assert/strict";
import {
  DEFAULT_ANOMALY_RULE,
  flagAnomalies,
} from "../../functions/_shared/unit-costs/anomalies.ts";
import {
  costPerUnit,
  SCALE_DIVISORS,
  unitCostDays,
} from "../../functions/_shared/unit-costs/arithmetic.ts";
import { addDays, eachDay } from "../../functions/_shared/dates.ts";
import { sparkline } from "../../cli/text-chart.ts";

const FROM = "2026-10-01";

function inputs(
  costs: Record<string, number>,
  amounts: Record<string, number>,
  scale = 1,
  today = "2026-11-28",
) {
  return {
    costs: new Map(Object.entries(costs)),
    amounts: new Map(Object.entries(amounts)),
    vantageCostPerUnit: new Map<string, number>(),
    scale,
    today,
  };
}

Deno.test("cost per unit divides cost by amount ÷ scale, and is null rather than zero or infinite", () => {
  assert.equal(costPerUnit(250, 125, 1), 2);
  assert.equal(costPerUnit(250, 125_000, SCALE_DIVISORS.per_thousand), 2);
  assert.equal(costPerUnit(250, 2_500_000, SCALE_DIVISORS.per_million), 100);
  assert.equal(costPerUnit(250, 0, 1), null);
  assert.equal(costPerUnit(null, 10, 1), null);
  assert.equal(costPerUnit(250, null, 1), null);
  assert.equal(costPerUnit(0, 10, 1), 0, "a free day costs 0 per unit");
});

Deno.test("days: one per calendar day, weekends and provisional days marked, gaps kept", () => {
  const days = unitCostDays(
    "2026-11-20",
    "2026-11-27",
    inputs(
      { "2026-11-20": 100, "2026-11-21": 90, "2026-11-27": 40 },
      { "2026-11-20": 50, "2026-11-21": 0, "2026-11-22": 10 },
      1,
      "2026-11-28",
    ),
  );
  assert.equal(days.length, 8);
  assert.deepEqual(days.map((d) => d.costPerUnit), [2, null, null, null, null, null, null, null]);
  assert.deepEqual(days.filter((d) => d.weekend).map((d) => d.date), ["2026-11-21", "2026-11-22"]);
  assert.deepEqual(days.filter((d) => d.provisional).map((d) => d.date), [
    "2026-11-26",
    "2026-11-27",
  ]);
  assert.equal(days[0].cost, 100);
  assert.equal(days[2].cost, null, "no cost row is null, not 0");
});

Deno.test("Vantage's figure is set beside ours, and a difference over 1% is flagged", () => {
  const base = inputs({ "2026-10-01": 100, "2026-10-02": 100 }, {
    "2026-10-01": 50,
    "2026-10-02": 50,
  });
  base.vantageCostPerUnit = new Map([["2026-10-01", 2.01], ["2026-10-02", 2.5]]);
  const [first, second] = unitCostDays("2026-10-01", "2026-10-02", base);
  assert.equal(first.vantageCostPerUnit, 2.01);
  assert.equal(first.disagreement, false);
  assert.equal(second.disagreement, true);
});

function series(values: (number | null)[], provisionalFrom?: number, weekend = () => false) {
  return eachDay(FROM, addDays(FROM, values.length)).slice(0, values.length).map((date, index) => ({
    date,
    weekend: weekend(),
    cost: values[index],
    amount: 1,
    costPerUnit: values[index],
    provisional: provisionalFrom !== undefined && index >= provisionalFrom,
    vantageCostPerUnit: null,
    disagreement: false,
    anomaly: null,
  }));
}

// A noisy but steady cost per unit around 2.
const steady = [2.0, 2.1, 1.9, 2.05, 1.95, 2.02, 1.98, 2.1, 1.9, 2.0, 2.03, 1.97, 2.06, 1.94];

Deno.test("a spike beyond 3.5 robust deviations of the trailing median is flagged, with its size", () => {
  const flagged = flagAnomalies(series([...steady, 3.0, 2.0]));
  const anomalies = flagged.filter((d) => d.anomaly);
  assert.equal(anomalies.length, 1);
  const [spike] = anomalies;
  assert.equal(spike.date, addDays(FROM, 14));
  assert.equal(spike.anomaly!.direction, "up");
  assert.equal(spike.anomaly!.baseline, 2.0);
  assert.ok(spike.anomaly!.score > DEFAULT_ANOMALY_RULE.threshold);
  assert.equal(Math.round(spike.anomaly!.changePercent), 50);
});

Deno.test("ordinary noise, too short a baseline, null days and provisional days are not flagged", () => {
  assert.equal(flagAnomalies(series([...steady, 2.15, 1.85])).filter((d) => d.anomaly).length, 0);
  assert.equal(
    flagAnomalies(series([2, 2, 2, 2, 2, 9])).filter((d) => d.anomaly).length,
    0,
    "fewer than 7 baseline days",
  );
  assert.equal(flagAnomalies(series([...steady, null])).filter((d) => d.anomaly).length, 0);
  const provisionalSpike = flagAnomalies(series([...steady, 9], steady.length));
  assert.equal(
    provisionalSpike.filter((d) => d.anomaly).length,
    0,
    "a provisional day is not judged",
  );
});

Deno.test("a drop is flagged as down; a flat baseline still needs a real departure", () => {
  const drop = flagAnomalies(series([...steady, 0.5]));
  assert.equal(drop.at(-1)!.anomaly!.direction, "down");
  const flat = Array(14).fill(2);
  assert.equal(
    flagAnomalies(series([...flat, 2.05])).at(-1)!.anomaly,
    null,
    "2.5% is within 3.5 × 1% of a flat median",
  );
  assert.equal(flagAnomalies(series([...flat, 2.2])).at(-1)!.anomaly!.direction, "up");
});

Deno.test("weekends are compared with weekends: a weekly pattern is not an anomaly", () => {
  // Four weeks of weekdays at 2 and weekends at 3.4 (fewer orders, much the same cost).
  const days = eachDay(FROM, addDays(FROM, 34)).map((date) => {
    const weekend = [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
    const value = (weekend ? 3.4 : 2) * (1 + ((date.charCodeAt(9) % 5) - 2) / 100);
    return {
      date,
      weekend,
      cost: value,
      amount: 1,
      costPerUnit: value,
      provisional: false,
      vantageCostPerUnit: null,
      disagreement: false,
      anomaly: null,
    };
  });
  assert.equal(flagAnomalies(days).filter((d) => d.anomaly).length, 0);
  const spiked = days.map((d, i) => i === 33 ? { ...d, costPerUnit: d.costPerUnit * 3 } : d);
  assert.deepEqual(flagAnomalies(spiked).filter((d) => d.anomaly).map((d) => d.date), [
    days[33].date,
  ]);
});

Deno.test("the sparkline scales between min and max and leaves gaps for null", () => {
  assert.equal(sparkline([1, 2, null, 4]), "▁▃ █");
  assert.equal(sparkline([5, 5]), "▄▄");
  assert.equal(sparkline([null, null]), "  ");
});
