/**
 * The cost-per-unit chart, rendered on the server as one SVG string: no browser, no script.
 *
 * Two panels share the days on the x axis. The upper one is the point of the report: cost per
 * unit on its own axis, one point per day, anomalies marked with their direction. The lower one
 * shows where that figure comes from: daily cost as bars (left axis) and the metric's amount as a
 * line (right axis, its ticks on the same grid lines). Weekends are shaded across both panels and
 * provisional days are hatched and hollow.
 *
 * @module
 */
import type { UnitCostDay, UnitCostSeries } from "../unit-costs/model.ts";
import { bandScale, type LinearScale, linePath } from "./d3.ts";
import { element, text } from "./markup.ts";
import { PALETTE } from "./palette.ts";
import {
  formatAmountTick,
  formatDay,
  formatMoney,
  formatMoneyTick,
  unitName,
  weekday,
} from "./format.ts";
import { describeSeries } from "./describe.ts";
import { legend, type LegendKey } from "./legend.ts";
import { type Frame, PAD, textWidth } from "./chart-frame.ts";
import { costAndAmountScales, costPerUnitScale, fittingTicks } from "./chart-scales.ts";
import { costPerUnitPanel } from "./chart-cost-per-unit.ts";

/** What the chart needs besides the series. */
export interface ChartOptions {
  /** The accessible title (the SVG's `<title>`), e.g. "Cost per order, Mar 1 – Mar 30, 2026". */
  title: string;
  /** The metric's title, for the legend and the amount axis. Default "Amount". */
  metricTitle?: string;
  /** Width of the drawing in SVG units; it scales to its container. Default 900. */
  width?: number;
  /** Height in SVG units. Default 420. */
  height?: number;
  /** Prefix of the ids inside the SVG; give each chart on a page its own. Default "unit-cost-chart". */
  id?: string;
}

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
/** Below this width the chart is drawn for a phone: larger type, fewer labels. */
const NARROW_WIDTH = 560;
const PANEL_GAP = 16;
const MAX_BAR_WIDTH = 40;

/**
 * Renders one series as an SVG chart. A series without any cost or amount renders a clear
 * "no data" message instead of empty axes.
 *
 * @example
 * ```ts
 * const svg = renderUnitCostChart(report.series[0], {
 *   title: "Cost per order, Mar 1 – Mar 30, 2026",
 *   metricTitle: "Orders",
 * });
 * // '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 900 420" role="img" …'
 * ```
 */
export function renderUnitCostChart(series: UnitCostSeries, options: ChartOptions): string {
  const width = options.width ?? 900;
  const height = options.height ?? 420;
  const id = options.id ?? "unit-cost-chart";
  const metricTitle = options.metricTitle ?? "Amount";
  const unit = unitName(metricTitle, series.scale);
  const font = width < NARROW_WIDTH ? 13 : 12;
  const hasData = series.days.some((day) => day.cost !== null || day.amount !== null);
  const body = hasData
    ? drawPanels(series, { width, height, font, id, unit, metricTitle })
    : drawNoData(width, height, font);
  return element(
    "svg",
    {
      xmlns: "http://www.w3.org/2000/svg",
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: "img",
      "aria-labelledby": `${id}-title ${id}-desc`,
      class: "unit-cost-chart",
      "data-days": series.days.length,
      "font-family": FONT,
      "font-size": font,
      fill: PALETTE.ink,
    },
    element("title", { id: `${id}-title` }, text(options.title)),
    element("desc", { id: `${id}-desc` }, text(describeSeries(series, unit))),
    body,
  );
}

interface DrawContext {
  width: number;
  height: number;
  font: number;
  id: string;
  unit: string;
  metricTitle: string;
}

function drawPanels(series: UnitCostSeries, context: DrawContext): string {
  const { width, height, font, id, unit, metricTitle } = context;
  const days = series.days;
  const keys = legendKeys(series, unit, metricTitle);
  const key = legend(keys, { x: PAD, y: PAD, width: width - 2 * PAD, font, id });

  // Vertical budget: legend, then two titled panels, then the date labels.
  const titleHeight = font + 14;
  const top = PAD + key.height + 8 + titleHeight;
  const plots = height - top - PANEL_GAP - titleHeight - (font + 16) - PAD;
  const cpuTop = top;
  const cpuBottom = top + Math.round(plots * 0.55);
  const costTop = cpuBottom + PANEL_GAP + titleHeight;
  const costBottom = top + plots + PANEL_GAP + titleHeight;

  const cpu = costPerUnitScale(days, [cpuBottom, cpuTop]);
  const cpuTicks = fittingTicks(cpu, cpuBottom - cpuTop, 28);
  const { cost, costTicks, amount, amountTicks } = costAndAmountScales(days, [costBottom, costTop]);
  const cpuLabels = cpuTicks.map((tick) => formatMoneyTick(tick, step(cpuTicks), series.currency));
  const costLabels = costTicks.map((tick) =>
    formatMoneyTick(tick, step(costTicks), series.currency)
  );
  const amountLabels = amountTicks.map(formatAmountTick);

  const left = PAD + textWidth([...cpuLabels, ...costLabels], font) + 8;
  const right = PAD + textWidth(amountLabels, font) + 8;
  const x = bandScale(days.map((day) => day.date), [left, width - right], 0.25);
  const frame: Frame = {
    width,
    font,
    left,
    right,
    cpuTop,
    cpuBottom,
    costTop,
    costBottom,
    x,
  };

  return [
    key.markup,
    hatchPattern(id),
    weekendStripes(days, frame),
    gridAndAxis(cpuTicks, cpuLabels, cpu, frame, "cpu"),
    gridAndAxis(costTicks, costLabels, cost, frame, "cost"),
    rightAxis(amountTicks, amountLabels, amount, frame),
    panelTitles(series, unit, metricTitle, frame),
    costBars(days, cost, frame, series.currency, id),
    amountLine(days, amount, frame),
    dateAxis(days, frame),
    costPerUnitPanel(days, cpu, frame, series.currency, unit),
  ].join("");
}

function legendKeys(series: UnitCostSeries, unit: string, metricTitle: string): LegendKey[] {
  const days = series.days;
  const keys: LegendKey[] = [
    { kind: "cpu", label: `Cost per ${unit}` },
    { kind: "cost", label: "Daily cost" },
    { kind: "amount", label: metricTitle },
  ];
  if (days.some((day) => day.weekend)) keys.push({ kind: "weekend", label: "Weekend" });
  if (days.some((day) => day.provisional)) keys.push({ kind: "provisional", label: "Provisional" });
  if (days.some((day) => day.anomaly?.direction === "up")) {
    keys.push({ kind: "rise", label: "Unusual rise" });
  }
  if (days.some((day) => day.anomaly?.direction === "down")) {
    keys.push({ kind: "fall", label: "Unusual fall" });
  }
  return keys;
}

function hatchPattern(id: string): string {
  return element(
    "defs",
    {},
    element(
      "pattern",
      {
        id: `${id}-hatch`,
        patternUnits: "userSpaceOnUse",
        width: 5,
        height: 5,
        patternTransform: "rotate(45)",
      },
      element("rect", { width: 5, height: 5, fill: "#ffffff" }),
      element("line", { x1: 0, y1: 0, x2: 0, y2: 5, stroke: PALETTE.hatch, "stroke-width": 2.5 }),
    ),
  );
}

function weekendStripes(days: UnitCostDay[], frame: Frame): string {
  const { x } = frame;
  const inset = (x.step() - x.bandwidth()) / 2;
  return element(
    "g",
    { class: "weekends", fill: PALETTE.weekend },
    ...days.filter((day) => day.weekend).map((day) =>
      element("rect", {
        class: "weekend",
        "data-date": day.date,
        x: x(day.date) - inset,
        y: frame.cpuTop,
        width: x.step(),
        height: frame.costBottom - frame.cpuTop,
      })
    ),
  );
}

function gridAndAxis(
  ticks: number[],
  labels: string[],
  scale: LinearScale,
  frame: Frame,
  panel: "cpu" | "cost",
): string {
  const colour = panel === "cpu" ? PALETTE.costPerUnit : PALETTE.costText;
  return element(
    "g",
    { class: `y-axis ${panel}-axis` },
    ...ticks.map((tick, index) => {
      const y = scale(tick);
      return element(
        "line",
        {
          x1: frame.left,
          x2: frame.width - frame.right,
          y1: y,
          y2: y,
          stroke: tick === 0 ? PALETTE.axis : PALETTE.grid,
        },
      ) + element(
        "text",
        { x: frame.left - 6, y, dy: "0.32em", "text-anchor": "end", fill: colour },
        text(labels[index]),
      );
    }),
  );
}

function rightAxis(ticks: number[], labels: string[], scale: LinearScale, frame: Frame): string {
  return element(
    "g",
    { class: "y-axis amount-axis", fill: PALETTE.amount },
    ...ticks.map((tick, index) =>
      element(
        "text",
        { x: frame.width - frame.right + 6, y: scale(tick), dy: "0.32em" },
        text(labels[index]),
      )
    ),
  );
}

function panelTitles(series: UnitCostSeries, unit: string, metricTitle: string, frame: Frame) {
  // Clear of the top tick label, which is centred on the panel's top edge.
  const above = (y: number) => y - Math.round(frame.font * 0.75) - 4;
  const weight = { "font-weight": 600 };
  return element(
    "g",
    { class: "panel-titles" },
    element(
      "text",
      { x: PAD, y: above(frame.cpuTop), fill: PALETTE.costPerUnit, ...weight },
      text(`Cost per ${unit} (${series.currency})`),
    ),
    element(
      "text",
      { x: PAD, y: above(frame.costTop), fill: PALETTE.costText, ...weight },
      text(`Daily cost (${series.currency})`),
    ),
    element(
      "text",
      {
        x: frame.width - PAD,
        y: above(frame.costTop),
        "text-anchor": "end",
        fill: PALETTE.amount,
        ...weight,
      },
      text(metricTitle),
    ),
  );
}

function costBars(
  days: UnitCostDay[],
  scale: LinearScale,
  frame: Frame,
  currency: string,
  id: string,
): string {
  const zero = scale(0);
  // A few days would otherwise give slabs as wide as the chart.
  const width = Math.min(frame.x.bandwidth(), MAX_BAR_WIDTH);
  const inset = (frame.x.bandwidth() - width) / 2;
  return element(
    "g",
    { class: "cost-bars", fill: PALETTE.costBar },
    ...days.filter((day) => day.cost !== null).map((day) => {
      const y = scale(day.cost as number);
      const note = day.provisional ? " (provisional: may still rise)" : "";
      return element(
        "rect",
        {
          class: "cost-bar",
          "data-date": day.date,
          "data-provisional": day.provisional ? "true" : null,
          x: frame.x(day.date) + inset,
          y: Math.min(y, zero),
          width,
          height: Math.abs(zero - y),
          fill: day.provisional ? `url(#${id}-hatch)` : null,
          stroke: day.provisional ? PALETTE.hatch : null,
        },
        element(
          "title",
          {},
          text(`${formatDay(day.date)}: cost ${formatMoney(day.cost as number, currency)}${note}`),
        ),
      );
    }),
  );
}

function amountLine(days: UnitCostDay[], scale: LinearScale, frame: Frame): string {
  const centre = (day: UnitCostDay) => frame.x(day.date) + frame.x.bandwidth() / 2;
  const d = linePath(days, centre, (day) => day.amount === null ? null : scale(day.amount));
  const shape = { d, fill: "none", "stroke-linejoin": "round", "stroke-linecap": "round" };
  // A day between two gaps has no segment to draw; a dot keeps it visible.
  const lonely = days.filter((day, index) =>
    day.amount !== null && days[index - 1]?.amount == null && days[index + 1]?.amount == null
  );
  // A white halo keeps the line legible where it crosses the bars.
  return element("path", { ...shape, stroke: PALETTE.halo, "stroke-width": 5 }) +
    element("path", { class: "amount-line", ...shape, stroke: PALETTE.amount, "stroke-width": 2 }) +
    lonely.map((day) =>
      element("circle", {
        cx: centre(day),
        cy: scale(day.amount as number),
        r: 3,
        fill: PALETTE.amount,
        stroke: PALETTE.halo,
      })
    ).join("");
}

/** Labels thinned to fit: every day, every other day, or weekly on Mondays and coarser. */
function dateAxis(days: UnitCostDay[], frame: Frame): string {
  const { x, font } = frame;
  const labelWidth = textWidth(["Mar 30"], font) + 12;
  const every = [1, 2, 7, 14, 28, 56, 112, 224].find((n) => n * x.step() >= labelWidth) ?? 364;
  const firstMonday = every >= 7
    ? Math.max(0, days.findIndex((day) => weekday(day.date) === "Mon"))
    : 0;
  const y = frame.costBottom;
  return element(
    "g",
    { class: "x-axis", fill: PALETTE.muted, "text-anchor": "middle" },
    element("line", {
      x1: frame.left,
      x2: frame.width - frame.right,
      y1: y,
      y2: y,
      stroke: PALETTE.axis,
    }),
    ...days.flatMap((day, index) => {
      if (index < firstMonday || (index - firstMonday) % every !== 0) return [];
      const centre = x(day.date) + x.bandwidth() / 2;
      const half = labelWidth / 2;
      return [
        element(
          "g",
          { class: "x-tick", "data-date": day.date },
          element("line", { x1: centre, x2: centre, y1: y, y2: y + 4, stroke: PALETTE.axis }),
          element(
            "text",
            { x: Math.min(Math.max(centre, half), frame.width - half), y: y + font + 9 },
            text(formatDay(day.date)),
          ),
        ),
      ];
    }),
  );
}

function drawNoData(width: number, height: number, font: number): string {
  return element(
    "g",
    { class: "no-data", "text-anchor": "middle" },
    element("rect", {
      x: PAD,
      y: PAD,
      width: width - 2 * PAD,
      height: height - 2 * PAD,
      rx: 8,
      fill: PALETTE.weekend,
    }),
    element(
      "text",
      { x: width / 2, y: height / 2 - 4, "font-size": font * 1.4, "font-weight": 600 },
      text("No data for this window"),
    ),
    element(
      "text",
      { x: width / 2, y: height / 2 + font * 1.6, fill: PALETTE.muted },
      text("No costs and no amounts for these days."),
    ),
  );
}

function step(ticks: number[]): number {
  return ticks.length > 1 ? ticks[1] - ticks[0] : 1;
}
