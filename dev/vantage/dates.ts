/**
 * Calendar days as `YYYY-MM-DD` strings (UTC). Strings compare in date order, so the store and
 * the cost generator never juggle `Date` objects.
 *
 * @module
 */

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses `YYYY-MM-DD` or an RFC 3339 date-time into epoch milliseconds, rejecting impossible
 * dates such as 2024-02-30. `dateOnly` tells which form it was.
 *
 * @example
 * ```ts
 * parseInstant("2024-01-02"); // { ms: 1704153600000, dateOnly: true }
 * parseInstant("2024-01-02T05:00:00+05:00"); // { ms: 1704153600000, dateOnly: false }
 * parseInstant("2024-02-30"); // undefined
 * ```
 */
export function parseInstant(text: string): { ms: number; dateOnly: boolean } | undefined {
  const date = DATE_ONLY.exec(text);
  if (date) {
    const ms = calendarMs(date[1], date[2], date[3]);
    return ms === undefined ? undefined : { ms, dateOnly: true };
  }
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, zulu, sign, offsetHour, offsetMinute] = match;
  const midnight = calendarMs(year, month, day);
  if (midnight === undefined || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
    return undefined;
  }
  const offsetMinutes = zulu ? 0 : (Number(offsetHour) * 60 + Number(offsetMinute));
  if (!zulu && (Number(offsetHour) > 23 || Number(offsetMinute) > 59)) return undefined;
  const local = midnight + ((Number(hour) * 60 + Number(minute)) * 60 + Number(second)) * 1000;
  return { ms: local - (sign === "-" ? -offsetMinutes : offsetMinutes) * 60_000, dateOnly: false };
}

/**
 * The UTC day of a date or date-time string, or `undefined` when it is not one.
 *
 * @example
 * ```ts
 * parseDay("2024-02-01T23:30:00-05:00"); // "2024-02-02"
 * parseDay("2024-13-01"); // undefined
 * ```
 */
export function parseDay(text: string): string | undefined {
  const instant = parseInstant(text);
  return instant && utcDay(instant.ms);
}

/**
 * The strict `YYYY-MM-DD` form only (the CSV upload allows nothing else).
 *
 * @example
 * ```ts
 * parseStrictDay("2024-03-01"); // "2024-03-01"
 * parseStrictDay("2024-03-01T00:00:00Z"); // undefined
 * ```
 */
export function parseStrictDay(text: string): string | undefined {
  return parseInstant(text)?.dateOnly ? text : undefined;
}

/**
 * The UTC day containing an epoch-milliseconds instant.
 *
 * @example
 * ```ts
 * utcDay(Date.UTC(2024, 0, 3, 12)); // "2024-01-03"
 * ```
 */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Epoch milliseconds of a day's UTC midnight.
 *
 * @example
 * ```ts
 * dayMs("1970-01-02"); // 86400000
 * ```
 */
export function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/**
 * The day `count` days after (or before, when negative) `day`.
 *
 * @example
 * ```ts
 * addDays("2024-02-28", 2); // "2024-03-01"
 * ```
 */
export function addDays(day: string, count: number): string {
  return utcDay(dayMs(day) + count * DAY_MS);
}

/**
 * The first day of the day's month.
 *
 * @example
 * ```ts
 * monthStart("2024-02-17"); // "2024-02-01"
 * ```
 */
export function monthStart(day: string): string {
  return `${day.slice(0, 8)}01`;
}

/**
 * The last day of the day's month.
 *
 * @example
 * ```ts
 * monthEnd("2024-02-17"); // "2024-02-29"
 * ```
 */
export function monthEnd(day: string): string {
  const date = new Date(dayMs(monthStart(day)));
  return utcDay(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0));
}

/**
 * True on Saturdays and Sundays.
 *
 * @example
 * ```ts
 * isWeekend("2024-01-06"); // true (a Saturday)
 * ```
 */
export function isWeekend(day: string): boolean {
  const weekday = new Date(dayMs(day)).getUTCDay();
  return weekday === 0 || weekday === 6;
}

function calendarMs(year: string, month: string, day: string): number | undefined {
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day));
  return utcDay(ms) === `${year}-${month}-${day}` ? ms : undefined;
}

/**
 * The date bins the emulator aggregates by.
 *
 * @example
 * ```ts
 * DATE_BINS.includes("month"); // true
 * ```
 */
export const DATE_BINS = ["day", "month"] as const;

/**
 * A date bin.
 *
 * @example
 * ```ts
 * const bin: DateBin = "month";
 * ```
 */
export type DateBin = typeof DATE_BINS[number];

/**
 * The first day of the bin containing `day`.
 *
 * @example
 * ```ts
 * binStart("2024-02-17", "month"); // "2024-02-01"
 * ```
 */
export function binStart(day: string, bin: DateBin): string {
  return bin === "month" ? monthStart(day) : day;
}
