/**
 * `verify` and `repair`: read each metric's values back from Vantage, compare them with the source
 * (read and validated exactly as a sync reads it), and on request send the corrections and bring the
 * record of sent values in line with what Vantage then holds. Only a repair writes anything, and it
 * runs as a row of `sync_runs`, so it holds the same one-at-a-time lock as a sync.
 *
 * @module
 */
import { inBatches } from "./batches.ts";
import type { MetricBindings } from "./bindings.ts";
import { type Clock, systemClock } from "./clock.ts";
import { type Config, requireSetting } from "./config.ts";
import { databaseUnavailable, isDatabaseUnavailable, type Sql, withDatabase } from "./database.ts";
import type { IsoDate } from "./dates.ts";
import { AppError, type ErrorBody, mostSevere, toAppError } from "./errors.ts";
import { createLogger, type Logger } from "./log.ts";
import { type MetricValue, toMetricValues } from "./metric-values.ts";
import type { MetricDefinition } from "./metrics.ts";
import { finishRun, startRun } from "./runs.ts";
import { loadSentValues, recordSentValues } from "./sent-values.ts";
import { metricFailure } from "./metric-failure.ts";
import { resolveRunScope } from "./run-scope.ts";
import { readSourceRows } from "./source.ts";
import type { SyncRequest } from "./sync-request.ts";
import { keepLease } from "./runs.ts";
import {
  MAX_VALUES_PER_REQUEST,
  type VantageClient,
  vantageClientFromConfig,
} from "./vantage/client.ts";
import {
  applyChanges,
  compareValues,
  type Comparison,
  corrections,
  driftCount,
  fromVantageValues,
  recordChanges,
} from "./verify-compare.ts";
import type { DayWindow } from "./window.ts";

/** What a verify asks for: a sync request's window, metrics and trigger, and whether to repair. */
export type VerifyRequest = Pick<SyncRequest, "date" | "from" | "to" | "metrics" | "trigger"> & {
  /** Send the corrections and align the record of sent values (a run in `sync_runs`). */
  repair: boolean;
};

/** What the verifier needs from its caller. */
export interface VerifyDependencies {
  config: Config;
  sql: Sql;
  /** Defaults to a client built from the configuration. */
  vantage?: VantageClient;
  clock?: Clock;
  logger?: Logger;
}

/** What a repair did for one metric. */
export interface RepairOutcome {
  /** Values sent with the source's amount. */
  sent: number;
  /** Extras deleted in Vantage (mirror mode only). */
  deleted: number;
  /** Rows of `sent_values` written or removed beyond the corrections, to match what Vantage holds. */
  recordsAligned: number;
}

/** How one metric compares; labels are `""` when unlabeled. */
export interface VerifyOutcome extends Comparison {
  key: string;
  token: string | null;
  mode: MetricDefinition["mode"];
  /**
   * `in_sync`: nothing to correct (upsert-mode extras do not count); `drift`: corrections needed;
   * `repaired`: the corrections were sent; `unbound`: no Vantage token; `failed`: see `error`.
   */
  status: "in_sync" | "drift" | "repaired" | "unbound" | "failed";
  window: DayWindow;
  rowsRead: number;
  /** Days without a source value (missing-day policy `skip`): not compared. */
  missingDays: IsoDate[];
  repair?: RepairOutcome;
  error?: ErrorBody["error"];
}

/** The outcome of a verify, with or without repair. */
export interface VerifyResult {
  /** `failed` when a metric failed, else `drift` when drift remains, else `repaired` or `in_sync`. */
  status: "in_sync" | "drift" | "repaired" | "failed";
  /** 200, or the most severe failure's status (503 > 502 > 422). */
  httpStatus: number;
  repair: boolean;
  /** The repair's row in `sync_runs`; null for a plain verify. */
  runId: number | null;
  window: DayWindow | null;
  /** True when some metric still differs from its source (what a monitor alerts on). */
  driftRemaining: boolean;
  totals: {
    matching: number;
    missing: number;
    changed: number;
    extra: number;
    sent: number;
    deleted: number;
  };
  metrics: VerifyOutcome[];
  durationMs: number;
  error?: ErrorBody["error"];
}

/**
 * Verifies the requested metrics against Vantage and, with `repair`, corrects them. Throws an
 * {@link AppError} when it cannot start (unknown metric, future date, missing configuration,
 * database down, a sync running during a repair); otherwise returns the result, failed metrics
 * included.
 *
 * @example
 * ```ts
 * const result = await runVerify({ config, sql }, { repair: false, trigger: "cli" });
 * if (result.driftRemaining) console.error(result.totals);
 * ```
 */
export async function runVerify(
  deps: VerifyDependencies,
  request: VerifyRequest,
): Promise<VerifyResult> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger({ secrets: deps.config.secrets });
  const startedAt = clock.now();
  const { metrics, windows, window, bindings } = await resolveRunScope(
    deps.config,
    deps.sql,
    request,
    startedAt,
  );

  // Unbound metrics read nothing from Vantage: the token is needed only when one is bound.
  if (metrics.some((metric) => bindings[metric.key])) {
    requireSetting(deps.config, "VANTAGE_API_TOKEN");
  }
  let client = deps.vantage;
  const vantage = () => client ??= vantageClientFromConfig(deps.config, { clock, logger });

  // A repair writes to Vantage and sent_values: it takes the sync lock, so it never races a sync.
  const runId = request.repair
    ? await withDatabase("starting the repair run", () =>
      startRun(deps.sql, {
        trigger: request.trigger,
        dryRun: false,
        force: false,
        window: window ?? undefined,
      }))
    : null;
  const runLogger = runId === null ? logger : logger.child({ runId });
  const lease = runId === null ? undefined : keepLease(deps.sql, runId, runLogger);
  const ctx: MetricContext = {
    ...deps,
    vantage,
    bindings,
    runId,
    logger: runLogger,
    deadlineMs: startedAt + deps.config.runDeadlineMs,
  };
  const outcomes: VerifyOutcome[] = [];
  try {
    for (const metric of metrics) {
      outcomes.push(await verifyMetric(ctx, metric, windows.get(metric.key)!));
    }
  } finally {
    clearInterval(lease);
  }

  const result = summarize(outcomes, {
    repair: request.repair,
    runId,
    window,
    durationMs: clock.now() - startedAt,
  });
  if (runId !== null) await recordRun(deps.sql, runId, result, runLogger);
  const summary = {
    status: result.status,
    repair: result.repair,
    window: result.window,
    durationMs: result.durationMs,
    totals: result.totals,
    metrics: outcomes.map((o) => ({
      key: o.key,
      status: o.status,
      missing: o.missing.length,
      changed: o.changed.length,
      extra: o.extra.length,
      ...(o.error ? { errorCode: o.error.code } : {}),
    })),
  };
  if (result.status === "failed") runLogger.error("verify failed", summary);
  else if (result.driftRemaining) runLogger.warn("verify found drift", summary);
  else runLogger.info("verify finished", summary);
  return result;
}

interface MetricContext extends Omit<VerifyDependencies, "vantage"> {
  vantage: () => VantageClient;
  bindings: MetricBindings;
  runId: number | null;
  logger: Logger;
  deadlineMs: number;
}

async function verifyMetric(
  ctx: MetricContext,
  metric: MetricDefinition,
  window: DayWindow,
): Promise<VerifyOutcome> {
  const token = ctx.bindings[metric.key]?.token ?? null;
  const outcome: VerifyOutcome = {
    key: metric.key,
    token,
    mode: metric.mode,
    status: token ? "in_sync" : "unbound",
    window,
    rowsRead: 0,
    missingDays: [],
    matching: 0,
    missing: [],
    changed: [],
    extra: [],
  };
  if (!token) return outcome;
  try {
    const rows = await readSourceRows(ctx.sql, metric, window, ctx.config.sourceTimeoutMs);
    outcome.rowsRead = rows.length;
    const prepared = toMetricValues(rows, metric, window);
    outcome.missingDays = prepared.missingDays;
    const held = fromVantageValues(
      await ctx.vantage().listBusinessMetricValues(token, window.from, ctx.deadlineMs),
      window,
    );
    const comparison = compareValues(prepared.values, held);
    Object.assign(outcome, comparison);
    const drifted = driftCount(comparison, metric.mode) > 0;
    if (drifted) outcome.status = "drift";
    if (ctx.runId === null) return outcome;
    outcome.repair = { sent: 0, deleted: 0, recordsAligned: 0 };
    await repairMetric(
      ctx,
      { runId: ctx.runId, metric, token, window, held, comparison },
      outcome.repair,
    );
    if (drifted) outcome.status = "repaired";
  } catch (error) {
    outcome.status = "failed";
    outcome.error = metricFailure(error, metric, ctx.bindings[metric.key], ctx.logger);
  }
  return outcome;
}

/** Sends the corrections, then makes `sent_values` in the window equal what Vantage now holds. */
async function repairMetric(
  ctx: MetricContext,
  target: {
    runId: number;
    metric: MetricDefinition;
    token: string;
    window: DayWindow;
    /** What Vantage held before the repair. */
    held: readonly MetricValue[];
    comparison: Comparison;
  },
  repair: RepairOutcome,
): Promise<void> {
  const { runId, metric, token, window, held, comparison } = target;
  const record = (values: readonly MetricValue[]) =>
    withDatabase(
      "recording values Vantage accepted",
      () => recordSentValues(ctx.sql, { metricToken: token, metricKey: metric.key, runId, values }),
    );
  const fixes = corrections(comparison, metric.mode);
  for (const batch of inBatches(fixes, MAX_VALUES_PER_REQUEST)) {
    await ctx.vantage().putBusinessMetricValues(token, batch, ctx.deadlineMs);
    // Recorded batch by batch, as a sync does: a failure later keeps what Vantage accepted.
    await record(batch);
    const deletions = batch.filter((value) => value.amount === null).length;
    repair.deleted += deletions;
    repair.sent += batch.length - deletions;
  }
  // Values Vantage already held (matching, or extras kept in upsert mode) belong in the record too,
  // and recorded values Vantage no longer holds leave it, so the next sync diffs against the truth.
  const recorded = await withDatabase(
    "reading the values already sent",
    () => loadSentValues(ctx.sql, token, window),
  );
  const alignment = recordChanges(applyChanges(held, fixes), recorded);
  if (alignment.length > 0) await record(alignment);
  repair.recordsAligned = alignment.length;
}

function summarize(
  outcomes: VerifyOutcome[],
  run: Pick<VerifyResult, "repair" | "runId" | "window" | "durationMs">,
): VerifyResult {
  const sum = (count: (outcome: VerifyOutcome) => number) =>
    outcomes.reduce((total, outcome) => total + count(outcome), 0);
  const worst = mostSevere(
    outcomes.flatMap((o) => (o.error ? [new AppError(o.error.code, o.error.message)] : [])),
  );
  const driftRemaining = outcomes.some((o) => o.status === "drift");
  return {
    status: worst
      ? "failed"
      : driftRemaining
      ? "drift"
      : outcomes.some((o) => o.status === "repaired")
      ? "repaired"
      : "in_sync",
    httpStatus: worst?.status ?? 200,
    ...run,
    driftRemaining,
    totals: {
      matching: sum((o) => o.matching),
      missing: sum((o) => o.missing.length),
      changed: sum((o) => o.changed.length),
      extra: sum((o) => o.extra.length),
      sent: sum((o) => o.repair?.sent ?? 0),
      deleted: sum((o) => o.repair?.deleted ?? 0),
    },
    metrics: outcomes,
    ...(worst ? { error: { code: worst.code, message: worst.message } } : {}),
  };
}

/**
 * Closes the repair's run row with counts per metric. Their statuses (`repaired`, `in_sync`, …) are
 * not a sync's `succeeded`, so `/status` does not mistake a repair of old days for a fresh sync.
 */
async function recordRun(
  sql: Sql,
  runId: number,
  result: VerifyResult,
  logger: Logger,
): Promise<void> {
  try {
    await finishRun(sql, runId, {
      status: result.status === "failed" ? "failed" : "succeeded",
      metrics: result.metrics.map((o) => ({
        key: o.key,
        token: o.token,
        operation: "repair",
        status: o.status,
        window: o.window,
        rowsRead: o.rowsRead,
        matching: o.matching,
        missing: o.missing.length,
        changed: o.changed.length,
        extra: o.extra.length,
        ...o.repair,
        ...(o.error ? { error: o.error } : {}),
      })),
      httpStatus: result.httpStatus,
      errorCode: result.error?.code,
      error: result.error?.message,
    });
  } catch (error) {
    // The lease runs out and the next run closes the row; the corrections themselves are recorded.
    const failure = isDatabaseUnavailable(error)
      ? databaseUnavailable(error, "recording the repair's outcome")
      : toAppError(error);
    logger.error("could not record the repair's outcome", { error: failure.message });
    Object.assign(result, {
      status: "failed",
      httpStatus: failure.status,
      error: failure.toBody().error,
    });
  }
}
