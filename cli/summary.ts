/**
 * The readable summary of a sync result that the CLIs print by default.
 *
 * @module
 */
import type { SyncResult } from "../functions/_shared/sync.ts";
import { table } from "./table.ts";

/** Planned values listed one per line in a dry run's summary; the rest are counted. */
const PLANNED_SHOWN = 20;

/**
 * Formats a result as a few lines and a table, one row per metric.
 *
 * @example
 * ```ts
 * console.log(formatSyncSummary(result));
 * ```
 */
export function formatSyncSummary(result: SyncResult): string {
  const window = result.window ? `${result.window.from}..${result.window.to}` : "(none)";
  const mode = result.dryRun ? " (dry run: nothing sent)" : "";
  const lines = [
    `Sync run ${result.runId} ${result.status}${mode}: window ${window}, trigger ${result.trigger}, ${
      (result.durationMs / 1000).toFixed(1)
    } s`,
    "",
  ];
  const header = [
    "metric",
    "status",
    "rows",
    result.dryRun ? "to send" : "sent",
    "deleted",
    "unchanged",
    "missing days",
    "token",
  ];
  const rows = result.metrics.map((m) => [
    m.key,
    m.status,
    String(m.rowsRead),
    String(result.dryRun ? (m.planned?.length ?? 0) : m.sent),
    String(m.deleted),
    String(m.unchanged),
    String(m.missingDays.length),
    m.token ?? "(unbound)",
  ]);
  lines.push(...table([header, ...rows]));
  for (const m of result.metrics) {
    if (m.error) lines.push("", `${m.key}: ${m.error.code}: ${m.error.message}`);
    if (m.status === "unbound") {
      lines.push(
        "",
        `${m.key}: no Vantage token yet: run \`deno task apply\`, or set the metric's token variable`,
      );
    }
    const planned = m.planned ?? [];
    for (const value of planned.slice(0, PLANNED_SHOWN)) {
      lines.push(
        `  would send ${m.key} ${value.date}${value.label ? ` [${value.label}]` : ""} = ${
          value.amount ?? "(delete)"
        }`,
      );
    }
    if (planned.length > PLANNED_SHOWN) {
      lines.push(`  … and ${planned.length - PLANNED_SHOWN} more (--json lists them all)`);
    }
  }
  return lines.join("\n");
}
