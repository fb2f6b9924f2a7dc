/**
 * Summaries of timing samples: median, p95 and the spread, the way RESULTS.md reports them.
 *
 * @module
 */

/** A summary of samples (milliseconds, bytes, …: the unit is the caller's). */
export interface Summary {
  /** How many samples. */
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

/**
 * The `q` quantile (0..1) of samples sorted ascending, interpolated linearly between the two
 * nearest ranks (R's type 7, as spreadsheets compute it).
 *
 * @example
 * ```ts
 * quantile([1, 2, 3, 4], 0.5); // 2.5
 * ```
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError("no samples");
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/**
 * Median, p95, min, max and mean of `samples`.
 *
 * @example
 * ```ts
 * summarize([3, 1, 2]).median; // 2
 * ```
 */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}

/**
 * Milliseconds for a table: one decimal under 100 ms, none above.
 *
 * @example
 * ```ts
 * formatMs(12.345); // "12.3 ms"
 * formatMs(1234.5); // "1235 ms"
 * ```
 */
export function formatMs(ms: number): string {
  return ms < 100 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(0)} ms`;
}

/**
 * Seconds for a table, with two significant decimals under 10 s.
 *
 * @example
 * ```ts
 * formatSeconds(2345); // "2.35 s"
 * ```
 */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)} h`;
  if (seconds >= 120) return `${(seconds / 60).toFixed(1)} min`;
  return seconds < 10 ? `${seconds.toFixed(2)} s` : `${seconds.toFixed(1)} s`;
}

/**
 * Bytes as MB (10^6 bytes, the unit of the targets).
 *
 * @example
 * ```ts
 * formatMB(101_974_016); // "102 MB"
 * ```
 */
export function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

/**
 * "median (p95 …, min–max …, n = …)" for a table cell.
 *
 * @example
 * ```ts
 * describeSpread(summarize([10, 12, 11]), formatMs); // "11.0 ms (p95 11.9 ms; 10.0–12.0 ms; n = 3)"
 * ```
 */
export function describeSpread(summary: Summary, format: (value: number) => string): string {
  return `${format(summary.median)} (p95 ${format(summary.p95)}; ${format(summary.min)}–${
    format(summary.max)
  }; n = ${summary.n})`;
}
