/**
 * The sync engine: for each metric, read the window's rows, validate them, diff against what
 * Vantage already accepted, send the changes in batches, and record what was accepted; the run row
 * and one log line say how it went. HTTP, pg_cron and the CLI all come through {@link runSync}.
 *
 * @module
 */
import { inBatches } from "./batches.ts";
import type { MetricBindings } from "./bindings.ts";
import { type Clock, systemClock } from "./clock.ts";
import type { Config } from "./config.ts";
import { databaseUnavailable, isDatabaseUnavailable, type Sql, withDatabase } from "./database.ts";
import type { IsoDate } from "./dates.ts";
import { AppError, type ErrorBody, mostSevere, toAppError } from "./errors.ts";
import { createLogger, type Logger } from "./log.ts";
import { type MetricValue, toMetricValues } from "./metric-values.ts";
import type { MetricDefinition } from "./metrics.ts";
import { finishRun, keepLease, startRun } from "./runs.ts";
import { resolveRunScope } from "./run-scope.ts";
import { metricFailure } from "./metric-failure.ts";
import { readSourceRows } from "./source.ts";
import { diffValues, loadSentValues, recordSentValues, valueKey } from "./sent-values.ts";
import type { SyncRequest } from "./sync-request.ts";
import {
  MAX_VALUES_PER_REQUEST,
  type VantageClient,
  vantageClientFromConfig,
} from "./vantage/client.ts";
import type { DayWindow } from "./window.ts";

/** What the engine needs from its caller. */
export interface SyncDependencies {
  config: Config;
  sql: Sql;
  /** Defaults to a client built from the configuration. */
  vantage?: VantageClient;
  clock?: Clock;
  logger?: Logger;
  /** The HTTP request id, kept on the run row to match it with the gateway's logs. */
  requestId?: string;
  /** Aborting stops the run before its next batch, recorded as `interrupted` (the CLI's Ctrl-C). */
  signal?: AbortSignal;
  /** Told after each batch Vantage accepted (the CLI shows progress with it). */
  onProgress?: (progress: { metric: string; sent: number; toSend: number }) => void;
}

/** How one metric fared in a run. */
export interface MetricOutcome {
  key: string;
  /** The Vantage business metric token, or null when the metric is not bound to one yet. */
  token: string | null;
  status: "succeeded" | "failed" | "unbound";
  window: DayWindow;
  rowsRead: number;
  /** Values Vantage accepted in this run (in a dry run: 0). */
  sent: number;
  /** Values deleted in Vantage because they left the source (mirror mode). */
  deleted: number;
  /** Values equal to what Vantage already had, not sent. */
  unchanged: number;
  /** Days without a source value, not sent (missing-day policy `skip`). */
  missingDays: IsoDate[];
  /** Dry run only: what a real run would send. */
  planned?: { date: IsoDate; label: string | null; amount: string | null }[];
  error?: ErrorBody["error"];
}

/** The result of a run that reached the run log. */
export interface SyncResult {
  runId: number;
  status: "succeeded" | "failed";
  /** 200, or the most severe failure's status (503 > 502 > 422). */
  httpStatus: number;
  trigger: SyncRequest["trigger"];
  dryRun: boolean;
  force: boolean;
  window: DayWindow | null;
  metrics: MetricOutcome[];
  durationMs: number;
  /** New cost-per-unit anomalies posted to the webhook (0 when none is configured). */
  anomaliesAnnounced: number;
  error?: ErrorBody["error"];
}

/**
 * Runs one sync. Throws an {@link AppError} when the request cannot start a run (unknown metric,
 * future date, missing configuration, database down, another sync running); otherwise returns the
 * recorded result, failed metrics included.
 *
 * @example
 * ```ts
 * const result = await runSync({ config, sql }, syncRequestSchema.parse({}));
 * console.log(result.httpStatus, result.metrics[0].sent);
 * ```
 */
export async function runSync(deps: SyncDependencies, request: SyncRequest): Promise<SyncResult> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger({ secrets: deps.config.secrets });
  const startedAt = clock.now();
  const { metrics, windows, window, bindings } = await resolveRunScope(
    deps.config,
    deps.sql,
    request,
    startedAt,
  );

  const runId = await withDatabase("starting the run", () =>
    startRun(deps.sql, {
      trigger: request.trigger,
      dryRun: request.dryRun,
      force: request.force,
      window: window ?? undefined,
      requestId: deps.requestId,
    }));
  const runLogger = logger.child({ runId });
  // Dry runs hold no lock, but renew too: an expired lease marks a row as abandoned.
  const lease = keepLease(deps.sql, runId, runLogger);
  const deadlineMs = startedAt + deps.config.runDeadlineMs;
  const outcomes: MetricOutcome[] = [];
  let anomaliesAnnounced = 0;
  try {
    for (const metric of metrics) {
      outcomes.push(
        await syncMetric(
          { ...deps, bindings, clock, logger: runLogger, runId, request, deadlineMs },
          metric,
          windows.get(metric.key)!,
        ),
      );
    }
    if (!request.dryRun && window) {
      anomaliesAnnounced = await announceAnomalies(deps, clock, runLogger, runId, outcomes, window);
    }
  } finally {
    clearInterval(lease);
  }

  const failures = outcomes.flatMap((
    o,
  ) => (o.error ? [new AppError(o.error.code, o.error.message)] : []));
  const worst = mostSevere(failures);
  const result: SyncResult = {
    runId,
    status: worst ? "failed" : "succeeded",
    httpStatus: worst?.status ?? 200,
    trigger: request.trigger,
    dryRun: request.dryRun,
    force: request.force,
    window,
    metrics: outcomes,
    durationMs: clock.now() - startedAt,
    anomaliesAnnounced,
    ...(worst ? { error: { code: worst.code, message: worst.message } } : {}),
  };
  try {
    await finishRun(deps.sql, runId, {
      status: result.status,
      metrics: outcomes.map(({ planned: _planned, ...rest }) => rest),
      httpStatus: result.httpStatus,
      errorCode: worst?.code,
      error: worst?.message,
    });
  } catch (error) {
    // The log line below is then the only record; the lease runs out and the next run closes the row.
    const failure = isDatabaseUnavailable(error)
      ? databaseUnavailable(error, "recording the run's outcome")
      : toAppError(error);
    runLogger.error("could not record the run's outcome", { error: failure.message });
    if (result.httpStatus < failure.status || failure.status === 503) {
      Object.assign(result, {
        status: "failed",
        httpStatus: failure.status,
        error: failure.toBody().error,
      });
    }
  }
  const summary = {
    trigger: result.trigger,
    status: result.status,
    httpStatus: result.httpStatus,
    dryRun: result.dryRun,
    window: result.window,
    durationMs: result.durationMs,
    metrics: outcomes.map((o) => ({
      key: o.key,
      status: o.status,
      rowsRead: o.rowsRead,
      sent: o.sent,
      deleted: o.deleted,
      unchanged: o.unchanged,
      missingDays: o.missingDays.length,
      ...(o.error ? { errorCode: o.error.code } : {}),
    })),
    ...(result.error ? { error: result.error } : {}),
  };
  if (result.status === "succeeded") runLogger.info("sync finished", summary);
  else runLogger.error("sync failed", summary);
  return result;
}

/**
 * Posts new cost-per-unit anomalies of the metrics that synced, when a webhook is configured. The
 * report code is imported only then, so a plain sync never loads it; a failure is only logged.
 */
async function announceAnomalies(
  deps: SyncDependencies,
  clock: Clock,
  logger: Logger,
  runId: number,
  outcomes: readonly MetricOutcome[],
  window: DayWindow,
): Promise<number> {
  const metrics = outcomes.filter((o) => o.status === "succeeded" && o.token).map((o) => o.key);
  if (!deps.config.anomalyWebhookUrl || metrics.length === 0) return 0;
  try {
    const { announceNewAnomalies } = await import("./unit-costs/notify.ts");
    const announced = await announceNewAnomalies(
      { config: deps.config, sql: deps.sql, vantage: deps.vantage, clock, logger },
      { runId, metrics, window },
    );
    if (announced.length > 0) logger.info("anomalies announced", { count: announced.length });
    return announced.length;
  } catch (error) {
    logger.warn("could not announce anomalies", {
      error: error instanceof Error ? error.message : String(error),
    });
    return 0;
  }
}

/** Values recorded as sent in the window that the source no longer has: deletions for Vantage. */
function vanishedValues(
  current: readonly MetricValue[],
  sent: ReadonlyMap<string, MetricValue>,
): MetricValue[] {
  const present = new Set(current.map(valueKey));
  return [...sent.values()]
    .filter((value) => !present.has(valueKey(value)))
    .map((value) => ({ ...value, amount: null }));
}

function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new AppError(
      "interrupted",
      "The run was interrupted before all values were sent; what Vantage accepted is recorded, the next run sends the rest",
    );
  }
}

interface MetricContext extends SyncDependencies {
  bindings: MetricBindings;
  clock: Clock;
  logger: Logger;
  runId: number;
  request: SyncRequest;
  deadlineMs: number;
}

async function syncMetric(
  ctx: MetricContext,
  metric: MetricDefinition,
  window: DayWindow,
): Promise<MetricOutcome> {
  const token = ctx.bindings[metric.key]?.token ?? null;
  const outcome: MetricOutcome = {
    key: metric.key,
    token,
    status: "succeeded",
    window,
    rowsRead: 0,
    sent: 0,
    deleted: 0,
    unchanged: 0,
    missingDays: [],
  };
  try {
    const rows = await readSourceRows(ctx.sql, metric, window, ctx.config.sourceTimeoutMs);
    outcome.rowsRead = rows.length;
    const prepared = toMetricValues(rows, metric, window);
    outcome.missingDays = prepared.missingDays;
    const sent = token
      ? await withDatabase(
        "reading the values already sent",
        () => loadSentValues(ctx.sql, token, window),
      )
      : new Map();
    const diff = diffValues(prepared.values, sent, ctx.request.force);
    // Mirror mode: what was sent before and is gone from the source now is deleted in Vantage.
    if (metric.mode === "mirror") diff.changed.push(...vanishedValues(prepared.values, sent));
    outcome.unchanged = diff.unchanged.length;
    if (ctx.request.dryRun) outcome.planned = diff.changed.map(toPlanned);
    if (!token) {
      outcome.status = "unbound";
      return outcome;
    }
    if (ctx.request.dryRun || diff.changed.length === 0) return outcome;

    const vantage = ctx.vantage ??
      vantageClientFromConfig(ctx.config, { clock: ctx.clock, logger: ctx.logger });
    for (const batch of inBatches(diff.changed, MAX_VALUES_PER_REQUEST)) {
      throwIfInterrupted(ctx.signal);
      await vantage.putBusinessMetricValues(token, batch, ctx.deadlineMs);
      await withDatabase(
        "recording values Vantage accepted",
        () =>
          recordSentValues(ctx.sql, {
            metricToken: token,
            metricKey: metric.key,
            runId: ctx.runId,
            values: batch,
          }),
      );
      const deletions = batch.filter((value) => value.amount === null).length;
      outcome.deleted += deletions;
      outcome.sent += batch.length - deletions;
      ctx.onProgress?.({
        metric: metric.key,
        sent: outcome.sent + outcome.deleted,
        toSend: diff.changed.length,
      });
    }
  } catch (error) {
    outcome.status = "failed";
    outcome.error = metricFailure(error, metric, ctx.bindings[metric.key], ctx.logger);
  }
  return outcome;
}

function toPlanned(value: MetricValue) {
  return { date: value.date, label: value.label === "" ? null : value.label, amount: value.amount };
}
