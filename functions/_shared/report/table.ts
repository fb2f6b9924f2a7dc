/**
 * The report's table: the chart's numbers, one row per day, for reading exact values and for
 * anyone who cannot see the chart.
 *
 * @module
 */
import type { UnitCostDay, UnitCostSeries } from "../unit-costs/model.ts";
import { element, text } from "./markup.ts";
import {
  formatAmount,
  formatCostPerUnit,
  formatDay,
  formatMoney,
  formatWindow,
  weekday,
} from "./format.ts";

/**
 * A scrollable, captioned table of one series. `unit` names one unit ("order"), `metricTitle`
 * heads the amount column, `id` must be unique on the page.
 *
 * @example
 * ```ts
 * renderSeriesTable(series, { unit: "order", metricTitle: "Orders", id: "series-1" });
 * // '<div class="table-scroll" role="region" …><table>…</table></div>'
 * ```
 */
export function renderSeriesTable(
  series: UnitCostSeries,
  names: { unit: string; metricTitle: string; id: string },
): string {
  const { unit, id } = names;
  const withVantage = series.vantageUnitCostsAvailable;
  const money = (value: number | null) =>
    value === null ? missing() : text(formatMoney(value, series.currency));
  const perUnit = (value: number | null) =>
    value === null ? missing() : text(formatCostPerUnit(value, series.currency));
  const headings = [
    ["Date", ""],
    ["Day", ""],
    ["Cost", "num"],
    [names.metricTitle, "num"],
    [`Cost per ${unit}`, "num"],
    ...(withVantage ? [[`Vantage’s figure`, "num"]] : []),
    ["Notes", ""],
  ];
  const rows = series.days.map((day) =>
    element(
      "tr",
      { class: rowClass(day) },
      element(
        "th",
        { scope: "row" },
        element("time", { datetime: day.date }, text(formatDay(day.date))),
      ),
      element("td", {}, text(weekday(day.date))),
      element("td", { class: "num" }, money(day.cost)),
      element(
        "td",
        { class: "num" },
        day.amount === null ? missing() : text(formatAmount(day.amount)),
      ),
      element("td", { class: "num cpu" }, perUnit(day.costPerUnit)),
      withVantage ? element("td", { class: "num" }, perUnit(day.vantageCostPerUnit)) : "",
      element("td", { class: "notes" }, notes(day, series.currency)),
    )
  );
  return element(
    "div",
    { class: "table-scroll", role: "region", "aria-labelledby": `${id}-caption`, tabindex: 0 },
    element(
      "table",
      {},
      element("caption", { id: `${id}-caption` }, text(caption(series))),
      element(
        "thead",
        {},
        element(
          "tr",
          {},
          ...headings.map(([label, className]) =>
            element("th", { scope: "col", class: className || null }, text(label))
          ),
        ),
      ),
      element(
        "tbody",
        {},
        ...(rows.length > 0 ? rows : [
          element(
            "tr",
            {},
            element("td", { colspan: headings.length }, "No data for this window."),
          ),
        ]),
      ),
    ),
  );
}

/** "Daily figures, Mar 1 – Mar 30, 2026, All cloud – production (USD)" */
function caption(series: UnitCostSeries): string {
  const days = series.days;
  const window = days.length > 0 ? `, ${formatWindow(days[0].date, days.at(-1)!.date)}` : "";
  const title = series.costReportTitle ?? series.costReportToken;
  return `Daily figures${window}, ${title} (${series.currency})`;
}

function rowClass(day: UnitCostDay): string | null {
  const classes = [
    day.weekend ? "weekend" : "",
    day.anomaly ? `anomaly anomaly-${day.anomaly.direction}` : "",
    day.provisional ? "provisional" : "",
  ].filter(Boolean);
  return classes.length > 0 ? classes.join(" ") : null;
}

function notes(day: UnitCostDay, currency: string): string {
  const badges: string[] = [];
  if (day.anomaly) {
    const rise = day.anomaly.direction === "up";
    const change = Math.abs(Math.round(day.anomaly.changePercent));
    badges.push(element(
      "span",
      {
        class: `badge ${rise ? "rise" : "fall"}`,
        title: `Baseline ${formatCostPerUnit(day.anomaly.baseline, currency)}`,
      },
      text(`${rise ? "▲ Unusual rise +" : "▼ Unusual fall −"}${change}%`),
    ));
  }
  if (day.provisional) badges.push(element("span", { class: "badge provisional" }, "Provisional"));
  if (day.disagreement) {
    badges.push(element("span", { class: "badge differs" }, "Differs from Vantage"));
  }
  return badges.join(" ");
}

/** An empty cell: a dash to the eye, words to a screen reader. */
function missing(): string {
  return element("span", { "aria-hidden": "true" }, "—") +
    element("span", { class: "visually-hidden" }, "no value");
}
