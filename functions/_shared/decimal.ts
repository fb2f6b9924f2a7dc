/**
 * Exact decimal amounts as canonical strings. Postgres `bigint` and `numeric` values are read as
 * text and never pass through a JavaScript number, so 9007199254740993 stays 9007199254740993 all
 * the way into the JSON sent to Vantage.
 *
 * @module
 */

/** A finite decimal in canonical form: no leading zeros, no trailing fractional zeros, no `+`, `-0` is `0`. */
export type Decimal = string & { readonly __decimal: unique symbol };

/** What a text value from the source turned out to be. */
export type ParsedAmount =
  | { kind: "finite"; value: Decimal }
  | { kind: "non_finite"; text: string }
  | { kind: "invalid"; text: string };

const NUMBER_PATTERN =
  /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$|^([+-]?)\.(\d+)(?:[eE]([+-]?\d+))?$/;
const NON_FINITE = new Set(["nan", "infinity", "+infinity", "-infinity", "inf", "+inf", "-inf"]);
// An exponent this large means a value no business metric has; refuse rather than build a huge string.
const MAX_EXPONENT = 400;

/**
 * Parses a number's text (as Postgres prints int, bigint, numeric or float8) into an exact decimal.
 *
 * @example
 * ```ts
 * parseAmount("0012.500"); // { kind: "finite", value: "12.5" }
 * parseAmount("NaN");      // { kind: "non_finite", text: "NaN" }
 * parseAmount("1e+21");    // { kind: "finite", value: "1000000000000000000000" }
 * ```
 */
export function parseAmount(text: string): ParsedAmount {
  const trimmed = text.trim();
  if (NON_FINITE.has(trimmed.toLowerCase())) return { kind: "non_finite", text: trimmed };
  const match = NUMBER_PATTERN.exec(trimmed);
  if (!match) return { kind: "invalid", text: trimmed };
  const sign = match[1] ?? match[5] ?? "";
  const integerPart = match[2] ?? "0";
  const fractionPart = match[3] ?? match[6] ?? "";
  const exponent = Number(match[4] ?? match[7] ?? "0");
  if (Math.abs(exponent) > MAX_EXPONENT) return { kind: "invalid", text: trimmed };
  return {
    kind: "finite",
    value: normalize(sign === "-", integerPart + fractionPart, integerPart.length + exponent),
  };
}

/** Builds the canonical string of ±0.digits × 10^pointPosition (point after `pointPosition` digits). */
function normalize(negative: boolean, digits: string, pointPosition: number): Decimal {
  let integer: string;
  let fraction: string;
  if (pointPosition <= 0) {
    integer = "0";
    fraction = "0".repeat(-pointPosition) + digits;
  } else if (pointPosition >= digits.length) {
    integer = digits + "0".repeat(pointPosition - digits.length);
    fraction = "";
  } else {
    integer = digits.slice(0, pointPosition);
    fraction = digits.slice(pointPosition);
  }
  integer = integer.replace(/^0+(?=\d)/, "");
  fraction = fraction.replace(/0+$/, "");
  const magnitude = fraction ? `${integer}.${fraction}` : integer;
  const isZero = /^0(\.0*)?$/.test(magnitude);
  return (negative && !isZero ? `-${magnitude}` : magnitude) as Decimal;
}

/**
 * Compares two decimals exactly: -1 when `a < b`, 0 when equal, 1 when `a > b`.
 *
 * @example
 * ```ts
 * compareDecimals("-0.5" as Decimal, "0" as Decimal); // -1
 * compareDecimals("10" as Decimal, "9.99" as Decimal); // 1
 * ```
 */
export function compareDecimals(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const negativeA = a.startsWith("-");
  const negativeB = b.startsWith("-");
  if (negativeA !== negativeB) return negativeA ? -1 : 1;
  const magnitude = compareMagnitudes(negativeA ? a.slice(1) : a, negativeB ? b.slice(1) : b);
  return (negativeA ? -magnitude : magnitude) as -1 | 0 | 1;
}

function compareMagnitudes(a: string, b: string): number {
  const [integerA, fractionA = ""] = a.split(".");
  const [integerB, fractionB = ""] = b.split(".");
  if (integerA.length !== integerB.length) return integerA.length < integerB.length ? -1 : 1;
  const width = Math.max(fractionA.length, fractionB.length);
  const digitsA = integerA + fractionA.padEnd(width, "0");
  const digitsB = integerB + fractionB.padEnd(width, "0");
  return digitsA === digitsB ? 0 : digitsA < digitsB ? -1 : 1;
}

/**
 * The canonical decimal of a finite JavaScript number (for limits written in declarations).
 *
 * @example
 * ```ts
 * decimalOf(0); // "0"
 * ```
 */
export function decimalOf(value: number): Decimal {
  const parsed = parseAmount(String(value));
  if (parsed.kind !== "finite") throw new RangeError(`not a finite number: ${value}`);
  return parsed.value;
}

/**
 * True when the decimal has no fractional part.
 *
 * @example
 * ```ts
 * isInteger("12" as Decimal); // true
 * ```
 */
export function isInteger(value: Decimal): boolean {
  return !value.includes(".");
}
