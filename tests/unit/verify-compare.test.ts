import assert from "node:assert/strict";
import type { Decimal } from "../../functions/_shared/decimal.ts";
import type { MetricValue } from "../../functions/_shared/metric-values.ts";
import {
  applyChanges,
  compareValues,
  corrections,
  driftCount,
  fromVantageValues,
  recordChanges,
} from "../../functions/_shared/verify-compare.ts";
import { valueKey } from "../../functions/_shared/sent-values.ts";

const value = (date: string, amount: string | null, label = ""): MetricValue => ({
  date,
  label,
  amount: amount as Decimal | null,
});
const JANUARY = { from: "2024-01-01", to: "2024-01-31" };

Deno.test("Vantage's values become engine values: UTC day, exact amount, null label as unlabeled", () => {
  assert.deepEqual(
    fromVantageValues([
      { date: "2024-01-03T00:00:00Z", amount: "300.0", label: null },
      { date: "2024-01-02T00:00:00Z", amount: "0.10", label: "eu-west" },
      { date: "2024-01-01", amount: "9007199254740993.0" },
      { date: "2024-01-04+00:00", amount: "1e3", label: "" },
    ], JANUARY),
    [
      value("2024-01-03", "300"),
      value("2024-01-02", "0.1", "eu-west"),
      value("2024-01-01", "9007199254740993"),
      value("2024-01-04", "1000"),
    ],
  );
});

Deno.test("Vantage's values outside the window are left out (it has a start date only)", () => {
  const values = fromVantageValues([
    { date: "2024-02-01T00:00:00Z", amount: "1.0" },
    { date: "2024-01-31T00:00:00Z", amount: "2.0" },
    { date: "2023-12-31T00:00:00Z", amount: "3.0" },
  ], JANUARY);
  assert.deepEqual(values.map((v) => v.date), ["2024-01-31"]);
});

Deno.test("an unreadable value from Vantage fails with vantage_invalid_response", () => {
  for (const bad of [{ date: "soon", amount: "1.0" }, { date: "2024-01-02", amount: "NaN" }]) {
    assert.throws(() => fromVantageValues([bad], JANUARY), { code: "vantage_invalid_response" });
  }
});

Deno.test("compare finds missing, changed and extra values by date and label, amounts exactly", () => {
  const comparison = compareValues(
    [
      value("2024-01-01", "300"),
      value("2024-01-02", "120"),
      value("2024-01-03", "0.1", "eu"),
      value("2024-01-03", "5", "us"),
      value("2024-01-04", "9007199254740993"),
    ],
    [
      value("2024-01-01", "300"),
      value("2024-01-02", "999"),
      value("2024-01-03", "0.1", "us"),
      value("2024-01-03", "7", "ap"),
      value("2024-01-04", "9007199254740992"),
    ],
  );
  assert.equal(comparison.matching, 1);
  assert.deepEqual(comparison.missing, [
    { date: "2024-01-03", label: "eu", source: "0.1", vantage: null },
  ]);
  assert.deepEqual(comparison.changed, [
    { date: "2024-01-02", label: "", source: "120", vantage: "999" },
    { date: "2024-01-03", label: "us", source: "5", vantage: "0.1" },
    { date: "2024-01-04", label: "", source: "9007199254740993", vantage: "9007199254740992" },
  ]);
  assert.deepEqual(comparison.extra, [
    { date: "2024-01-03", label: "ap", source: null, vantage: "7" },
  ]);
});

Deno.test("300 and Vantage's 300.0 are the same amount", () => {
  const [held] = fromVantageValues([{ date: "2024-01-01T00:00:00Z", amount: "300.0" }], JANUARY);
  const comparison = compareValues([value("2024-01-01", "300")], [held]);
  assert.deepEqual(comparison, { matching: 1, missing: [], changed: [], extra: [] });
});

Deno.test("extras are drift in mirror mode only", () => {
  const comparison = compareValues([value("2024-01-01", "1")], [
    value("2024-01-01", "2"),
    value("2024-01-05", "3", "web"),
  ]);
  assert.equal(driftCount(comparison, "upsert"), 1);
  assert.equal(driftCount(comparison, "mirror"), 2);
});

Deno.test("corrections send the source's amounts, and delete extras only in mirror mode", () => {
  const comparison = compareValues(
    [value("2024-01-01", "1"), value("2024-01-02", "2")],
    [value("2024-01-02", "20"), value("2024-01-05", "3", "web")],
  );
  assert.deepEqual(corrections(comparison, "upsert"), [
    value("2024-01-01", "1"),
    value("2024-01-02", "2"),
  ]);
  assert.deepEqual(corrections(comparison, "mirror"), [
    value("2024-01-01", "1"),
    value("2024-01-02", "2"),
    value("2024-01-05", null, "web"),
  ]);
});

Deno.test("the record of sent values is aligned with what Vantage holds after the corrections", () => {
  const held = [
    value("2024-01-01", "1"),
    value("2024-01-02", "20"),
    value("2024-01-05", "3", "web"),
  ];
  const fixes = [value("2024-01-02", "2"), value("2024-01-05", null, "web")];
  const after = applyChanges(held, fixes);
  assert.deepEqual([...after.values()], [value("2024-01-01", "1"), value("2024-01-02", "2")]);

  const recorded = new Map(
    [value("2024-01-01", "7"), value("2024-01-02", "2"), value("2024-01-03", "9")]
      .map((v) => [valueKey(v), v]),
  );
  // 01-01 recorded with another amount, 01-02 already right, 01-03 no longer in Vantage.
  assert.deepEqual(recordChanges(after, recorded), [
    value("2024-01-01", "1"),
    value("2024-01-03", null),
  ]);
  assert.deepEqual(recordChanges(after, new Map()), [...after.values()]);
});
