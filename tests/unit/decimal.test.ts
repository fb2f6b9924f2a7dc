import assert from "node:assert/strict";
import {
  compareDecimals,
  type Decimal,
  decimalOf,
  isInteger,
  parseAmount,
} from "../../functions/_shared/decimal.ts";

Deno.test("parseAmount keeps bigint values beyond 2^53 exact", () => {
  assert.deepEqual(parseAmount("9007199254740993"), { kind: "finite", value: "9007199254740993" });
});

Deno.test("parseAmount canonicalises numeric text", () => {
  const cases: [string, string][] = [
    ["0012.500", "12.5"],
    ["42", "42"],
    ["-0", "0"],
    ["-0.000", "0"],
    ["0.10", "0.1"],
    ["1e+21", "1000000000000000000000"],
    ["1.5e-3", "0.0015"],
    [".5", "0.5"],
    ["+7", "7"],
    ["123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"],
  ];
  for (const [text, expected] of cases) {
    assert.deepEqual(parseAmount(text), { kind: "finite", value: expected }, text);
  }
});

Deno.test("parseAmount tells non-finite from not-a-number", () => {
  for (const text of ["NaN", "Infinity", "-Infinity"]) {
    assert.equal(parseAmount(text).kind, "non_finite", text);
  }
  for (const text of ["", "12abc", "1,5", "0x10", "1e999"]) {
    assert.equal(parseAmount(text).kind, "invalid", text);
  }
});

Deno.test("integrality is read from the canonical form", () => {
  const value = (text: string) => {
    const parsed = parseAmount(text);
    assert.equal(parsed.kind, "finite");
    return parsed.value;
  };
  assert.equal(isInteger(value("12.000")), true);
  assert.equal(isInteger(value("12.01")), false);
});

Deno.test("compareDecimals orders exactly, beyond what a double can tell apart", () => {
  const d = (text: string) => text as Decimal;
  assert.equal(compareDecimals(d("-0.5"), d("0")), -1);
  assert.equal(compareDecimals(d("10"), d("9.99")), 1);
  assert.equal(compareDecimals(d("-10"), d("-9.99")), -1);
  assert.equal(compareDecimals(d("1.50"), d("1.5")), 0);
  assert.equal(compareDecimals(d("9007199254740993"), d("9007199254740992")), 1);
  assert.equal(compareDecimals(d("0.1000000000000000001"), d("0.1")), 1);
  assert.equal(decimalOf(-2.5), "-2.5");
});
