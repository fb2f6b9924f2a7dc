/**
 * The chart's legend: a row of keys that wraps onto more rows when the chart is narrow.
 *
 * @module
 */
import { element, text } from "./markup.ts";
import { PALETTE } from "./palette.ts";
import { textWidth } from "./chart-frame.ts";

/** What a legend key stands for; each has its own swatch. */
export type LegendKind = "cpu" | "cost" | "amount" | "weekend" | "provisional" | "rise" | "fall";

/** One key of the legend. */
export interface LegendKey {
  kind: LegendKind;
  label: string;
}

const SWATCH = 16;
const SWATCH_GAP = 6;
const KEY_GAP = 18;

/**
 * Lays the keys out left to right from (`x`, `y`), wrapping within `width`, and says how tall
 * the result is. `id` is the chart's id prefix (the provisional swatch uses its hatch pattern).
 *
 * @example
 * ```ts
 * const { markup, height } = legend([{ kind: "cpu", label: "Cost per order" }], {
 *   x: 8, y: 8, width: 400, font: 12, id: "chart",
 * });
 * // height === 20
 * ```
 */
export function legend(
  keys: LegendKey[],
  frame: { x: number; y: number; width: number; font: number; id: string },
): { markup: string; height: number } {
  const rowHeight = frame.font + 8;
  let x = frame.x;
  let y = frame.y;
  const items = keys.map((key) => {
    const itemWidth = SWATCH + SWATCH_GAP + textWidth([key.label], frame.font);
    if (x > frame.x && x + itemWidth > frame.x + frame.width) {
      x = frame.x;
      y += rowHeight;
    }
    const middle = y + rowHeight / 2;
    const item = element(
      "g",
      { class: "legend-item", "data-kind": key.kind },
      swatch(key.kind, x, middle, frame.id),
      element(
        "text",
        { x: x + SWATCH + SWATCH_GAP, y: middle, dy: "0.32em", fill: PALETTE.ink },
        text(key.label),
      ),
    );
    x += itemWidth + KEY_GAP;
    return item;
  });
  return {
    markup: element("g", { class: "legend" }, ...items),
    height: y + rowHeight - frame.y,
  };
}

function swatch(kind: LegendKind, x: number, middle: number, id: string): string {
  const centre = x + SWATCH / 2;
  const box = { x: x + 2, y: middle - 6, width: SWATCH - 4, height: 12 };
  switch (kind) {
    case "cpu":
      return line(x, middle, PALETTE.costPerUnit, 2.5) +
        element("circle", { cx: centre, cy: middle, r: 3.5, fill: PALETTE.costPerUnit });
    case "cost":
      return element("rect", { ...box, fill: PALETTE.costBar });
    case "amount":
      return line(x, middle, PALETTE.amount, 2);
    case "weekend":
      return element("rect", { ...box, fill: PALETTE.weekend, stroke: PALETTE.axis });
    case "provisional":
      return element("rect", { ...box, fill: `url(#${id}-hatch)`, stroke: PALETTE.hatch });
    case "rise":
      return triangle(centre, middle, -1, PALETTE.rise);
    case "fall":
      return triangle(centre, middle, 1, PALETTE.fall);
  }
}

function line(x: number, y: number, colour: string, width: number): string {
  return element("line", {
    x1: x,
    x2: x + SWATCH,
    y1: y,
    y2: y,
    stroke: colour,
    "stroke-width": width,
    "stroke-linecap": "round",
  });
}

/** `direction` -1 points up, 1 points down. */
function triangle(cx: number, cy: number, direction: number, colour: string): string {
  const tip = cy + direction * 6;
  const base = cy - direction * 5;
  return element("polygon", {
    points: `${cx - 6},${base} ${cx + 6},${base} ${cx},${tip}`,
    fill: colour,
  });
}
