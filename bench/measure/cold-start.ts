/**
 * Measurement: cold start. Spawns the function as a developer does (`deno run -A dev/serve.ts`, and
 * `deno task serve`, which runs the same through the task runner) and times process start → first
 * `/health` answer → first finished sync (pg_cron's request: an empty body, the declared metrics,
 * with a changed value yesterday), several times.
 *
 * @module
 */
import { type BenchStack, expectSent, postSync, spawnFunction } from "../stack.ts";
import { summarize, type Summary } from "../stats.ts";

/** A way to start the function. */
export interface Launch {
  /** The command as a reader would type it. */
  command: string;
  /** Arguments of `deno`. */
  args: readonly string[];
}

/** The launches measured. */
export const LAUNCHES = {
  direct: { command: "deno run -A dev/serve.ts", args: ["run", "-A", "dev/serve.ts"] },
  task: { command: "deno task serve", args: ["task", "serve"] },
} as const satisfies Record<string, Launch>;

/** What the cold starts of one launch measured, in ms. */
export interface ColdStartResult {
  command: string;
  /** Spawn → first 200 from `/health`. */
  toHealth: Summary;
  /** Spawn → the first sync's response read. */
  toFirstSync: Summary;
  /** The first sync alone (request → response), in the fresh process. */
  firstSync: Summary;
  /** The engine's own `durationMs` of that first sync. */
  firstSyncEngine: Summary;
}

/**
 * Starts the function `runs` times (after one unmeasured start) and times each start.
 *
 * @example
 * ```ts
 * const result = await measureColdStart(stack, LAUNCHES.direct, { runs: 10 });
 * result.toFirstSync.median; // ms
 * ```
 */
export async function measureColdStart(
  stack: BenchStack,
  launch: Launch,
  options: { runs: number },
): Promise<ColdStartResult> {
  const toHealth: number[] = [];
  const toFirstSync: number[] = [];
  const firstSync: number[] = [];
  const engine: number[] = [];
  for (let run = 0; run <= options.runs; run++) {
    await stack.bumpYesterday();
    const child = await spawnFunction(launch.args, stack.env);
    try {
      const call = await postSync(child.url, {});
      const doneAt = performance.now();
      expectSent(call, 1);
      if (run === 0) continue;
      toHealth.push(child.healthyAt - child.spawnedAt);
      toFirstSync.push(doneAt - child.spawnedAt);
      firstSync.push(call.ms);
      engine.push(call.body.durationMs ?? NaN);
    } finally {
      await child.close();
    }
  }
  return {
    command: launch.command,
    toHealth: summarize(toHealth),
    toFirstSync: summarize(toFirstSync),
    firstSync: summarize(firstSync),
    firstSyncEngine: summarize(engine),
  };
}
