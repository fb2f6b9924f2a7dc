/**
 * Runs every measurement on one stack, in an order that shares its setup: the daily syncs with the
 * source as seeded, then with the day index, the cold starts, and the backfills next to the
 * vendor's loop at the chosen latency and at 50 ms.
 *
 * @module
 */
import { DECLARED_METRICS } from "../functions/_shared/metrics.ts";
import { describeMachine, type Machine } from "./machine.ts";
import { type BackfillResult, measureBackfill } from "./measure/backfill.ts";
import { type ColdStartResult, LAUNCHES, measureColdStart } from "./measure/cold-start.ts";
import { type DailySyncResult, measureDailySync } from "./measure/daily-sync.ts";
import {
  measureReadOrder,
  measureSourceReads,
  type ReadOrderResult,
  type SourceReadResult,
} from "./measure/source-reads.ts";
import {
  measureVendorDaily,
  measureVendorLoop,
  type VendorDailyResult,
  type VendorLoopResult,
} from "./measure/vendor.ts";
import type { BenchOptions } from "./options.ts";
import { FIVE_METRICS } from "./five-metrics.ts";
import { FIVE_YEARS_DAYS, indexOrdersByDay, startBenchStack, utcDay } from "./stack.ts";

/** The latency of the internet that the backfill target names, ms. */
export const TARGET_LATENCY_MS = 50;
/** How often each metric's source read is timed for the evidence table. */
const SOURCE_READ_RUNS = 20;

/** Days of the vendor's loop run in each daily phase, for its warm per-day time. */
const VENDOR_WARM_DAYS = 100;

/** The measurements of one state of the source (as seeded, or with the day index). */
export interface DailyPhase {
  daily: DailySyncResult[];
  /** The vendor script as cron runs it: a process per day. */
  vendorDaily: VendorDailyResult;
  /** The vendor script's loop over the last days: its warm per-day work. */
  vendorWarm: VendorLoopResult;
  sourceReads: SourceReadResult[];
  /** The sources read one after the other and concurrently. */
  readOrder: ReadOrderResult[];
}

/** Everything a run measured. */
export interface BenchReport {
  startedAt: Date;
  /** The flags given to `deno task bench`. */
  args: readonly string[];
  options: BenchOptions;
  machine: Machine;
  data: { orders: number; from: string; to: string; days: number };
  seeded: DailyPhase;
  indexed: DailyPhase;
  coldStarts: ColdStartResult[];
  backfills: BackfillResult[];
  vendorLoops: VendorLoopResult[];
  /** 1-minute load average at the start and at the end: other work on the machine adds noise. */
  load: { start: number; end: number };
  /** Wall time of the whole harness, ms (set by the caller once the results are written). */
  wallMs?: number;
}

/**
 * Runs the benchmark; `progress` hears one line per finished step.
 *
 * @example
 * ```ts
 * const report = await runHarness(Deno.args, options, pythonVersions, console.error);
 * ```
 */
export async function runHarness(
  args: readonly string[],
  options: BenchOptions,
  python: string,
  progress: (line: string) => void,
): Promise<BenchReport> {
  const startedAt = new Date();
  const began = performance.now();
  const loadAtStart = Deno.loadavg()[0];
  const step = (what: string) =>
    progress(`[${((performance.now() - began) / 1000).toFixed(1).padStart(6)} s] ${what}`);
  const stack = await startBenchStack();
  try {
    const machine = await describeMachine(stack.db.sql, python);
    const [{ orders }] = await stack.db.sql<{ orders: number }[]>`
      select count(*)::int as orders from public.orders`;
    step(`stack ready: ${orders} orders, emulator at ${stack.vantage.url}`);
    stack.setLatency(options.latencyMs);

    const phase = async (label: string): Promise<DailyPhase> => {
      const sourceReads = await measureSourceReads(stack, FIVE_METRICS, SOURCE_READ_RUNS);
      const readOrder = await measureReadOrder(stack, FIVE_METRICS, SOURCE_READ_RUNS);
      const daily = await measureDailySync(stack, options);
      step(`${label}: daily syncs ${daily.map((d) => d.total.median.toFixed(1)).join(" / ")} ms`);
      const vendorDaily = await measureVendorDaily(stack, { runs: options.vendorRuns });
      const vendorWarm = await measureVendorLoop(stack, {
        latencyMs: options.latencyMs,
        days: VENDOR_WARM_DAYS,
      });
      step(
        `${label}: vendor cron runs ${vendorDaily.total.median.toFixed(1)} ms, ` +
          `${vendorWarm.perDay.median.toFixed(1)} ms per day in its loop`,
      );
      return { daily, vendorDaily, vendorWarm, sourceReads, readOrder };
    };
    const seeded = await phase("source as seeded");
    await indexOrdersByDay(stack.db.sql);
    const indexed = await phase("source indexed by day");

    const coldStarts: ColdStartResult[] = [];
    coldStarts.push(await measureColdStart(stack, LAUNCHES.direct, { runs: options.coldRuns }));
    coldStarts.push(
      await measureColdStart(stack, LAUNCHES.task, { runs: Math.ceil(options.coldRuns / 2) }),
    );
    step(`cold starts: ${coldStarts.map((c) => c.toFirstSync.median.toFixed(0)).join(" / ")} ms`);

    const backfills: BackfillResult[] = [];
    const vendorLoops: VendorLoopResult[] = [];
    for (const latencyMs of new Set([options.latencyMs, TARGET_LATENCY_MS])) {
      backfills.push(await measureBackfill(stack, { latencyMs, runs: options.backfillRuns }));
      step(`backfill at ${latencyMs} ms: ${backfills.at(-1)!.wall.median.toFixed(0)} ms`);
      vendorLoops.push(await measureVendorLoop(stack, { latencyMs, days: options.vendorDays }));
      step(`vendor loop at ${latencyMs} ms: ${vendorLoops.at(-1)!.wall.toFixed(0)} ms`);
    }
    return {
      startedAt,
      args,
      options,
      machine,
      data: { orders, from: utcDay(-FIVE_YEARS_DAYS), to: utcDay(-1), days: FIVE_YEARS_DAYS },
      seeded,
      indexed,
      coldStarts,
      backfills,
      vendorLoops,
      load: { start: loadAtStart, end: Deno.loadavg()[0] },
    };
  } finally {
    await stack.close();
  }
}

/** The declared metrics of the daily sync cases, for the results' wording. */
export const DECLARED_METRIC_KEYS = DECLARED_METRICS.map((metric) => metric.key);
