import assert from "node:assert/strict";
import {
  addDays,
  dayCount,
  eachDay,
  isIsoDate,
  isTimeZone,
  todayIn,
} from "../../functions/_shared/dates.ts";
import { AppError } from "../../functions/_shared/errors.ts";
import { coveringWindow, resolveWindow } from "../../functions/_shared/window.ts";

const utcMetric = { key: "orders", timeZone: "UTC", lookbackDays: 7 };

Deno.test("isIsoDate accepts real calendar dates only", () => {
  assert.equal(isIsoDate("2024-02-29"), true);
  assert.equal(isIsoDate("2026-02-29"), false);
  assert.equal(isIsoDate("2026-2-01"), false);
  assert.equal(isIsoDate("2026-13-01"), false);
});

Deno.test("date arithmetic crosses months, years and leap days", () => {
  assert.equal(addDays("2024-03-01", -1), "2024-02-29");
  assert.equal(addDays("2026-12-31", 1), "2027-01-01");
  assert.deepEqual(eachDay("2026-01-30", "2026-02-01"), ["2026-01-30", "2026-01-31", "2026-02-01"]);
  assert.equal(dayCount("2026-01-01", "2026-12-31"), 365);
  assert.equal(dayCount("2026-01-02", "2026-01-01"), 0);
});

Deno.test("todayIn gives the calendar date in the zone, not UTC", () => {
  const instant = Date.parse("2026-03-01T05:00:00Z");
  assert.equal(todayIn("UTC", instant), "2026-03-01");
  assert.equal(todayIn("America/Los_Angeles", instant), "2026-02-28");
  assert.equal(todayIn("Pacific/Kiritimati", Date.parse("2026-02-28T11:00:00Z")), "2026-03-01");
  assert.equal(isTimeZone("Europe/Berlin"), true);
  assert.equal(isTimeZone("Mars/Olympus"), false);
});

Deno.test("the default window is the last lookbackDays complete days, ending yesterday", () => {
  const now = Date.parse("2026-11-28T00:30:00Z");
  assert.deepEqual(resolveWindow({}, utcMetric, now), { from: "2026-11-21", to: "2026-11-27" });
});

Deno.test("the default window follows the metric's time zone", () => {
  // 05:00 UTC on Nov 28 is still Nov 27 in Los Angeles: yesterday there is Nov 26.
  const now = Date.parse("2026-11-28T05:00:00Z");
  const metric = { ...utcMetric, timeZone: "America/Los_Angeles", lookbackDays: 3 };
  assert.deepEqual(resolveWindow({}, metric, now), { from: "2026-11-24", to: "2026-11-26" });
});

Deno.test("today may be asked for explicitly; tomorrow is refused with date_in_future", () => {
  const now = Date.parse("2026-11-28T12:00:00Z");
  assert.deepEqual(resolveWindow({ date: "2026-11-28" }, utcMetric, now), {
    from: "2026-11-28",
    to: "2026-11-28",
  });
  assert.throws(
    () => resolveWindow({ from: "2026-11-20", to: "2026-11-29" }, utcMetric, now),
    (error: unknown) =>
      error instanceof AppError && error.code === "date_in_future" && error.status === 400,
  );
});

Deno.test("windows longer than ten years are refused", () => {
  const now = Date.parse("2026-11-28T12:00:00Z");
  assert.throws(
    () => resolveWindow({ from: "2000-01-01", to: "2026-11-27" }, utcMetric, now),
    (error: unknown) => error instanceof AppError && error.code === "invalid_body",
  );
});

Deno.test("coveringWindow spans every metric's window", () => {
  assert.deepEqual(
    coveringWindow([{ from: "2026-01-02", to: "2026-01-05" }, {
      from: "2026-01-01",
      to: "2026-01-03",
    }]),
    { from: "2026-01-01", to: "2026-01-05" },
  );
  assert.equal(coveringWindow([]), undefined);
});
