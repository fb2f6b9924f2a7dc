/**
 * Measurement: one daily sync end to end over HTTP (request in, Vantage PUT, response out), against
 * the function served in this process behind the gateway, warm. Before every run an order is added
 * yesterday, so every run really sends a changed value.
 *
 * @module
 */
import { DECLARED_METRICS, type MetricDeclaration } from "../../functions/_shared/metrics.ts";
import { FIVE_METRICS } from "../five-metrics.ts";
import { type BenchStack, expectSent, postSync, serveInProcess } from "../stack.ts";
import { summarize, type Summary } from "../stats.ts";

/** One kind of daily sync. */
export interface DailySyncCase {
  /** Short name for tables. */
  name: string;
  /** What the function is asked. */
  body: Record<string, unknown>;
  /** The declarations it is served with. */
  metrics: readonly MetricDeclaration[];
}

/** The daily syncs measured: the vendor's work, pg_cron's request, and pg_cron's with five metrics. */
export const DAILY_SYNC_CASES: readonly DailySyncCase[] = [
  {
    name: "Orders only (the vendor script's work)",
    body: { metrics: ["orders"] },
    metrics: DECLARED_METRICS,
  },
  {
    name: "pg_cron's request: empty body, the 3 declared metrics",
    body: {},
    metrics: DECLARED_METRICS,
  },
  {
    name: "empty body, the benchmark's 5 metrics",
    body: {},
    metrics: FIVE_METRICS,
  },
];

/** Options of {@link measureDailySync}. */
export interface DailySyncOptions {
  /** Measured runs per case. */
  runs: number;
  /** Unmeasured runs first, so the process is warm. */
  warmup: number;
}

/** What one case measured. */
export interface DailySyncResult {
  name: string;
  body: Record<string, unknown>;
  /** Client-side: request sent to response read, ms. */
  total: Summary;
  /** Server-side: the engine's own `durationMs` (runSync), ms. */
  engine: Summary;
  /** PUTs to Vantage per run (median). */
  putsPerRun: number;
  /** Values sent per run (median). */
  valuesPerRun: number;
}

/**
 * Runs every case of {@link DAILY_SYNC_CASES} `warmup + runs` times.
 *
 * @example
 * ```ts
 * const results = await measureDailySync(stack, { runs: 200, warmup: 20 });
 * results[0].total.median; // ms
 * ```
 */
export async function measureDailySync(
  stack: BenchStack,
  options: DailySyncOptions,
): Promise<DailySyncResult[]> {
  const results: DailySyncResult[] = [];
  for (const syncCase of DAILY_SYNC_CASES) {
    const fn = serveInProcess(stack.env, syncCase.metrics);
    try {
      const totals: number[] = [];
      const engine: number[] = [];
      const puts: number[] = [];
      const values: number[] = [];
      for (let run = 0; run < options.warmup + options.runs; run++) {
        await stack.bumpYesterday();
        const putsBefore = stack.putCount();
        const call = await postSync(fn.url, syncCase.body);
        const sent = expectSent(call, 1);
        if (run < options.warmup) continue;
        totals.push(call.ms);
        engine.push(call.body.durationMs ?? NaN);
        puts.push(stack.putCount() - putsBefore);
        values.push(sent);
      }
      results.push({
        name: syncCase.name,
        body: syncCase.body,
        total: summarize(totals),
        engine: summarize(engine),
        putsPerRun: summarize(puts).median,
        valuesPerRun: summarize(values).median,
      });
    } finally {
      await fn.close();
    }
  }
  return results;
}
