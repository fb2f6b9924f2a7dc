/**
 * Measurement: a backfill of the five metrics over five years, asked of the function over HTTP as a
 * person would (`POST /sync {"from", "to"}`), in a child process of its own so that its peak RSS is
 * the function's and nothing else's. Wall time, PUTs made against the minimum possible, peak RSS.
 *
 * @module
 */
import { MAX_VALUES_PER_REQUEST } from "../../functions/_shared/vantage/client.ts";
import {
  type BenchStack,
  expectSent,
  FIVE_YEARS_DAYS,
  postSync,
  spawnFunction,
  utcDay,
} from "../stack.ts";
import { summarize, type Summary } from "../stats.ts";

/** The function with the five declarations. */
const FIVE_METRIC_FUNCTION = ["run", "-A", "bench/function/serve.ts"];

/** Options of {@link measureBackfill}. */
export interface BackfillOptions {
  /** Emulator latency per request, ms. */
  latencyMs: number;
  /** Repetitions, each in a fresh process and with nothing recorded as sent. */
  runs: number;
}

/** What the backfills measured. */
export interface BackfillResult {
  latencyMs: number;
  from: string;
  to: string;
  /** Values sent per backfill (the same every time). */
  values: number;
  /** Values per metric. */
  valuesByMetric: Record<string, number>;
  /** PUTs per backfill (the same every time). */
  puts: number;
  /** ⌈values ÷ 500⌉: the fewest PUTs that can carry the values. */
  minimumRequests: number;
  /** Σ ⌈values of a metric ÷ 500⌉: the fewest when a PUT addresses one metric, as in Vantage. */
  minimumRequestsPerMetric: number;
  /** Request → response, ms. */
  wall: Summary;
  /** Peak RSS of the function process over its whole life, bytes. */
  peakRss: Summary;
  /** Peak RSS of the function process once it answered `/health`, before the backfill, bytes. */
  idlePeakRss: Summary;
}

/**
 * Runs the five-metric, five-year backfill `runs` times at `latencyMs`.
 *
 * @example
 * ```ts
 * const result = await measureBackfill(stack, { latencyMs: 50, runs: 3 });
 * result.puts / result.minimumRequests; // ≈ 1
 * ```
 */
export async function measureBackfill(
  stack: BenchStack,
  options: BackfillOptions,
): Promise<BackfillResult> {
  const from = utcDay(-FIVE_YEARS_DAYS);
  const to = utcDay(-1);
  const wall: number[] = [];
  const peak: number[] = [];
  const idle: number[] = [];
  let values = 0;
  let puts = 0;
  let valuesByMetric: Record<string, number> = {};
  await stack.withLatency(options.latencyMs, async () => {
    for (let run = 0; run < options.runs; run++) {
      await stack.forgetSentValues();
      const child = await spawnFunction(FIVE_METRIC_FUNCTION, stack.env);
      try {
        idle.push(await child.peakRss());
        const putsBefore = stack.putCount();
        const call = await postSync(child.url, { from, to });
        values = expectSent(call, 1);
        wall.push(call.ms);
        peak.push(await child.peakRss());
        puts = stack.putCount() - putsBefore;
        valuesByMetric = Object.fromEntries(
          (call.body.metrics ?? []).map((metric) => [metric.key, metric.sent]),
        );
      } finally {
        await child.close();
      }
    }
  });
  return {
    latencyMs: options.latencyMs,
    from,
    to,
    values,
    valuesByMetric,
    puts,
    minimumRequests: Math.ceil(values / MAX_VALUES_PER_REQUEST),
    minimumRequestsPerMetric: Object.values(valuesByMetric).reduce(
      (sum, count) => sum + Math.ceil(count / MAX_VALUES_PER_REQUEST),
      0,
    ),
    wall: summarize(wall),
    peakRss: summarize(peak),
    idlePeakRss: summarize(idle),
  };
}
