/**
 * The chart's geometry, shared by its parts: where the panels are, the day scale, and how much
 * room a label needs.
 *
 * @module
 */
import type { BandScale } from "./d3.ts";

/** Breathing room at the drawing's edges. */
export const PAD = 8;
/** Average glyph width as a share of the font size, to budget space for labels. */
const GLYPH = 0.58;

/** Where things go, decided once so every part of the chart agrees (all in SVG units). */
export interface Frame {
  /** Width of the whole drawing. */
  width: number;
  /** Font size of labels. */
  font: number;
  /** Room left of the plots, for the left axis. */
  left: number;
  /** Room right of the plots, for the amount axis. */
  right: number;
  /** Top and bottom of the cost-per-unit panel. */
  cpuTop: number;
  cpuBottom: number;
  /** Top and bottom of the cost and amount panel. */
  costTop: number;
  costBottom: number;
  /** Days to horizontal bands. */
  x: BandScale;
}

/**
 * The width `labels`' longest needs at `font` size, estimated (no browser to measure with).
 *
 * @example
 * ```ts
 * textWidth(["$1,000", "$0"], 12); // 41.76
 * ```
 */
export function textWidth(labels: string[], font: number): number {
  return Math.max(0, ...labels.map((label) => label.length)) * font * GLYPH;
}

/**
 * A percentage with its sign, a true minus for falls.
 *
 * @example
 * ```ts
 * signedPercent(112.4); // "+112%"
 * signedPercent(-60); // "−60%"
 * ```
 */
export function signedPercent(value: number): string {
  return `${value > 0 ? "+" : value < 0 ? "−" : ""}${Math.abs(Math.round(value))}%`;
}
