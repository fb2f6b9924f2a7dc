/**
 * The cost-per-unit report as one self-contained HTML page: inline CSS, inline SVG charts, no
 * script, no external fonts or images, so it works offline, from a file, and in a mail archive.
 *
 * @module
 */
import type { UnitCostReport, UnitCostSeries } from "../unit-costs/model.ts";
import { renderUnitCostChart } from "./chart.ts";
import { element, text } from "./markup.ts";
import { PAGE_STYLE } from "./page-style.ts";
import { renderSeriesTable } from "./table.ts";
import {
  formatAmount,
  formatCostPerUnit,
  formatLongDay,
  formatMoney,
  formatWindow,
  unitName,
} from "./format.ts";

/** The chart drawn for desktops and for phones; CSS shows one of them. */
const WIDE = { width: 900, height: 420 };
const NARROW = { width: 380, height: 470 };

/**
 * Renders the report: a headline with the metric, window and overall cost per unit, summary
 * figures, one chart per series, how to read the marks, and the numbers as tables.
 *
 * Each chart is drawn twice, wide and narrow, because an SVG scales its type with its width:
 * a desktop drawing shrunk to a phone would be unreadable. Only one is displayed at a time, so
 * in a browser count points within the visible one (`.chart-wide` or `.chart-narrow`).
 *
 * @example
 * ```ts
 * const html = renderReportPage(report);
 * return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
 * ```
 */
export function renderReportPage(report: UnitCostReport): string {
  const { metric, window } = report;
  const unit = unitName(metric.title, report.series[0]?.scale ?? 1);
  const heading = `Cost per ${unit}`;
  const period = formatWindow(window.from, window.to);
  return "<!doctype html>" + element(
    "html",
    { lang: "en" },
    element(
      "head",
      {},
      element("meta", { charset: "utf-8" }),
      element("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }),
      element("title", {}, text(`${heading} · ${period}`)),
      element("style", {}, PAGE_STYLE),
    ),
    element(
      "body",
      {},
      element(
        "main",
        {},
        element(
          "header",
          {},
          element("p", { class: "eyebrow" }, text(`Unit economics · ${metric.title}`)),
          element("h1", {}, text(heading)),
          element("p", { class: "lede" }, headline(report, unit, period)),
        ),
        ...report.series.map((series, index) => seriesSection(report, series, index, unit)),
        explanation(report, unit),
        element(
          "section",
          { class: "numbers", "aria-labelledby": "numbers-heading" },
          element("h2", { id: "numbers-heading" }, "The numbers"),
          ...report.series.map((series, index) =>
            renderSeriesTable(series, {
              unit,
              metricTitle: metric.title,
              id: `series-${index + 1}`,
            })
          ),
        ),
        footer(report),
      ),
    ),
  );
}

function headline(report: UnitCostReport, unit: string, period: string): string {
  const overall = report.series.filter((series) => series.summary.costPerUnit !== null);
  if (overall.length === 0) return text(`No cost per ${unit} for ${period}.`);
  if (overall.length === 1) {
    const figure = formatCostPerUnit(overall[0].summary.costPerUnit!, overall[0].currency);
    return element("strong", {}, text(figure)) + text(` per ${unit} overall, `) +
      element("span", { class: "period" }, text(period));
  }
  return overall.map((series) =>
    element("strong", {}, text(formatCostPerUnit(series.summary.costPerUnit!, series.currency))) +
    text(` per ${unit} in ${seriesName(series)}`)
  ).join("; ") + text(", ") + element("span", { class: "period" }, text(period));
}

function seriesSection(
  report: UnitCostReport,
  series: UnitCostSeries,
  index: number,
  unit: string,
): string {
  const id = `series-${index + 1}`;
  const title = `Cost per ${unit}, ${formatWindow(report.window.from, report.window.to)}, ${
    seriesName(series)
  }`;
  const chart = (size: { width: number; height: number }, variant: string) =>
    element(
      "div",
      { class: `chart-${variant}` },
      renderUnitCostChart(series, {
        title,
        metricTitle: report.metric.title,
        id: `${id}-${variant}`,
        ...size,
      }),
    );
  return element(
    "section",
    { class: "series", "aria-labelledby": `${id}-heading` },
    element(
      "h2",
      { id: `${id}-heading`, class: "series-title" },
      text(seriesName(series)),
      element("span", {}, text(scopeNote(series))),
    ),
    figures(series, unit, report.metric.title),
    element("figure", { class: "chart" }, chart(WIDE, "wide"), chart(NARROW, "narrow")),
  );
}

function figures(series: UnitCostSeries, unit: string, metricTitle: string): string {
  const { summary, currency } = series;
  const items: [string, string, string?][] = [
    [
      `Cost per ${unit}`,
      summary.costPerUnit === null ? "—" : formatCostPerUnit(summary.costPerUnit, currency),
      "headline",
    ],
    ["Total cost", formatMoney(summary.totalCost, currency)],
    [`Total ${metricTitle.toLowerCase()}`, formatAmount(summary.totalAmount)],
    ["Anomalies", String(summary.anomalies), summary.anomalies > 0 ? "alert" : undefined],
    ["Provisional days", String(summary.provisionalDays)],
  ];
  return element(
    "dl",
    { class: "figures" },
    ...items.map(([label, value, className]) =>
      element(
        "div",
        { class: className ? `figure ${className}` : "figure" },
        element("dt", {}, text(label)),
        element("dd", {}, text(value)),
      )
    ),
  );
}

function explanation(report: UnitCostReport, unit: string): string {
  const rule = report.anomalyRule;
  const anyVantage = report.series.some((series) => series.vantageUnitCostsAvailable);
  return element(
    "section",
    { class: "notes", "aria-labelledby": "notes-heading" },
    element("h2", { id: "notes-heading" }, "Reading this report"),
    element(
      "p",
      {},
      element("strong", {}, "Anomalies. "),
      text(
        `A day is flagged when its cost per ${unit} is more than ${rule.threshold} robust ` +
          `standard deviations away from the median of the same kind of day (weekdays against ` +
          `weekdays, weekends against weekends) in the ${rule.baselineDays} days before it; at ` +
          `least ${rule.minimumBaselineDays} such days with a cost per ${unit} are needed, and ` +
          `provisional days are not judged. ` +
          `▲ marks a rise, the direction that costs money; ▼ a fall. The dashed drop shows the ` +
          `baseline the day departed from.`,
      ),
    ),
    element(
      "p",
      {},
      element("strong", {}, "Provisional days. "),
      text(
        `Cloud cost data arrives about two days late, so the most recent days are incomplete: ` +
          `their cost, and with it their cost per ${unit}, may still rise. They are hatched and ` +
          `hollow in the chart and marked in the table.`,
      ),
    ),
    element(
      "p",
      {},
      element("strong", {}, "Gaps. "),
      text(
        `A day without an amount (or with zero) has no cost per ${unit}; the line breaks there ` +
          `rather than dropping to zero. Weekends are shaded.`,
      ),
    ),
    element(
      "p",
      {},
      element("strong", {}, "Vantage’s figure. "),
      text(
        anyVantage
          ? `Vantage computes its own cost per ${unit}; it is shown beside ours, and days where ` +
            `the two differ are marked.`
          : `Vantage’s own unit costs were not available for this report (they may need a paid ` +
            `plan), so only our figure is shown.`,
      ),
    ),
  );
}

function footer(report: UnitCostReport): string {
  const generated = new Date(report.generatedAt);
  const when = Number.isNaN(generated.getTime())
    ? report.generatedAt
    : `${formatLongDay(generated.toISOString().slice(0, 10))}, ${
      generated.toISOString().slice(11, 16)
    } UTC`;
  const reports = report.series.map((series) => series.costReportToken).join(", ");
  return element(
    "footer",
    {},
    text(
      `Generated ${when} · metric ${report.metric.key} (${report.metric.token})` +
        (reports ? ` · cost report ${reports}` : ""),
    ),
  );
}

function seriesName(series: UnitCostSeries): string {
  return series.costReportTitle ?? series.costReportToken;
}

function scopeNote(series: UnitCostSeries): string {
  const labels = series.labelFilter === null
    ? "all labels"
    : `labels ${
      series.labelFilter.map((label) => label === "" ? "(unlabeled)" : label).join(", ")
    }`;
  return `${series.currency} · ${labels}`;
}
