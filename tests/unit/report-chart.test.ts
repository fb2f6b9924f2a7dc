import assert from "node:assert/strict";
import { renderUnitCostChart } from "../../functions/_shared/report/chart.ts";
import { niceCeiling } from "../../functions/_shared/report/chart-scales.ts";
import type { UnitCostDay } from "../../functions/_shared/unit-costs/model.ts";
import { eachDay } from "../../functions/_shared/dates.ts";
import {
  makeDay,
  makeSeries,
  MISSING_AMOUNT_DAY,
  PROVISIONAL_DAYS,
  sampleReport,
  SPIKE_DAY,
} from "../browser/fixture.ts";

const OPTIONS = { title: "Cost per order", metricTitle: "Orders" };

/** The opening tags of elements carrying `className`. */
function tags(svg: string, className: string): string[] {
  return [...svg.matchAll(/<[a-z]+ [^>]*>/g)].map((match) => match[0])
    .filter((tag) => new RegExp(`class="([^"]* )?${className}( [^"]*)?"`).test(tag));
}

/** The `data-date` of each element carrying `className`. */
function dates(svg: string, className: string): string[] {
  return tags(svg, className).map((tag) => /data-date="([^"]+)"/.exec(tag)?.[1] ?? "?");
}

function anomaly(direction: "up" | "down", changePercent: number): UnitCostDay["anomaly"] {
  return { direction, baseline: 0.5, score: direction === "up" ? 6 : -6, changePercent };
}

Deno.test("one cost-per-unit point per day that has one, and none for null days", () => {
  const series = sampleReport().series[0];
  const svg = renderUnitCostChart(series, OPTIONS);
  const expected = series.days.filter((day) => day.costPerUnit !== null).map((day) => day.date);
  assert.equal(expected.length, 29);
  assert.deepEqual(dates(svg, "cpu-point"), expected);
  assert.ok(!dates(svg, "cpu-point").includes(MISSING_AMOUNT_DAY));
});

Deno.test("a null cost per unit breaks the line into a gap instead of dropping to zero", () => {
  const days = eachDay("2026-03-02", "2026-03-08").map((date, index) =>
    makeDay(date, index === 3 ? { amount: null, costPerUnit: null } : {})
  );
  const svg = renderUnitCostChart(makeSeries(days), OPTIONS);
  const path = /<path class="cpu-line" d="([^"]+)"/.exec(svg)![1];
  assert.equal(path.match(/M/g)?.length, 2, "two runs: before and after the gap");
  assert.equal(path.match(/L/g)?.length, 4, "three points then three points: four segments");
  assert.equal(tags(svg, "cpu-point").length, 6);
});

Deno.test("anomaly marks sit on exactly the anomalous days, with their direction", () => {
  const days = eachDay("2026-03-02", "2026-03-15").map((date) =>
    makeDay(
      date,
      date === "2026-03-05"
        ? { costPerUnit: 1.2, anomaly: anomaly("up", 140) }
        : date === "2026-03-11"
        ? { costPerUnit: 0.2, anomaly: anomaly("down", -60) }
        : {},
    )
  );
  const svg = renderUnitCostChart(makeSeries(days), OPTIONS);
  assert.deepEqual(dates(svg, "anomaly-mark"), ["2026-03-05", "2026-03-11"]);
  assert.match(tags(svg, "anomaly-mark")[0], /data-direction="up"/);
  assert.match(tags(svg, "anomaly-mark")[1], /data-direction="down"/);
  assert.match(svg, />Mar 5 \+140%</);
  assert.match(svg, />Mar 11 −60%</);
  assert.match(svg, /data-kind="rise"/);
  assert.match(svg, /data-kind="fall"/);
});

Deno.test("the sample's spike is the only anomaly mark", () => {
  const svg = renderUnitCostChart(sampleReport().series[0], OPTIONS);
  assert.deepEqual(dates(svg, "anomaly-mark"), [SPIKE_DAY]);
});

Deno.test("weekends are shaded, one stripe per weekend day", () => {
  const series = sampleReport().series[0];
  const svg = renderUnitCostChart(series, OPTIONS);
  const weekends = series.days.filter((day) => day.weekend).map((day) => day.date);
  assert.equal(weekends.length, 9);
  assert.deepEqual(dates(svg, "weekend"), weekends);
});

Deno.test("provisional days are hatched bars and hollow points, and the legend says so", () => {
  const svg = renderUnitCostChart(sampleReport().series[0], { ...OPTIONS, id: "c" });
  const provisionalBars = tags(svg, "cost-bar").filter((tag) => tag.includes("data-provisional"));
  assert.deepEqual(provisionalBars.map((tag) => /data-date="([^"]+)"/.exec(tag)![1]), [
    ...PROVISIONAL_DAYS,
  ]);
  assert.ok(provisionalBars.every((tag) => tag.includes('fill="url(#c-hatch)"')));
  const hollow = tags(svg, "cpu-point").filter((tag) => tag.includes('data-provisional="true"'));
  assert.equal(hollow.length, 2);
  assert.ok(hollow.every((tag) => tag.includes('fill="#ffffff"')));
  assert.match(svg, /data-kind="provisional"/);
  assert.match(svg, /<pattern id="c-hatch"/);
});

Deno.test("one bar per day with a cost; none for a day without one", () => {
  const days = eachDay("2026-03-02", "2026-03-06").map((date, index) =>
    makeDay(date, index === 2 ? { cost: null, costPerUnit: null } : {})
  );
  const svg = renderUnitCostChart(makeSeries(days), OPTIONS);
  assert.deepEqual(dates(svg, "cost-bar"), [
    "2026-03-02",
    "2026-03-03",
    "2026-03-05",
    "2026-03-06",
  ]);
});

Deno.test("hostile titles and labels are escaped", () => {
  const hostile = `</title><script>alert("x")</script> & 'q'`;
  const series = makeSeries([makeDay("2026-03-02")], { currency: "USD" });
  const svg = renderUnitCostChart(series, { title: hostile, metricTitle: `<b>"Orders"</b> & co` });
  assert.ok(!svg.includes("<script"), "no script element");
  assert.ok(!svg.includes("<b>"), "no markup from the metric title");
  assert.match(
    svg,
    /&lt;\/title&gt;&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &#39;q&#39;/,
  );
  assert.match(svg, /&lt;b&gt;&quot;Orders&quot;&lt;\/b&gt; &amp; co/);
});

Deno.test("screen readers get a title and a summary, linked from the svg", () => {
  const svg = renderUnitCostChart(sampleReport().series[0], { ...OPTIONS, id: "s1" });
  assert.match(svg, /^<svg [^>]*role="img"/);
  assert.match(svg, /aria-labelledby="s1-title s1-desc"/);
  assert.match(svg, /<title id="s1-title">Cost per order<\/title>/);
  const desc = /<desc id="s1-desc">([^<]+)<\/desc>/.exec(svg)![1];
  assert.match(desc, /^Cost per order from Mar 1 to Mar 30, 2026: median \$0\.\d{3}/);
  assert.match(desc, /1 anomaly: Mar 18, up 112%\./);
  assert.match(desc, /2 provisional days \(Mar 29, Mar 30\)/);
  assert.match(desc, /No cost per order on Mar 10\./);
});

Deno.test("axes are labelled in currency and grouped numbers, dates thinned to Mondays", () => {
  const svg = renderUnitCostChart(sampleReport().series[0], OPTIONS);
  for (const label of ["$0", "$1,000", "$2,000", "$3,000", "$0.40", "$1.00", "3,000"]) {
    assert.ok(svg.includes(`>${label}</text>`), `tick ${label}`);
  }
  assert.deepEqual(dates(svg, "x-tick"), [
    "2026-03-02",
    "2026-03-09",
    "2026-03-16",
    "2026-03-23",
    "2026-03-30",
  ]);
  const wide = renderUnitCostChart(sampleReport().series[0], { ...OPTIONS, width: 1400 });
  assert.deepEqual(
    dates(wide, "x-tick"),
    eachDay("2026-03-01", "2026-03-30").filter((_, i) => i % 2 === 0),
  );
});

Deno.test("a short window labels every day; scales follow the series' currency and unit scale", () => {
  const days = eachDay("2026-03-02", "2026-03-06").map((date) => makeDay(date, { cost: 12_500 }));
  const svg = renderUnitCostChart(
    makeSeries(days, { currency: "EUR", scale: 1000, unitScale: "per_thousand" }),
    OPTIONS,
  );
  assert.equal(tags(svg, "x-tick").length, 5);
  assert.ok(svg.includes(">€15K</text>"), "compact euro ticks");
  assert.match(svg, /Cost per 1,000 orders \(EUR\)/);
});

Deno.test("a narrow chart uses larger type relative to its width", () => {
  const series = sampleReport().series[0];
  assert.match(renderUnitCostChart(series, OPTIONS), /^<svg [^>]*font-size="12"/);
  const narrow = renderUnitCostChart(series, { ...OPTIONS, width: 380, height: 470 });
  assert.match(narrow, /^<svg [^>]*viewBox="0 0 380 470"/);
  assert.match(narrow, /^<svg [^>]*font-size="13"/);
  assert.equal(tags(narrow, "cpu-point").length, 29);
});

Deno.test("no data renders a clear message instead of a broken chart", () => {
  for (
    const days of [
      [],
      [makeDay("2026-03-02", { cost: null, amount: null, costPerUnit: null })],
    ]
  ) {
    const svg = renderUnitCostChart(makeSeries(days), OPTIONS);
    assert.match(svg, /role="img"/);
    assert.match(svg, />No data for this window</);
    assert.match(svg, /<desc [^>]*>No data: there are no costs and no amounts/);
    assert.equal(tags(svg, "cpu-point").length, 0);
    assert.equal(tags(svg, "cost-bar").length, 0);
    assert.ok(!svg.includes("NaN"));
  }
});

Deno.test("costs without amounts keep their bars and say why there is no cost per unit", () => {
  const days = eachDay("2026-03-02", "2026-03-04").map((date) =>
    makeDay(date, { amount: null, costPerUnit: null })
  );
  const svg = renderUnitCostChart(makeSeries(days), OPTIONS);
  assert.equal(tags(svg, "cost-bar").length, 3);
  assert.equal(tags(svg, "cpu-point").length, 0);
  assert.match(svg, />No cost per order: there are no amounts</);
  assert.match(
    svg,
    /<desc [^>]*>No cost per order from Mar 2 to Mar 4, 2026: there are no amounts\./,
  );
  assert.ok(!svg.includes("NaN"));
});

Deno.test("amounts without costs say that costs are missing", () => {
  const days = eachDay("2026-03-02", "2026-03-04").map((date) =>
    makeDay(date, { cost: null, costPerUnit: null })
  );
  const svg = renderUnitCostChart(makeSeries(days), OPTIONS);
  assert.match(svg, />No cost per order: there are no costs</);
  assert.match(svg, /class="amount-line"/);
});

Deno.test("a flat series still gets a sensible axis", () => {
  const days = eachDay("2026-03-02", "2026-03-04").map((date) => makeDay(date));
  const svg = renderUnitCostChart(makeSeries(days), OPTIONS);
  assert.ok(!svg.includes("NaN") && !svg.includes("Infinity"));
  assert.ok(svg.includes(">$0.50</text>"));
});

Deno.test("niceCeiling rounds up to 1, 2, 2.5 or 5 times a power of ten", () => {
  assert.equal(niceCeiling(730), 1000);
  assert.equal(niceCeiling(1000), 1000);
  assert.equal(niceCeiling(0.21), 0.25);
  assert.equal(niceCeiling(1.5), 2);
  assert.equal(niceCeiling(0), 1);
});
