/**
 * Calendar days as `YYYY-MM-DD` strings, and "today" in a metric's time zone. A day is complete
 * once its last instant has passed in that zone; only complete days are synced unless a caller
 * names a day explicitly.
 *
 * @module
 */

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * True when `text` is a real calendar date in `YYYY-MM-DD` form (2026-02-30 is not).
 *
 * @example
 * ```ts
 * isIsoDate("2026-02-28"); // true
 * isIsoDate("2026-02-30"); // false
 * ```
 */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  // setUTCFullYear, not Date.UTC, which reads the years 0 to 99 as 1900 to 1999.
  const date = new Date(0);
  date.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return date.toISOString().slice(0, 10) === text;
}

/**
 * The date `days` days after `date` (before, when negative).
 *
 * @example
 * ```ts
 * addDays("2026-03-01", -1); // "2026-02-28"
 * ```
 */
export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Every date from `from` to `to`, both included, in order.
 *
 * @example
 * ```ts
 * eachDay("2026-01-30", "2026-02-01"); // ["2026-01-30", "2026-01-31", "2026-02-01"]
 * ```
 */
export function eachDay(from: IsoDate, to: IsoDate): IsoDate[] {
  const days: IsoDate[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * Number of days from `from` to `to`, both included (0 when `to` is before `from`).
 *
 * @example
 * ```ts
 * dayCount("2026-01-01", "2026-01-07"); // 7
 * ```
 */
export function dayCount(from: IsoDate, to: IsoDate): number {
  return Math.max(
    0,
    Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1,
  );
}

/**
 * True when `timeZone` is an IANA time zone name this runtime knows.
 *
 * @example
 * ```ts
 * isTimeZone("Europe/Berlin"); // true
 * isTimeZone("Mars/Olympus");  // false
 * ```
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-CA", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The calendar date at instant `nowMs` in `timeZone`.
 *
 * @example
 * ```ts
 * todayIn("America/Los_Angeles", Date.parse("2026-03-01T05:00:00Z")); // "2026-02-28"
 * ```
 */
export function todayIn(timeZone: string, nowMs: number): IsoDate {
  const parts = dayFormatter(timeZone).formatToParts(new Date(nowMs));
  const part = (type: string) => parts.find((p) => p.type === type)?.value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

// Building an Intl.DateTimeFormat costs a fraction of a millisecond; a sync asks several times.
const dayFormatters = new Map<string, Intl.DateTimeFormat>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = dayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    dayFormatters.set(timeZone, formatter);
  }
  return formatter;
}
