import assert from "node:assert/strict";
import { inBatches } from "../../functions/_shared/batches.ts";
import type { Decimal } from "../../functions/_shared/decimal.ts";
import type { MetricValue } from "../../functions/_shared/metric-values.ts";
import { diffValues, valueKey } from "../../functions/_shared/sent-values.ts";

const value = (date: string, amount: string, label = ""): MetricValue => ({
  date,
  label,
  amount: amount as Decimal,
});

Deno.test("diff sends only values that differ from what Vantage accepted", () => {
  const sent = new Map([
    [valueKey(value("2026-11-24", "10")), value("2026-11-24", "10")],
    [valueKey(value("2026-11-25", "11")), value("2026-11-25", "11")],
  ]);
  const diff = diffValues(
    [value("2026-11-24", "10"), value("2026-11-25", "12"), value("2026-11-26", "5")],
    sent,
    false,
  );
  assert.deepEqual(diff.changed.map((v) => v.date), ["2026-11-25", "2026-11-26"]);
  assert.deepEqual(diff.unchanged.map((v) => v.date), ["2026-11-24"]);
});

Deno.test("diff keys by date and label", () => {
  const sent = new Map([[
    valueKey(value("2026-11-24", "10", "eu")),
    value("2026-11-24", "10", "eu"),
  ]]);
  const diff = diffValues(
    [value("2026-11-24", "10", "eu"), value("2026-11-24", "10", "us")],
    sent,
    false,
  );
  assert.deepEqual(diff.changed.map((v) => v.label), ["us"]);
});

Deno.test("force resends unchanged values", () => {
  const sent = new Map([[valueKey(value("2026-11-24", "10")), value("2026-11-24", "10")]]);
  assert.equal(diffValues([value("2026-11-24", "10")], sent, true).changed.length, 1);
});

Deno.test("batches hold at most the given size and keep order", () => {
  const items = Array.from({ length: 1201 }, (_, i) => i);
  const batches = inBatches(items, 500);
  assert.deepEqual(batches.map((b) => b.length), [500, 500, 201]);
  assert.deepEqual(batches.flat(), items);
  assert.deepEqual(inBatches([], 500), []);
  assert.throws(() => inBatches(items, 0), RangeError);
});
