import assert from "node:assert/strict";
import type { Decimal } from "../../functions/_shared/decimal.ts";
import { csvField, encodeMetricCsv } from "../../functions/_shared/export-csv.ts";
import type { MetricValue } from "../../functions/_shared/metric-values.ts";

const value = (date: string, amount: string, label = ""): MetricValue => ({
  date,
  label,
  amount: amount as Decimal,
});

Deno.test("the CSV has Vantage's header and an empty label for unlabeled values", () => {
  assert.equal(
    encodeMetricCsv([value("2024-01-01", "120"), value("2024-01-02", "0")]),
    "date,amount,label\n2024-01-01,120,\n2024-01-02,0,\n",
  );
});

Deno.test("no values still gives the header", () => {
  assert.equal(encodeMetricCsv([]), "date,amount,label\n");
});

Deno.test("amounts keep every digit", () => {
  const csv = encodeMetricCsv([
    value("2024-01-01", "9007199254740993"),
    value("2024-01-02", "0.000001"),
    value("2024-01-03", "12345678901234567890.123456789"),
  ]);
  assert.deepEqual(csv.split("\n").slice(1, 4), [
    "2024-01-01,9007199254740993,",
    "2024-01-02,0.000001,",
    "2024-01-03,12345678901234567890.123456789,",
  ]);
});

Deno.test("labels with commas, quotes or line breaks are quoted as RFC 4180 says", () => {
  assert.equal(csvField("eu-west"), "eu-west");
  assert.equal(csvField("north, east"), '"north, east"');
  assert.equal(csvField('the "big" one'), '"the ""big"" one"');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField("cr\r"), '"cr\r"');
  assert.equal(csvField(""), "");
  assert.equal(
    encodeMetricCsv([value("2024-01-01", "12.5", 'a,"b"')]),
    'date,amount,label\n2024-01-01,12.5,"a,""b"""\n',
  );
});
