/**
 * How the report writes numbers, money and dates: one place, so the chart's axes, its screen
 * reader summary and the table agree. English (US) conventions; days are calendar days, so they
 * are formatted in UTC and never shift with the server's zone.
 *
 * @module
 */
import type { IsoDate } from "../dates.ts";

const LOCALE = "en-US";
const SCALE_WORDS: Record<number, string> = {
  1: "",
  100: "100",
  1000: "1,000",
  1_000_000: "1 million",
  1_000_000_000: "1 billion",
};

/**
 * Money in `currency`, with `digits` decimals (default 2); `compact` writes 12,300 as "$12.3K".
 * An unknown currency code falls back to the number followed by the code.
 *
 * @example
 * ```ts
 * formatMoney(1234.5, "USD"); // "$1,234.50"
 * formatMoney(12300, "USD", { compact: true }); // "$12.3K"
 * formatMoney(3, "EUR", { digits: 0 }); // "€3"
 * ```
 */
export function formatMoney(
  value: number,
  currency: string,
  options: { digits?: number; compact?: boolean } = {},
): string {
  const digits = options.digits ?? 2;
  const shape: Intl.NumberFormatOptions = options.compact
    ? { notation: "compact", maximumFractionDigits: 1 }
    : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  try {
    return new Intl.NumberFormat(LOCALE, { style: "currency", currency, ...shape }).format(value);
  } catch {
    // Intl refuses malformed codes; the figure still deserves to be shown.
    return `${new Intl.NumberFormat(LOCALE, shape).format(value)} ${currency}`;
  }
}

/**
 * A cost per unit: cents for a dollar or more, three significant digits below that, so that
 * $0.0042 per page view does not read as $0.00.
 *
 * @example
 * ```ts
 * formatCostPerUnit(0.4567, "USD"); // "$0.457"
 * formatCostPerUnit(12.345, "USD"); // "$12.35"
 * formatCostPerUnit(0.004213, "USD"); // "$0.00421"
 * ```
 */
export function formatCostPerUnit(value: number, currency: string): string {
  const size = Math.abs(value);
  const digits = size >= 1 || size === 0 ? 2 : Math.min(6, 2 - Math.floor(Math.log10(size)));
  return formatMoney(value, currency, { digits });
}

/**
 * A metric amount: grouped, at most two decimals.
 *
 * @example
 * ```ts
 * formatAmount(12345); // "12,345"
 * formatAmount(2.5); // "2.5"
 * ```
 */
export function formatAmount(value: number): string {
  return new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 }).format(value);
}

/**
 * An axis tick for amounts: compact from ten thousand up.
 *
 * @example
 * ```ts
 * formatAmountTick(2500); // "2,500"
 * formatAmountTick(25000); // "25K"
 * ```
 */
export function formatAmountTick(value: number): string {
  const compact = Math.abs(value) >= 10_000;
  return new Intl.NumberFormat(LOCALE, compact ? { notation: "compact" } : {}).format(value);
}

/**
 * A money axis tick: as many decimals as the tick step needs, compact from ten thousand up.
 *
 * @example
 * ```ts
 * formatMoneyTick(0.25, 0.05, "USD"); // "$0.25"
 * formatMoneyTick(1500, 500, "USD"); // "$1,500"
 * formatMoneyTick(20000, 5000, "USD"); // "$20K"
 * ```
 */
export function formatMoneyTick(value: number, step: number, currency: string): string {
  if (Math.abs(value) >= 10_000) return formatMoney(value, currency, { compact: true });
  // A step of 0.05 needs cents, 0.002 a tenth of a cent; money never shows one decimal.
  const digits = step >= 1 ? 0 : Math.min(6, Math.max(2, Math.ceil(-Math.log10(step) - 1e-9)));
  return formatMoney(value, currency, { digits });
}

/**
 * A day as a short label.
 *
 * @example
 * ```ts
 * formatDay("2026-03-07"); // "Mar 7"
 * ```
 */
export function formatDay(date: IsoDate): string {
  return dateFormat({ month: "short", day: "numeric" }).format(parse(date));
}

/**
 * A day with its year.
 *
 * @example
 * ```ts
 * formatLongDay("2026-03-07"); // "Mar 7, 2026"
 * ```
 */
export function formatLongDay(date: IsoDate): string {
  return dateFormat({ month: "short", day: "numeric", year: "numeric" }).format(parse(date));
}

/**
 * A window of days, the year written once when both ends share it.
 *
 * @example
 * ```ts
 * formatWindow("2026-03-01", "2026-03-30"); // "Mar 1 – Mar 30, 2026"
 * formatWindow("2025-12-20", "2026-01-05"); // "Dec 20, 2025 – Jan 5, 2026"
 * ```
 */
export function formatWindow(from: IsoDate, to: IsoDate): string {
  const start = from.slice(0, 4) === to.slice(0, 4) ? formatDay(from) : formatLongDay(from);
  return `${start} – ${formatLongDay(to)}`;
}

/**
 * The weekday's short name.
 *
 * @example
 * ```ts
 * weekday("2026-03-07"); // "Sat"
 * ```
 */
export function weekday(date: IsoDate): string {
  return dateFormat({ weekday: "short" }).format(parse(date));
}

/**
 * What one "unit" is, from the metric's title and unit scale: "order" for Orders per unit,
 * "1,000 page views" per thousand. Acronyms keep their capitals.
 *
 * @example
 * ```ts
 * unitName("Orders", 1); // "order"
 * unitName("Page views", 1000); // "1,000 page views"
 * unitName("API calls", 1); // "API call"
 * ```
 */
export function unitName(metricTitle: string, scale: number): string {
  const trimmed = metricTitle.trim() || "units";
  const title = /^[A-Z][a-z]/.test(trimmed) ? trimmed[0].toLowerCase() + trimmed.slice(1) : trimmed;
  if (scale !== 1) return `${SCALE_WORDS[scale] ?? formatAmount(scale)} ${title}`;
  return /[^s]s$/.test(title) ? title.slice(0, -1) : title;
}

function parse(date: IsoDate): Date {
  return new Date(`${date}T00:00:00Z`);
}

function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: "UTC" });
}
