/**
 * Which Vantage business metric each declared metric writes to: the token in its environment
 * variable when set, otherwise the one `apply` recorded in `unit_economics.metric_bindings`.
 *
 * @module
 */
import type { Config } from "./config.ts";
import type { Sql } from "./database.ts";

/** Where a metric's token came from. */
export interface MetricBinding {
  token: string;
  source: "environment" | "apply";
}

/** Metric key → its binding, or null when the metric has no token yet (unbound). */
export type MetricBindings = Record<string, MetricBinding | null>;

/** A row of `unit_economics.metric_bindings`. */
export interface RecordedBinding {
  metricKey: string;
  token: string;
  title: string;
}

/**
 * Every binding `apply` recorded, declared or not.
 *
 * @example
 * ```ts
 * const recorded = await loadRecordedBindings(sql);
 * ```
 */
export async function loadRecordedBindings(sql: Sql): Promise<RecordedBinding[]> {
  const rows = await sql<{ metric_key: string; token: string; title: string }[]>`
    select metric_key, token, title from unit_economics.metric_bindings order by metric_key
  `;
  return rows.map((row) => ({ metricKey: row.metric_key, token: row.token, title: row.title }));
}

/**
 * The token of every declared metric: its environment variable wins over the recorded binding.
 *
 * @example
 * ```ts
 * const bindings = await resolveBindings(sql, config);
 * bindings.orders?.token; // "bsnss_mtrc_…"
 * ```
 */
export async function resolveBindings(sql: Sql, config: Config): Promise<MetricBindings> {
  const recorded = await loadRecordedBindings(sql);
  const bindings: MetricBindings = {};
  for (const metric of config.metrics) {
    const fromEnvironment = config.metricTokens[metric.key];
    const fromApply = recorded.find((row) => row.metricKey === metric.key)?.token;
    bindings[metric.key] = fromEnvironment
      ? { token: fromEnvironment, source: "environment" }
      : fromApply
      ? { token: fromApply, source: "apply" }
      : null;
  }
  return bindings;
}

/**
 * Records (or replaces) the token of a metric.
 *
 * @example
 * ```ts
 * await recordBinding(sql, { metricKey: "revenue", token: "bsnss_mtrc_…", title: "Revenue" });
 * ```
 */
export async function recordBinding(sql: Sql, binding: RecordedBinding): Promise<void> {
  await sql`
    insert into unit_economics.metric_bindings (metric_key, token, title)
    values (${binding.metricKey}, ${binding.token}, ${binding.title})
    on conflict (metric_key) do update
      set token = excluded.token, title = excluded.title, bound_at = now()
  `;
}

/**
 * Forgets a metric's binding (after `apply --prune` deleted its Vantage metric).
 *
 * @example
 * ```ts
 * await forgetBinding(sql, "legacy_metric");
 * ```
 */
export async function forgetBinding(sql: Sql, metricKey: string): Promise<void> {
  await sql`delete from unit_economics.metric_bindings where metric_key = ${metricKey}`;
}
