/**
 * Exact decimal arithmetic for amounts. Vantage returns amounts as strings "to ensure
 * precision", so the emulator never routes an amount through a float.
 *
 * @module
 */

/**
 * An exact decimal number: `units / 10^scale`.
 *
 * @example
 * ```ts
 * const price: Decimal = { units: 12345n, scale: 2 }; // 123.45
 * ```
 */
export interface Decimal {
  /** The digits, as an integer. */
  readonly units: bigint;
  /** How many of those digits are after the decimal point (never negative). */
  readonly scale: number;
}

const DECIMAL_PATTERN = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
// "1e999999999" is a valid JSON number; refusing huge exponents keeps BigInts small.
const MAX_EXPONENT = 400;

/**
 * Parses a decimal literal (JSON number syntax, leading zeros allowed) without rounding.
 *
 * @example
 * ```ts
 * parseDecimal("9007199254740993"); // { units: 9007199254740993n, scale: 0 }
 * parseDecimal("1.50e2"); // { units: 150n, scale: 0 }
 * parseDecimal("abc"); // undefined
 * ```
 */
export function parseDecimal(text: string): Decimal | undefined {
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = "", exponentText = "0"] = match;
  const exponent = Number(exponentText);
  if (Math.abs(exponent) > MAX_EXPONENT) return undefined;
  const digits = BigInt(whole + fraction);
  const scale = fraction.length - exponent;
  const units = scale < 0 ? digits * 10n ** BigInt(-scale) : digits;
  return normalize({ units: sign ? -units : units, scale: Math.max(scale, 0) });
}

/**
 * Formats like Vantage (Ruby `BigDecimal#to_s("F")`): no exponent, trailing zeros dropped,
 * at least one fractional digit.
 *
 * @example
 * ```ts
 * formatDecimal({ units: 300n, scale: 0 }); // "300.0"
 * formatDecimal({ units: 12345n, scale: 2 }); // "123.45"
 * ```
 */
export function formatDecimal(value: Decimal): string {
  const { units, scale } = normalize(value);
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? digits.slice(digits.length - scale) : "0";
  return `${units < 0n ? "-" : ""}${whole}.${fraction}`;
}

/**
 * Normalises a decimal literal to the canonical string form used in responses.
 *
 * @example
 * ```ts
 * canonicalDecimal("1512"); // "1512.0"
 * canonicalDecimal("0.10"); // "0.1"
 * ```
 */
export function canonicalDecimal(text: string): string | undefined {
  const value = parseDecimal(text);
  return value && formatDecimal(value);
}

/**
 * Adds decimals exactly.
 *
 * @example
 * ```ts
 * formatDecimal(sumDecimals([{ units: 1n, scale: 1 }, { units: 2n, scale: 0 }])); // "2.1"
 * ```
 */
export function sumDecimals(values: Iterable<Decimal>): Decimal {
  let total: Decimal = { units: 0n, scale: 0 };
  for (const value of values) {
    const scale = Math.max(total.scale, value.scale);
    total = { units: rescale(total, scale) + rescale(value, scale), scale };
  }
  return normalize(total);
}

/**
 * Multiplies a decimal by an integer exactly.
 *
 * @example
 * ```ts
 * formatDecimal(multiplyDecimal({ units: 15n, scale: 1 }, 1000n)); // "1500.0"
 * ```
 */
export function multiplyDecimal(value: Decimal, factor: bigint): Decimal {
  return normalize({ units: value.units * factor, scale: value.scale });
}

/**
 * Divides, rounding half away from zero to `fractionDigits` places. The divisor must not be zero.
 *
 * @example
 * ```ts
 * formatDecimal(divideDecimals({ units: 2n, scale: 0 }, { units: 3n, scale: 0 }, 4)); // "0.6667"
 * ```
 */
export function divideDecimals(
  dividend: Decimal,
  divisor: Decimal,
  fractionDigits: number,
): Decimal {
  // (a / 10^sa) / (b / 10^sb) * 10^p = a * 10^(sb + p) / (b * 10^sa)
  let numerator = dividend.units * 10n ** BigInt(divisor.scale + fractionDigits);
  let denominator = divisor.units * 10n ** BigInt(dividend.scale);
  if (denominator < 0n) [numerator, denominator] = [-numerator, -denominator];
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const rounded = (magnitude * 2n + denominator) / (denominator * 2n);
  return normalize({ units: negative ? -rounded : rounded, scale: fractionDigits });
}

/**
 * True when the decimal is zero.
 *
 * @example
 * ```ts
 * isZeroDecimal({ units: 0n, scale: 3 }); // true
 * ```
 */
export function isZeroDecimal(value: Decimal): boolean {
  return value.units === 0n;
}

function rescale(value: Decimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

function normalize(value: Decimal): Decimal {
  let { units, scale } = value;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}
