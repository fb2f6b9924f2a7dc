/**
 * The reliability suite's measurements: every scenario records what it observed as one JSON file
 * under `tests/artifacts/reliability/`, and `tests/reliability/figures.ts` turns the files into
 * `docs/reliability.md`. Any test may record, in any section (fault matrix, crash safety, load,
 * hostile input, least privilege, …); the document shows every section it finds.
 *
 * One file per (section, scenario), overwritten by the next run of that scenario, so parallel test
 * processes never write the same file and the folder always holds each scenario's latest outcome.
 *
 * @module
 */

/** Where outcomes are written. */
export const OUTCOMES_DIR = new URL("../artifacts/reliability/", import.meta.url);

/** Latency figures of a series of requests, in milliseconds. */
export interface LatencySummary {
  count: number;
  min: number;
  median: number;
  p95: number;
  max: number;
}

/** What a scenario observed. Only `section`, `scenario` and `observed` are required. */
export interface OutcomeInput {
  /** The section of docs/reliability.md, e.g. "fault matrix" or "hostile input". */
  section: string;
  /** Stable id of the scenario (the registry's id, when it has one). */
  scenario: string;
  /** Human title; the registry's title when omitted. */
  title?: string;
  /** What should happen. */
  expected?: string;
  /** What happened, one sentence: statuses, run row, recovery. */
  observed: string;
  /** False when the scenario did not behave as expected (a test that records and then fails). */
  passed?: boolean;
  /** HTTP status of the request that met the fault. */
  status?: number;
  /** Exit code of the CLI that met the fault. */
  exitCode?: number;
  /** `sync_runs.status` of the run that met the fault. */
  runStatus?: string;
  /** `sync_runs.error_code` of that run. */
  errorCode?: string | null;
  /** Faults injected (failed answers, cut connections, kills, …). */
  faultsInjected?: number;
  /** Values compared between Vantage and the source after the recovery run. */
  valuesChecked?: number;
  /** Of those, values missing from Vantage or different there: must be 0. */
  valuesLost?: number;
  /** Requests sent (load scenarios). */
  requests?: number;
  /** Of those, requests sent at the same time. */
  concurrentRequests?: number;
  /** Latencies of those requests. */
  latencyMs?: LatencySummary;
  /** Inputs tried (fuzzing). */
  inputsTried?: number;
  /** Wall time of the scenario. */
  durationMs?: number;
  /** Anything else worth keeping, shown nowhere but the JSON. */
  details?: Record<string, unknown>;
}

/** A recorded outcome. */
export interface Outcome extends OutcomeInput {
  /** ISO timestamp of the recording. */
  recordedAt: string;
}

/**
 * Records a scenario's outcome (overwriting the previous one of the same section and scenario).
 *
 * @example
 * ```ts
 * await recordOutcome({
 *   section: "hostile input",
 *   scenario: "sync-body-fuzz",
 *   observed: "no 500 and no stack trace in 1000 bodies",
 *   inputsTried: 1000,
 * });
 * ```
 */
export async function recordOutcome(input: OutcomeInput): Promise<Outcome> {
  const outcome: Outcome = { passed: true, ...input, recordedAt: new Date().toISOString() };
  await Deno.mkdir(OUTCOMES_DIR, { recursive: true });
  const file = new URL(outcomeFileName(input.section, input.scenario), OUTCOMES_DIR);
  // Written whole, then renamed: a reader never sees half a file.
  const temporary = new URL(`${file.pathname.split("/").at(-1)}.${crypto.randomUUID()}.tmp`, file);
  await Deno.writeTextFile(temporary, `${JSON.stringify(outcome, null, 2)}\n`);
  await Deno.rename(temporary, file);
  return outcome;
}

/**
 * Every recorded outcome, ordered by section and scenario.
 *
 * @example
 * ```ts
 * const outcomes = await readOutcomes();
 * outcomes.filter((o) => o.section === "load").length;
 * ```
 */
export async function readOutcomes(dir: URL = OUTCOMES_DIR): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !entry.name.endsWith(".json")) continue;
      outcomes.push(JSON.parse(await Deno.readTextFile(new URL(entry.name, dir))) as Outcome);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return outcomes.sort((a, b) =>
    a.section.localeCompare(b.section) || a.scenario.localeCompare(b.scenario)
  );
}

/**
 * The file an outcome is kept in: `<section>--<scenario>.json`, both as lower-case slugs.
 *
 * @example
 * ```ts
 * outcomeFileName("fault matrix", "vantage-429"); // "fault-matrix--vantage-429.json"
 * ```
 */
export function outcomeFileName(section: string, scenario: string): string {
  const slug = (text: string) =>
    text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "unnamed";
  return `${slug(section)}--${slug(scenario)}.json`;
}

/**
 * Min, median, 95th percentile and max of a series of latencies (rounded to 0.1 ms).
 *
 * @example
 * ```ts
 * summarizeLatencies([3, 1, 2]); // { count: 3, min: 1, median: 2, p95: 3, max: 3 }
 * ```
 */
export function summarizeLatencies(latencies: readonly number[]): LatencySummary {
  if (latencies.length === 0) return { count: 0, min: 0, median: 0, p95: 0, max: 0 };
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    count: sorted.length,
    min: round(sorted[0]),
    median: round(at(0.5)),
    p95: round(at(0.95)),
    max: round(sorted.at(-1)!),
  };
}
