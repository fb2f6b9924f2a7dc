/**
 * The run log (`unit_economics.sync_runs`) and the one-sync-at-a-time lease. The running row is the
 * lock: a partial unique index admits one running, non-dry-run row; its lease is renewed while the
 * run works, and a row whose lease ran out (a killed process) is closed as failed by the next run.
 *
 * @module
 */
import type { Sql } from "./database.ts";
import type { IsoDate } from "./dates.ts";
import { AppError, type ErrorCode } from "./errors.ts";
import type { Logger } from "./log.ts";
import type { DayWindow } from "./window.ts";

/** How long a running row holds the lock without renewal; a killed run blocks the next for at most this. */
export const LEASE_MS = 45_000;
/** How often a running process renews its lease. */
export const LEASE_RENEW_MS = 15_000;

/** Who started a run. */
export type Trigger = "http" | "cron" | "cli";

/** A row of `sync_runs` as the API shows it. */
export interface RunRow {
  id: number;
  trigger: Trigger;
  status: "running" | "succeeded" | "failed";
  dryRun: boolean;
  force: boolean;
  startedAt: string;
  finishedAt: string | null;
  windowFrom: IsoDate | null;
  windowTo: IsoDate | null;
  metrics: unknown;
  httpStatus: number | null;
  errorCode: string | null;
  error: string | null;
  requestId: string | null;
}

/** What a new run is. */
export interface RunStart {
  trigger: Trigger;
  dryRun: boolean;
  force: boolean;
  window?: DayWindow;
  requestId?: string;
}

/**
 * Inserts the running row, first closing rows whose lease ran out. A second sync while one holds
 * the lease is recorded as a failed row and refused with `sync_already_running` (409).
 *
 * @example
 * ```ts
 * const runId = await startRun(sql, { trigger: "http", dryRun: false, force: false, window });
 * ```
 */
export async function startRun(sql: Sql, run: RunStart): Promise<number> {
  await sql`
    update unit_economics.sync_runs
    set status = 'failed', finished_at = now(), lease_expires_at = null, http_status = 500,
        error_code = 'lease_expired',
        error = 'The process running this sync stopped without finishing (killed or timed out); values it did not record as sent are sent by the next run'
    where status = 'running' and lease_expires_at < now()
  `;
  const values = {
    trigger: run.trigger,
    dry_run: run.dryRun,
    force: run.force,
    window_from: run.window?.from ?? null,
    window_to: run.window?.to ?? null,
    request_id: run.requestId ?? null,
  };
  try {
    const [row] = await sql<{ id: number }[]>`
      insert into unit_economics.sync_runs
        (trigger, dry_run, force, window_from, window_to, request_id, status, lease_expires_at)
      values (${values.trigger}, ${values.dry_run}, ${values.force}, ${values.window_from},
              ${values.window_to}, ${values.request_id}, 'running',
              now() + ${LEASE_MS} * interval '1 millisecond')
      returning id
    `;
    return Number(row.id);
  } catch (error) {
    if ((error as { constraint_name?: string }).constraint_name !== "sync_runs_one_running") {
      throw error;
    }
  }
  const [running] = await sql<{ id: number; started_at: Date }[]>`
    select id, started_at from unit_economics.sync_runs
    where status = 'running' and not dry_run limit 1
  `;
  const message = running
    ? `Sync run ${running.id} (started ${running.started_at.toISOString()}) is still running; try again when it has finished`
    : "Another sync was running a moment ago; try again";
  await sql`
    insert into unit_economics.sync_runs
      (trigger, dry_run, force, window_from, window_to, request_id, status, finished_at,
       http_status, error_code, error)
    values (${values.trigger}, ${values.dry_run}, ${values.force}, ${values.window_from},
            ${values.window_to}, ${values.request_id}, 'failed', now(), 409,
            'sync_already_running', ${message})
  `;
  throw new AppError("sync_already_running", message, {
    // bigint ids come back from the driver as strings; the API's run ids are numbers.
    details: { runningRunId: running ? Number(running.id) : null },
  });
}

/**
 * Renews the run's lease every {@link LEASE_RENEW_MS} in the background, until the returned timer
 * is cleared; a failed renewal is logged, and the next one tries again.
 *
 * @example
 * ```ts
 * const lease = keepLease(sql, runId, logger);
 * try { await work(); } finally { clearInterval(lease); }
 * ```
 */
export function keepLease(sql: Sql, runId: number, logger: Logger): ReturnType<typeof setInterval> {
  return setInterval(() => {
    renewLease(sql, runId).catch((error) =>
      logger.warn("could not renew the run's lease", { error: String(error) })
    );
  }, LEASE_RENEW_MS);
}

/**
 * Renews the lease of a running row; call every {@link LEASE_RENEW_MS} while the run works.
 *
 * @example
 * ```ts
 * await renewLease(sql, runId);
 * ```
 */
export async function renewLease(sql: Sql, runId: number): Promise<void> {
  await sql`
    update unit_economics.sync_runs
    set lease_expires_at = now() + ${LEASE_MS} * interval '1 millisecond'
    where id = ${runId} and status = 'running'
  `;
}

/** How a run ended. */
export interface RunEnd {
  status: "succeeded" | "failed";
  metrics: unknown;
  httpStatus: number;
  errorCode?: ErrorCode;
  error?: string;
}

/**
 * Closes a running row with its outcome.
 *
 * @example
 * ```ts
 * await finishRun(sql, runId, { status: "succeeded", metrics: outcomes, httpStatus: 200 });
 * ```
 */
export async function finishRun(sql: Sql, runId: number, end: RunEnd): Promise<void> {
  await sql`
    update unit_economics.sync_runs
    set status = ${end.status}, finished_at = now(), lease_expires_at = null,
        metrics = ${sql.json(end.metrics as never)}, http_status = ${end.httpStatus},
        error_code = ${end.errorCode ?? null}, error = ${end.error ?? null}
    where id = ${runId}
  `;
}

/**
 * The newest `limit` runs, newest first.
 *
 * @example
 * ```ts
 * const runs = await listRuns(sql, 20);
 * ```
 */
export async function listRuns(sql: Sql, limit: number): Promise<RunRow[]> {
  const rows = await sql<Record<string, unknown>[]>`
    select id, trigger, status, dry_run, force, started_at, finished_at,
           to_char(window_from, 'YYYY-MM-DD') as window_from,
           to_char(window_to, 'YYYY-MM-DD') as window_to,
           metrics, http_status, error_code, error, request_id
    from unit_economics.sync_runs
    order by started_at desc, id desc
    limit ${limit}
  `;
  return rows.map((row) => ({
    id: Number(row.id),
    trigger: row.trigger as Trigger,
    status: row.status as RunRow["status"],
    dryRun: row.dry_run as boolean,
    force: row.force as boolean,
    startedAt: (row.started_at as Date).toISOString(),
    finishedAt: row.finished_at ? (row.finished_at as Date).toISOString() : null,
    windowFrom: row.window_from as string | null,
    windowTo: row.window_to as string | null,
    metrics: row.metrics,
    httpStatus: row.http_status as number | null,
    errorCode: row.error_code as string | null,
    error: row.error as string | null,
    requestId: row.request_id as string | null,
  }));
}
