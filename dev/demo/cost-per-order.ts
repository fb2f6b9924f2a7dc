/**
 * The demo's closing table: day, orders, cost, cost per order.
 *
 * @module
 */
import { eachDay } from "../../functions/_shared/dates.ts";

const usd = (amount: number) => `$${amount.toFixed(2)}`;

/**
 * One row per day of `window`: orders (from Vantage's metric), cost (from the cost report) and cost
 * per order, which is empty when a day has no orders (never a division by zero).
 *
 * @example
 * ```ts
 * formatCostPerOrder({ from: "2026-11-27", to: "2026-11-27" }, new Map([["2026-11-27", 120]]), new Map([["2026-11-27", 300]]));
 * ```
 */
export function formatCostPerOrder(
  window: { from: string; to: string },
  orders: ReadonlyMap<string, number>,
  costs: ReadonlyMap<string, number>,
): string {
  const rows = [["day", "orders", "cost", "cost per order"]];
  for (const day of eachDay(window.from, window.to)) {
    const count = orders.get(day);
    const cost = costs.get(day);
    const weekday = new Date(`${day}T00:00:00Z`).toLocaleDateString("en-US", {
      weekday: "short",
      timeZone: "UTC",
    });
    rows.push([
      `${day} ${weekday}`,
      count === undefined ? "-" : String(count),
      cost === undefined ? "-" : usd(cost),
      count && cost !== undefined ? usd(cost / count) : "-",
    ]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row, index) =>
    row.map((
      cell,
      column,
    ) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("   ") +
    (index === 0 ? `\n${widths.map((w) => "-".repeat(w)).join("   ")}` : "")
  ).join("\n");
}
