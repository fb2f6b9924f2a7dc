import assert from "node:assert/strict";
import { AppError } from "../../functions/_shared/errors.ts";
import { type SourceRow, toMetricValues } from "../../functions/_shared/metric-values.ts";
import { DECLARED_METRICS, parseMetricDefinitions } from "../../functions/_shared/metrics.ts";

const [orders] = parseMetricDefinitions(DECLARED_METRICS);
const window = { from: "2026-11-24", to: "2026-11-27" };

function rejected(
  rows: SourceRow[],
  metric: Parameters<typeof toMetricValues>[1] = orders,
): AppError {
  try {
    toMetricValues(rows, metric, window);
  } catch (error) {
    assert.ok(error instanceof AppError);
    return error;
  }
  assert.fail("expected invalid_source_data");
}

Deno.test("valid rows become values; NULL and absent days are missing and not sent", () => {
  const prepared = toMetricValues(
    [{ date: "2026-11-24", value: "10" }, { date: "2026-11-25", value: null }, {
      date: "2026-11-27",
      value: "0",
    }],
    orders,
    window,
  );
  assert.deepEqual(prepared.values, [
    { date: "2026-11-24", label: "", amount: "10" },
    { date: "2026-11-27", label: "", amount: "0" },
  ]);
  assert.deepEqual(prepared.missingDays, ["2026-11-25", "2026-11-26"]);
});

Deno.test("the zero policy sends 0 for missing days", () => {
  const prepared = toMetricValues([{ date: "2026-11-24", value: "10" }], {
    ...orders,
    missingDays: "zero",
  }, window);
  assert.deepEqual(prepared.values.map((v) => [v.date, v.amount]), [
    ["2026-11-24", "10"],
    ["2026-11-25", "0"],
    ["2026-11-26", "0"],
    ["2026-11-27", "0"],
  ]);
  assert.deepEqual(prepared.missingDays, []);
});

Deno.test("negative and non-finite values fail the metric with 422, naming every date", () => {
  const error = rejected([
    { date: "2026-11-24", value: "10" },
    { date: "2026-11-25", value: "-3" },
    { date: "2026-11-26", value: "NaN" },
    { date: "2026-11-27", value: "Infinity" },
  ]);
  assert.equal(error.code, "invalid_source_data");
  assert.equal(error.status, 422);
  for (const date of ["2026-11-25", "2026-11-26", "2026-11-27"]) {
    assert.match(error.message, new RegExp(date));
  }
  assert.doesNotMatch(error.message, /2026-11-24/);
  assert.match(error.message, /nothing of this metric was sent/);
});

Deno.test("fractions fail an integer metric but pass a decimal one", () => {
  assert.equal(rejected([{ date: "2026-11-24", value: "10.5" }]).code, "invalid_source_data");
  const prepared = toMetricValues([{ date: "2026-11-24", value: "10.50" }], {
    ...orders,
    range: { min: 0, integers: false },
  }, window);
  assert.equal(prepared.values[0].amount, "10.5");
});

Deno.test("duplicate days and rows without a date are refused", () => {
  const error = rejected([
    { date: "2026-11-24", value: "1" },
    { date: "2026-11-24", value: "2" },
    { date: null, value: "3" },
  ]);
  assert.deepEqual(
    (error.details as { rows: { problem: string }[] }).rows.map((row) => row.problem).sort(),
    ["duplicate", "no_date"],
  );
});

Deno.test("metric declarations are validated with errors that name the field", () => {
  assert.throws(
    () => parseMetricDefinitions([{ ...DECLARED_METRICS[0], timeZone: "Mars/Olympus" }]),
    /metrics\.0\.timeZone: must be an IANA time zone/,
  );
  assert.throws(
    () =>
      parseMetricDefinitions([{
        ...DECLARED_METRICS[0],
        source: { relation: "x; drop table y", dateColumn: "d", valueColumn: "v" },
      }]),
    /metrics\.0\.source\.relation: must be a plain SQL identifier/,
  );
  assert.throws(
    () => parseMetricDefinitions([DECLARED_METRICS[0], DECLARED_METRICS[0]]),
    /declared twice/,
  );
});

Deno.test("the declared metrics are valid, and the issue-4 fields are checked too", () => {
  assert.deepEqual(parseMetricDefinitions(DECLARED_METRICS).map((m) => m.key), [
    "orders",
    "revenue",
    "active_customers",
  ]);
  const [revenue] = DECLARED_METRICS.filter((m) => m.key === "revenue");
  assert.throws(
    () => parseMetricDefinitions([{ ...revenue, missingDays: "zero" }]),
    /metrics\.0\.missingDays: missingDays "zero" needs an unlabeled source/,
  );
  assert.throws(
    () => parseMetricDefinitions([{ ...orders, range: { min: 10, max: 5 } }]),
    /metrics\.0\.range\.min: min must not be above max/,
  );
  assert.throws(
    () =>
      parseMetricDefinitions([{
        ...orders,
        vantage: { costReports: [{ token: "rprt_abc", tokenVariable: "X_REPORT" }] },
      }]),
    /metrics\.0\.vantage\.costReports\.0: give exactly one of token or tokenVariable/,
  );
  assert.throws(
    () =>
      parseMetricDefinitions([{
        ...orders,
        vantage: { costReports: [{ token: "rprt_abc", unitScale: "per_dozen" as "per_unit" }] },
      }]),
    /metrics\.0\.vantage\.costReports\.0\.unitScale/,
  );
  assert.throws(
    () => parseMetricDefinitions([{ ...orders, mode: "replace" as "mirror" }]),
    /metrics\.0\.mode/,
  );
});

Deno.test("labelled rows become one value per day and label; NULL labels are unlabeled", () => {
  const labelled = { ...orders, source: { ...orders.source, labelColumn: "region" } };
  const prepared = toMetricValues(
    [
      { date: "2026-11-24", label: "us-east", value: "10.5" },
      { date: "2026-11-24", label: "eu-west", value: "3" },
      { date: "2026-11-24", label: null, value: "1" },
      { date: "2026-11-26", label: "eu-west", value: null },
    ],
    { ...labelled, range: { min: 0, integers: false } },
    window,
  );
  assert.deepEqual(prepared.values.map((v) => [v.date, v.label, v.amount]), [
    ["2026-11-24", "", "1"],
    ["2026-11-24", "eu-west", "3"],
    ["2026-11-24", "us-east", "10.5"],
  ]);
  assert.deepEqual(prepared.missingDays, ["2026-11-25", "2026-11-26", "2026-11-27"]);
  const duplicate = rejected([
    { date: "2026-11-24", label: "eu-west", value: "1" },
    { date: "2026-11-24", label: "eu-west", value: "2" },
  ], labelled);
  assert.match(
    duplicate.message,
    /2026-11-24 \[eu-west\]: more than one row for the day and label/,
  );
});

Deno.test("the declared range bounds values: minimum, maximum", () => {
  const bounded = { ...orders, range: { min: 5, max: 100, integers: true } };
  const error = rejected([
    { date: "2026-11-24", value: "4" },
    { date: "2026-11-25", value: "101" },
    { date: "2026-11-26", value: "100" },
  ], bounded);
  assert.match(error.message, /2026-11-24: below the minimum 5 \(4\)/);
  assert.match(error.message, /2026-11-25: above the maximum 100 \(101\)/);
  assert.doesNotMatch(error.message, /2026-11-26/);
});
