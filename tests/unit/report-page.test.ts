import assert from "node:assert/strict";
import { renderReportPage } from "../../functions/_shared/report/page.ts";
import { eachDay } from "../../functions/_shared/dates.ts";
import {
  makeDay,
  makeReport,
  makeSeries,
  PROVISIONAL_DAYS,
  sampleReport,
} from "../browser/fixture.ts";

function count(html: string, pattern: RegExp): number {
  return html.match(new RegExp(pattern, "g"))?.length ?? 0;
}

Deno.test("the page is a complete, self-contained document", () => {
  const html = renderReportPage(sampleReport());
  assert.match(html, /^<!doctype html><html lang="en"><head><meta charset="utf-8"\/>/);
  assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1"\/>/);
  assert.match(html, /<title>Cost per order · Mar 1 – Mar 30, 2026<\/title>/);
  assert.match(html, /<style>[^<]+<\/style>/);
  assert.doesNotMatch(html, /(src|href)\s*=\s*["']?\s*(https?:)?\/\//i, "no external src/href");
  assert.doesNotMatch(html, /url\(\s*["']?(https?:)?\/\//i, "no external CSS resources");
  assert.doesNotMatch(html, /<script|<link|<img|@import|@font-face/i);
});

Deno.test("the headline names the metric, the window and the overall cost per unit", () => {
  const report = sampleReport();
  const html = renderReportPage(report);
  const overall = report.series[0].summary.costPerUnit!;
  assert.equal(overall.toFixed(3), "0.543");
  assert.match(html, /<h1>Cost per order<\/h1>/);
  assert.match(
    html,
    /<p class="lede"><strong>\$0\.543<\/strong> per order overall, <span class="period">Mar 1 – Mar 30, 2026<\/span><\/p>/,
  );
});

Deno.test("summary figures are formatted: money, grouped amounts, counts", () => {
  const html = renderReportPage(sampleReport());
  const figures = [...html.matchAll(/<dt>([^<]+)<\/dt><dd>([^<]+)<\/dd>/g)]
    .map(([, label, value]) => `${label}: ${value}`);
  assert.deepEqual(figures, [
    "Cost per order: $0.543",
    "Total cost: $34,437.75",
    "Total orders: 63,364",
    "Anomalies: 1",
    "Provisional days: 2",
  ]);
});

Deno.test("each series gets a chart drawn wide and narrow, with ids unique on the page", () => {
  const report = sampleReport();
  const second = makeSeries(report.series[0].days, {
    costReportToken: "rprt_second",
    costReportTitle: "AWS only",
  });
  const html = renderReportPage({ ...report, series: [...report.series, second] });
  assert.equal(count(html, /<div class="chart-wide"><svg /), 2);
  assert.equal(count(html, /<div class="chart-narrow"><svg /), 2);
  const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((match) => match[1]);
  assert.equal(new Set(ids).size, ids.length, "ids are unique");
  for (const [, labelledBy] of html.matchAll(/aria-labelledby="([^"]+)"/g)) {
    for (const id of labelledBy.split(" ")) assert.ok(ids.includes(id), `#${id} exists`);
  }
  assert.match(html, /per order in All cloud – production; <strong>\$0\.543<\/strong>/);
  assert.match(html, /per order in AWS only/);
});

Deno.test("the explanation states the anomaly rule's numbers and what provisional means", () => {
  const html = renderReportPage(sampleReport());
  assert.match(html, /more than 3\.5 robust standard deviations/);
  assert.match(html, /same kind of day \(weekdays against weekdays, weekends against weekends\)/);
  assert.match(html, /in the 28 days before it; at least 6 such days with a cost per order/);
  assert.match(html, /Provisional days\. <\/strong>Cloud cost data arrives about two days late/);
});

Deno.test("the table has a caption, scoped headers, one row per day and right-aligned numbers", () => {
  const report = sampleReport();
  const html = renderReportPage(report);
  const table = /<table>.*<\/table>/s.exec(html)![0];
  assert.match(
    table,
    /<caption id="series-1-caption">Daily figures, Mar 1 – Mar 30, 2026, All cloud – production \(USD\)<\/caption>/,
  );
  const headers = [...table.matchAll(/<th scope="col"[^>]*>([^<]+)<\/th>/g)].map((m) => m[1]);
  assert.deepEqual(headers, [
    "Date",
    "Day",
    "Cost",
    "Orders",
    "Cost per order",
    "Vantage’s figure",
    "Notes",
  ]);
  assert.equal(count(table, /<th scope="row">/), 30);
  assert.equal(count(table, /<th scope="col" class="num">/), 4);
  assert.match(
    table,
    /<th scope="row"><time datetime="2026-03-18">Mar 18<\/time><\/th><td>Wed<\/td><td class="num">\$2,644\.18<\/td><td class="num">2,555<\/td><td class="num cpu">\$1\.03<\/td>/,
  );
  assert.match(
    html,
    /class="table-scroll" role="region" aria-labelledby="series-1-caption" tabindex="0"/,
  );
});

Deno.test("the table flags anomalies, provisional days, disagreements and missing values", () => {
  const html = renderReportPage(sampleReport());
  assert.equal(count(html, /<span class="badge rise"[^>]*>▲ Unusual rise \+112%<\/span>/), 1);
  assert.equal(count(html, /<span class="badge provisional">Provisional<\/span>/), 2);
  assert.equal(count(html, /<span class="badge differs">Differs from Vantage<\/span>/), 1);
  assert.match(html, /<tr class="anomaly anomaly-up"><th scope="row"><time datetime="2026-03-18">/);
  for (const date of PROVISIONAL_DAYS) {
    assert.match(
      html,
      new RegExp(`<tr class="[^"]*provisional"><th scope="row"><time datetime="${date}">`),
    );
  }
  // Mar 10 has no amount: a dash for the eye, words for a screen reader, never a zero.
  const row = /<time datetime="2026-03-10">.*?<\/tr>/.exec(html)![0];
  assert.equal(
    count(row, /<span aria-hidden="true">—<\/span><span class="visually-hidden">no value<\/span>/),
    3,
  );
  assert.doesNotMatch(row, /\$0\.00/);
});

Deno.test("without Vantage's unit costs the column is left out and the page says why", () => {
  const days = eachDay("2026-03-02", "2026-03-04").map((date) => makeDay(date));
  const html = renderReportPage(makeReport([makeSeries(days)]));
  assert.doesNotMatch(html, /Vantage’s figure<\/th>/);
  assert.match(html, /Vantage’s own unit costs were not available/);
});

Deno.test("hostile titles, labels and tokens are escaped everywhere", () => {
  const hostile = `<script>alert("x")</script>&'`;
  const series = makeSeries([makeDay("2026-03-02")], {
    costReportTitle: hostile,
    costReportToken: `rprt_"><img src=x>`,
    labelFilter: [`<i>eu</i>`, ""],
    currency: "USD",
  });
  const html = renderReportPage(makeReport([series], {
    metric: { key: `k<&>`, title: `Orders <b>"bold"</b>`, token: `tok'<svg onload=alert(1)>` },
  }));
  assert.doesNotMatch(html, /<script|<img|<svg onload|<b>|<i>/);
  assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;&amp;&#39;/);
  assert.match(html, /labels &lt;i&gt;eu&lt;\/i&gt;, \(unlabeled\)/);
  assert.match(html, /metric k&lt;&amp;&gt; \(tok&#39;&lt;svg onload=alert\(1\)&gt;\)/);
});

Deno.test("a series without data says so in the chart and in the table", () => {
  const html = renderReportPage(makeReport([makeSeries([])]));
  assert.match(html, />No data for this window</);
  assert.match(html, /<td colspan="6">No data for this window\.<\/td>/);
  assert.match(html, /<p class="lede">No cost per order for Mar 1 – Mar 30, 2026\.<\/p>/);
  assert.doesNotMatch(html, /NaN|Infinity|undefined/);
});

Deno.test("the sample page stays small", () => {
  const bytes = new TextEncoder().encode(renderReportPage(sampleReport())).length;
  assert.ok(bytes < 120_000, `${bytes} bytes`);
});
