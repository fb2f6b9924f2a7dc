/**
 * Reads a metric's daily rows from its source relation: one query per metric, identifiers from the
 * declaration only and quoted by the driver, values as text so nothing is rounded on the way.
 *
 * @module
 */
import type { Sql } from "./database.ts";
import { databaseUnavailable, isDatabaseUnavailable } from "./database.ts";
import { AppError } from "./errors.ts";
import type { SourceRow } from "./metric-values.ts";
import type { MetricDefinition } from "./metrics.ts";
import type { DayWindow } from "./window.ts";

// Postgres errors that mean the declaration does not match the database (the fix is in config or SQL).
const UNDEFINED_OBJECT = new Set(["42P01", "42703", "3F000", "42883", "42846", "42804", "42501"]);
// The role the function connects as lacks SELECT on the source (migration *_function_role.sql).
const INSUFFICIENT_PRIVILEGE = "42501";

/**
 * The rows of `metric`'s source inside `window`, ordered by day; Postgres cancels the query after
 * `timeoutMs`, so a slow view cannot eat the run's deadline.
 *
 * @example
 * ```ts
 * const rows = await readSourceRows(sql, orders, { from: "2026-11-21", to: "2026-11-27" }, 30_000);
 * // [{ date: "2026-11-21", value: "121" }, …]
 * ```
 */
export async function readSourceRows(
  sql: Sql,
  metric: Pick<MetricDefinition, "key" | "source">,
  window: DayWindow,
  timeoutMs: number,
): Promise<SourceRow[]> {
  const { schema, relation, dateColumn, valueColumn, labelColumn } = metric.source;
  const day = sql(dateColumn);
  try {
    // `set local` inside a transaction, not a connection parameter: poolers in transaction mode
    // share connections and may refuse startup parameters.
    return await sql.begin(async (tx) => {
      await tx`select set_config('statement_timeout', ${String(timeoutMs)}, true)`;
      return await tx<SourceRow[]>`
        select to_char(${day}::date, 'YYYY-MM-DD') as date,
               ${labelColumn ? tx`${tx(labelColumn)}::text` : tx`null::text`} as label,
               ${tx(valueColumn)}::text as value
        from ${tx(schema)}.${tx(relation)}
        where ${day}::date between ${window.from}::date and ${window.to}::date
           or ${day} is null
        order by 1 nulls first, 2
      `;
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "57014") {
      throw new AppError(
        "database_unavailable",
        `Metric "${metric.key}": reading ${schema}.${relation} took longer than ${timeoutMs} ms (UNIT_ECONOMICS_SOURCE_TIMEOUT_MS) and was cancelled; make it faster for a window of days (an index on ${dateColumn}?) or raise the limit`,
        { cause: error, details: { metric: metric.key, postgresCode: code } },
      );
    }
    if (isDatabaseUnavailable(error)) {
      throw databaseUnavailable(error, `reading ${schema}.${relation}`);
    }
    if (code && UNDEFINED_OBJECT.has(code)) {
      const fix = code === INSUFFICIENT_PRIVILEGE
        ? `grant the function's database role read access: grant select on ${schema}.${relation} to unit_economics_function`
        : `check that the relation and the columns ${dateColumn}, ${valueColumn} exist and are readable`;
      throw new AppError(
        "source_unavailable",
        `Metric "${metric.key}": cannot read ${schema}.${relation} (${
          (error as Error).message
        }); ${fix}`,
        { cause: error, details: { metric: metric.key, postgresCode: code } },
      );
    }
    throw error;
  }
}
