/**
 * After a sync: find cost-per-unit anomalies in the synced window that were never announced, post
 * them to the webhook (a Slack-compatible `{"text": …}` body with the details beside it), and record
 * them so each is announced once. A failing webhook is logged; it never fails the sync.
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Sql } from "../database.ts";
import type { Logger } from "../log.ts";
import type { VantageClient } from "../vantage/client.ts";
import type { DayWindow } from "../window.ts";
import type { UnitCostDay, UnitCostReport } from "./model.ts";
import { buildUnitCostReport } from "./report.ts";

/** How long the webhook may take to answer. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** What the notifier needs. */
export interface NotifyDependencies {
  config: Config;
  sql: Sql;
  vantage?: VantageClient;
  clock: Clock;
  logger: Logger;
  fetch?: typeof fetch;
}

/** One anomaly as posted. */
export interface AnnouncedAnomaly {
  metric: string;
  costReportToken: string;
  date: string;
  direction: "up" | "down";
  costPerUnit: number;
  baseline: number;
  changePercent: number;
}

/**
 * Posts the new anomalies of `metrics` in `window`; resolves with what was announced.
 *
 * @example
 * ```ts
 * await announceNewAnomalies(deps, { runId, metrics: ["orders"], window });
 * ```
 */
export async function announceNewAnomalies(
  deps: NotifyDependencies,
  run: { runId: number; metrics: string[]; window: DayWindow },
): Promise<AnnouncedAnomaly[]> {
  const url = deps.config.anomalyWebhookUrl;
  if (!url) return [];
  const found: AnnouncedAnomaly[] = [];
  for (const metric of run.metrics) {
    const report = await buildUnitCostReport(deps, { metric, window: run.window });
    found.push(...anomaliesOf(report));
  }
  const fresh = await notYetAnnounced(deps.sql, found);
  if (fresh.length === 0) return [];
  const response = await (deps.fetch ?? fetch)(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text: describe(fresh), anomalies: fresh }),
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`the anomaly webhook answered ${response.status}`);
  await record(deps.sql, run.runId, fresh);
  return fresh;
}

function anomaliesOf(report: UnitCostReport): AnnouncedAnomaly[] {
  return report.series.flatMap((series) =>
    series.days.filter((
      day,
    ): day is UnitCostDay & { anomaly: NonNullable<UnitCostDay["anomaly"]> } =>
      day.anomaly !== null
    ).map((day) => ({
      metric: report.metric.key,
      costReportToken: series.costReportToken,
      date: day.date,
      direction: day.anomaly.direction,
      costPerUnit: day.costPerUnit!,
      baseline: day.anomaly.baseline,
      changePercent: day.anomaly.changePercent,
    }))
  );
}

async function notYetAnnounced(
  sql: Sql,
  anomalies: AnnouncedAnomaly[],
): Promise<AnnouncedAnomaly[]> {
  if (anomalies.length === 0) return [];
  const known = await sql<{ key: string }[]>`
    select metric_key || '|' || cost_report_token || '|' || to_char(date, 'YYYY-MM-DD') as key
    from unit_economics.anomaly_notifications
    where metric_key = any(${[...new Set(anomalies.map((a) => a.metric))]}::text[])
  `;
  const seen = new Set(known.map((row) => row.key));
  return anomalies.filter((a) => !seen.has(`${a.metric}|${a.costReportToken}|${a.date}`));
}

async function record(sql: Sql, runId: number, anomalies: AnnouncedAnomaly[]): Promise<void> {
  const rows = anomalies.map((a) => ({
    metric_key: a.metric,
    cost_report_token: a.costReportToken,
    date: a.date,
    direction: a.direction,
    cost_per_unit: a.costPerUnit,
    baseline: a.baseline,
    run_id: runId,
  }));
  await sql`insert into unit_economics.anomaly_notifications ${sql(rows)} on conflict do nothing`;
}

function describe(anomalies: AnnouncedAnomaly[]): string {
  const lines = anomalies.map((a) =>
    `• ${a.metric} on ${a.date}: cost per unit ${a.costPerUnit.toFixed(4)} vs a baseline of ${
      a.baseline.toFixed(4)
    } (${a.changePercent >= 0 ? "+" : ""}${a.changePercent.toFixed(0)}%, ${
      a.direction === "up" ? "worse" : "better"
    })`
  );
  return `Unit economics: ${anomalies.length} new cost-per-unit ${
    anomalies.length === 1 ? "anomaly" : "anomalies"
  }\n${lines.join("\n")}`;
}
