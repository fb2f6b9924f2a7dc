/**
 * Is the sync keeping up? Per metric: the last run in which it succeeded, the newest day Vantage
 * accepted, and `stale` when that success is older than the threshold (or never happened), so an
 * uptime monitor can alert on `GET /status` answering 503.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { resolveBindings } from "./bindings.ts";
import type { Sql } from "./database.ts";

/** One metric's freshness. */
export interface MetricStatus {
  key: string;
  token: string | null;
  stale: boolean;
  /** Why it is stale, in words; absent when fresh. */
  reason?: string;
  lastSuccessAt: string | null;
  lastSuccessRunId: number | null;
  /** Newest day whose value Vantage accepted for the current token. */
  newestDaySent: string | null;
}

/** The whole report of `GET /status`. */
export interface StatusReport {
  status: "ok" | "stale";
  stale: boolean;
  staleAfterHours: number;
  checkedAt: string;
  lastRun: {
    id: number;
    status: string;
    trigger: string;
    startedAt: string;
    finishedAt: string | null;
    errorCode: string | null;
  } | null;
  metrics: MetricStatus[];
}

const HOUR_MS = 3_600_000;

/**
 * Reads the freshness of every declared metric.
 *
 * @example
 * ```ts
 * const report = await readStatus(sql, config, Date.now());
 * if (report.stale) console.error(report.metrics.filter((m) => m.stale));
 * ```
 */
export async function readStatus(sql: Sql, config: Config, nowMs: number): Promise<StatusReport> {
  const successes = await sql<{ key: string; finished_at: Date; id: string }[]>`
    select distinct on (m->>'key') m->>'key' as key, r.finished_at, r.id
    from unit_economics.sync_runs r
    cross join lateral jsonb_array_elements(r.metrics) as m
    where not r.dry_run and r.finished_at is not null and m->>'status' = 'succeeded'
    order by m->>'key', r.finished_at desc
  `;
  const bindings = await resolveBindings(sql, config);
  const tokens = config.metrics.flatMap((metric) => bindings[metric.key]?.token ?? []);
  const newest = await sql<{ metric_token: string; newest: string }[]>`
    select metric_token, to_char(max(date), 'YYYY-MM-DD') as newest
    from unit_economics.sent_values
    where metric_token = any(${tokens}::text[])
    group by metric_token
  `;
  const [lastRun] = await sql<Record<string, unknown>[]>`
    select id, status, trigger, started_at, finished_at, error_code
    from unit_economics.sync_runs where not dry_run
    order by started_at desc, id desc limit 1
  `;

  const thresholdMs = config.staleAfterHours * HOUR_MS;
  const metrics = config.metrics.map((metric): MetricStatus => {
    const token = bindings[metric.key]?.token ?? null;
    const success = successes.find((row) => row.key === metric.key);
    const ageMs = success ? nowMs - success.finished_at.getTime() : undefined;
    let reason: string | undefined;
    if (!token) {
      reason = `no Vantage token yet: run \`deno task apply\` or set ${metric.tokenVariable}`;
    } else if (ageMs === undefined) reason = "never synced successfully";
    else if (ageMs > thresholdMs) {
      reason = `last success ${
        (ageMs / HOUR_MS).toFixed(1)
      } h ago, more than ${config.staleAfterHours} h`;
    }
    return {
      key: metric.key,
      token,
      stale: reason !== undefined,
      ...(reason ? { reason } : {}),
      lastSuccessAt: success?.finished_at.toISOString() ?? null,
      lastSuccessRunId: success ? Number(success.id) : null,
      newestDaySent: newest.find((row) => row.metric_token === token)?.newest ?? null,
    };
  });
  const stale = metrics.some((metric) => metric.stale);
  return {
    status: stale ? "stale" : "ok",
    stale,
    staleAfterHours: config.staleAfterHours,
    checkedAt: new Date(nowMs).toISOString(),
    lastRun: lastRun
      ? {
        id: Number(lastRun.id),
        status: lastRun.status as string,
        trigger: lastRun.trigger as string,
        startedAt: (lastRun.started_at as Date).toISOString(),
        finishedAt: lastRun.finished_at ? (lastRun.finished_at as Date).toISOString() : null,
        errorCode: lastRun.error_code as string | null,
      }
      : null,
    metrics,
  };
}
