/**
 * The record of values Vantage accepted (`unit_economics.sent_values`): the base of the diff, so a
 * sync sends only what changed, and written only after Vantage said yes, so nothing is lost.
 *
 * @module
 */
import type { Sql } from "./database.ts";
import type { IsoDate } from "./dates.ts";
import { parseAmount } from "./decimal.ts";
import type { MetricValue } from "./metric-values.ts";
import type { DayWindow } from "./window.ts";

/** Key of a value inside one business metric: day and label. */
export function valueKey(value: { date: IsoDate; label: string }): string {
  return `${value.date}\u0000${value.label}`;
}

/**
 * What was last accepted for `metricToken` inside `window`, by {@link valueKey}.
 *
 * @example
 * ```ts
 * const sent = await loadSentValues(sql, "bsnss_mtrc_…", window);
 * sent.get(valueKey({ date: "2026-11-27", label: "" }))?.amount; // "42"
 * ```
 */
export async function loadSentValues(
  sql: Sql,
  metricToken: string,
  window: DayWindow,
): Promise<Map<string, MetricValue>> {
  const rows = await sql<{ date: string; label: string; amount: string }[]>`
    select to_char(date, 'YYYY-MM-DD') as date, label, amount::text as amount
    from unit_economics.sent_values
    where metric_token = ${metricToken} and date between ${window.from}::date and ${window.to}::date
  `;
  const sent = new Map<string, MetricValue>();
  for (const row of rows) {
    const parsed = parseAmount(row.amount);
    if (parsed.kind === "finite") {
      sent.set(valueKey(row), { date: row.date, label: row.label, amount: parsed.value });
    }
  }
  return sent;
}

/** Values to send and values Vantage already has. */
export interface ValueDiff {
  changed: MetricValue[];
  unchanged: MetricValue[];
}

/**
 * Splits `values` into those that differ from what was last sent and those that do not; with
 * `force`, everything counts as changed.
 *
 * @example
 * ```ts
 * diffValues([{ date: "2026-11-27", label: "", amount: "42" }], new Map(), false).changed.length; // 1
 * ```
 */
export function diffValues(
  values: readonly MetricValue[],
  sent: ReadonlyMap<string, MetricValue>,
  force: boolean,
): ValueDiff {
  const diff: ValueDiff = { changed: [], unchanged: [] };
  for (const value of values) {
    const previous = sent.get(valueKey(value))?.amount;
    if (!force && value.amount !== null && previous === value.amount) diff.unchanged.push(value);
    else diff.changed.push(value);
  }
  return diff;
}

/**
 * Records values that Vantage accepted (an upsert by token, day and label; null amounts delete).
 *
 * @example
 * ```ts
 * await recordSentValues(sql, { metricToken, metricKey: "orders", runId: 7, values: batch });
 * ```
 */
export async function recordSentValues(
  sql: Sql,
  entry: { metricToken: string; metricKey: string; runId: number; values: readonly MetricValue[] },
): Promise<void> {
  const upserts = entry.values.filter((value) => value.amount !== null);
  const deletions = entry.values.filter((value) => value.amount === null);
  await sql.begin(async (tx) => {
    if (upserts.length > 0) {
      await tx`
        insert into unit_economics.sent_values (metric_token, date, label, amount, metric_key, run_id)
        select ${entry.metricToken}, v.date, v.label, v.amount, ${entry.metricKey}, ${entry.runId}
        from jsonb_to_recordset(${
        tx.json(upserts as never)
      }) as v(date date, label text, amount numeric)
        on conflict (metric_token, date, label) do update
          set amount = excluded.amount, metric_key = excluded.metric_key,
              run_id = excluded.run_id, sent_at = now()
      `;
    }
    if (deletions.length > 0) {
      await tx`
        delete from unit_economics.sent_values s
        using jsonb_to_recordset(${tx.json(deletions as never)}) as v(date date, label text)
        where s.metric_token = ${entry.metricToken} and s.date = v.date and s.label = v.label
      `;
    }
  });
}
