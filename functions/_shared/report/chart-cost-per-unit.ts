/**
 * The chart's upper panel: cost per unit as a line with one point per day, gaps where a day has
 * none, and anomaly marks that show the direction and size of each departure.
 *
 * @module
 */
import type { UnitCostDay } from "../unit-costs/model.ts";
import { type LinearScale, linePath } from "./d3.ts";
import { element, text } from "./markup.ts";
import { PALETTE } from "./palette.ts";
import { formatAmount, formatCostPerUnit, formatDay, formatMoney, weekday } from "./format.ts";
import { noCostPerUnitReason } from "./describe.ts";
import { type Frame, signedPercent, textWidth } from "./chart-frame.ts";

/**
 * The upper panel's marks; a window without any cost per unit gets a sentence saying why.
 *
 * @example
 * ```ts
 * costPerUnitPanel(series.days, costPerUnitScale(series.days, [300, 100]), frame, "USD", "order");
 * // '<g class="cost-per-unit"><path class="cpu-line" …/><circle class="cpu-point" …'
 * ```
 */
export function costPerUnitPanel(
  days: UnitCostDay[],
  scale: LinearScale,
  frame: Frame,
  currency: string,
  unit: string,
): string {
  const { x } = frame;
  const centre = (day: UnitCostDay) => x(day.date) + x.bandwidth() / 2;
  const measured = days.filter((day) => day.costPerUnit !== null);
  if (measured.length === 0) {
    return element(
      "text",
      {
        class: "no-cost-per-unit",
        x: (frame.left + frame.width - frame.right) / 2,
        y: (frame.cpuTop + frame.cpuBottom) / 2,
        "text-anchor": "middle",
        fill: PALETTE.muted,
      },
      text(`No cost per ${unit}: ${noCostPerUnitReason(days)}`),
    );
  }
  const radius = Math.min(3.5, Math.max(1.5, x.step() * 0.2));
  const line = element("path", {
    class: "cpu-line",
    d: linePath(days, centre, (day) => day.costPerUnit === null ? null : scale(day.costPerUnit)),
    fill: "none",
    stroke: PALETTE.costPerUnit,
    "stroke-width": 2.5,
    "stroke-linejoin": "round",
    "stroke-linecap": "round",
  });
  const points = measured.map((day) =>
    element(
      "circle",
      {
        class: "cpu-point",
        "data-date": day.date,
        "data-value": day.costPerUnit as number,
        "data-provisional": day.provisional ? "true" : null,
        cx: centre(day),
        cy: scale(day.costPerUnit as number),
        r: radius,
        fill: day.provisional ? PALETTE.halo : PALETTE.costPerUnit,
        stroke: PALETTE.costPerUnit,
        "stroke-width": 1.5,
      },
      element("title", {}, text(pointTooltip(day, currency, unit))),
    )
  );
  const marks = measured.filter((day) => day.anomaly !== null).map((day) =>
    anomalyMark(day, centre(day), scale, frame, radius)
  );
  return element("g", { class: "cost-per-unit" }, line, ...points, ...marks);
}

function pointTooltip(day: UnitCostDay, currency: string, unit: string): string {
  const parts = [
    `${formatDay(day.date)} (${weekday(day.date)}): ${
      formatCostPerUnit(day.costPerUnit as number, currency)
    } per ${unit}`,
  ];
  if (day.cost !== null) parts.push(`cost ${formatMoney(day.cost, currency)}`);
  if (day.amount !== null) parts.push(`amount ${formatAmount(day.amount)}`);
  if (day.anomaly) {
    parts.push(
      `unusual ${day.anomaly.direction === "up" ? "rise" : "fall"}: ${
        signedPercent(day.anomaly.changePercent)
      } against ${formatCostPerUnit(day.anomaly.baseline, currency)}`,
    );
  }
  if (day.provisional) parts.push("provisional");
  return parts.join(" · ");
}

/**
 * A ring around the point, a triangle pointing the way it moved, the day and the size of the
 * move, and a dashed drop to the baseline it departed from.
 */
function anomalyMark(
  day: UnitCostDay,
  cx: number,
  scale: LinearScale,
  frame: Frame,
  radius: number,
): string {
  const anomaly = day.anomaly!;
  const rise = anomaly.direction === "up";
  const colour = rise ? PALETTE.rise : PALETTE.fall;
  const cy = scale(day.costPerUnit as number);
  const sign = rise ? -1 : 1;
  const tip = cy + sign * (radius + 12);
  const base = cy + sign * (radius + 5);
  const labelY = rise
    ? Math.max(frame.cpuTop - 2, tip - 5)
    : Math.min(frame.cpuBottom + frame.font, tip + frame.font + 3);
  const baselineY = scale(anomaly.baseline);
  const label = `${formatDay(day.date)} ${signedPercent(anomaly.changePercent)}`;
  const half = textWidth([label], frame.font) / 2;
  const labelX = Math.min(Math.max(cx, frame.left + half), frame.width - frame.right - half);
  return element(
    "g",
    {
      class: "anomaly-mark",
      "data-date": day.date,
      "data-direction": anomaly.direction,
      fill: colour,
      stroke: colour,
    },
    element("line", {
      x1: cx,
      x2: cx,
      y1: baselineY,
      y2: cy,
      "stroke-dasharray": "3 3",
      "stroke-width": 1.5,
    }),
    element("line", { x1: cx - 6, x2: cx + 6, y1: baselineY, y2: baselineY, "stroke-width": 2 }),
    element("circle", { cx, cy, r: radius + 4, fill: "none", "stroke-width": 2 }),
    element("polygon", {
      points: `${cx - 5},${base} ${cx + 5},${base} ${cx},${tip}`,
      stroke: "none",
    }),
    element(
      "text",
      {
        x: labelX,
        y: labelY,
        "text-anchor": "middle",
        "font-weight": 700,
        stroke: PALETTE.halo,
        "stroke-width": 3,
        "paint-order": "stroke",
      },
      text(label),
    ),
  );
}
