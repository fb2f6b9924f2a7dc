/**
 * Plain-text tables for the CLIs' readable output.
 *
 * @module
 */

/**
 * Lines of a left-aligned table, columns two spaces apart; the first row is the header.
 *
 * @example
 * ```ts
 * table([["metric", "sent"], ["orders", "7"]]); // ["metric  sent", "orders  7"]
 * ```
 */
export function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd()
  );
}
