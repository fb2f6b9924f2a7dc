/**
 * Typed doors into d3-scale, d3-shape and d3-array, which need no DOM. The packages ship no
 * TypeScript types and the import map pins no `@types/d3-*`, so these few functions state the
 * shapes the chart relies on, and the rest of the report stays fully typed.
 *
 * @module
 */
import { scaleBand, scaleLinear } from "d3-scale";
import { line } from "d3-shape";
import { median as d3Median } from "d3-array";

/** A continuous scale from data values to pixels. */
export interface LinearScale {
  (value: number): number;
  domain(): [number, number];
  ticks(count: number): number[];
}

/** A band scale from days to pixels: each day gets a band, bars fill it, points sit at its centre. */
export interface BandScale {
  (value: string): number;
  bandwidth(): number;
  step(): number;
}

/**
 * A linear scale; with `niceTicks`, the domain is widened to round tick values near that count.
 *
 * @example
 * ```ts
 * const y = linearScale([0, 97], [200, 0], 5);
 * y.domain(); // [0, 100]
 * y(50); // 100
 * ```
 */
export function linearScale(
  domain: [number, number],
  range: [number, number],
  niceTicks?: number,
): LinearScale {
  const scale = scaleLinear().domain(domain).range(range);
  return niceTicks === undefined ? scale : scale.nice(niceTicks);
}

/**
 * A band scale over `days`, with inner padding between bands as a fraction of the step.
 *
 * @example
 * ```ts
 * const x = bandScale(["2026-03-01", "2026-03-02"], [0, 100], 0.2);
 * x.step(); // 50
 * ```
 */
export function bandScale(days: string[], range: [number, number], padding: number): BandScale {
  return scaleBand().domain(days).range(range).paddingInner(padding).paddingOuter(padding / 2);
}

/**
 * SVG path data through the points whose `y` is not null; a null breaks the line into a gap.
 *
 * @example
 * ```ts
 * linePath([[0, 1], [1, null], [2, 3], [3, 4]], ([x]) => x, ([, y]) => y); // "M0,1ZM2,3L3,4"
 * ```
 */
export function linePath<T>(
  data: T[],
  x: (datum: T) => number,
  y: (datum: T) => number | null,
): string {
  return line()
    .defined((datum: T) => y(datum) !== null)
    .x((datum: T) => round(x(datum)))
    .y((datum: T) => round(y(datum) as number))(data) ?? "";
}

/**
 * The median of `values`, or undefined when there are none.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: number[]): number | undefined {
  return d3Median(values);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
