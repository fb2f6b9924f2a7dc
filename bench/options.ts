/**
 * The flags of `deno task bench`.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** What a benchmark run does. */
export interface BenchOptions {
  /** Emulator latency per request for every measurement, ms (the 50 ms backfill comes on top). */
  latencyMs: number;
  /** Measured warm daily syncs per case. */
  runs: number;
  /** Unmeasured daily syncs before them. */
  warmup: number;
  /** Measured cold starts of `deno run -A dev/serve.ts` (half as many of `deno task serve`). */
  coldRuns: number;
  /** Measured cron-style runs of the vendor script. */
  vendorRuns: number;
  /** Backfills per latency, each in a fresh process. */
  backfillRuns: number;
  /** Days of the vendor's per-day loop actually run per latency (the rest is extrapolated). */
  vendorDays: number;
  /** Where the results go; `null`: print only. */
  out: string | null;
}

/** The text of `--help`. */
export const USAGE = `deno task bench [flags]

Benchmarks the function against the vendor's script on the local stack and rewrites bench/RESULTS.md.

  --latency-ms N     emulator latency per request for all measurements (default 0); the backfill and
                     the vendor loop are also measured at 50 ms
  --runs N           measured warm daily syncs per case (default 200)
  --warmup N         unmeasured daily syncs before them (default 20)
  --cold-runs N      measured cold starts (default 10)
  --vendor-runs N    measured cron-style runs of the vendor script (default 50)
  --backfill-runs N  backfills per latency (default 3)
  --vendor-days N    days of the vendor's per-day loop run per latency (default 1826: all of them)
  --out PATH         results file (default bench/RESULTS.md); --print-only to write nothing
  --help

Environment: UNIT_ECONOMICS_TEST_DB_DIR (default .local/postgres-bench) and
UNIT_ECONOMICS_TEST_DB_PORT (default 54345) choose the benchmark's own PostgreSQL cluster;
BENCH_PYTHON the python3 with Debian's psycopg2 and requests (default /usr/bin/python3).`;

/**
 * Parses the flags; throws an Error with the usage on a bad one.
 *
 * @example
 * ```ts
 * parseBenchOptions(["--latency-ms", "50"]).latencyMs; // 50
 * ```
 */
export function parseBenchOptions(args: string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args,
    options: {
      "latency-ms": { type: "string", default: "0" },
      runs: { type: "string", default: "200" },
      warmup: { type: "string", default: "20" },
      "cold-runs": { type: "string", default: "10" },
      "vendor-runs": { type: "string", default: "50" },
      "backfill-runs": { type: "string", default: "3" },
      "vendor-days": { type: "string", default: "1826" },
      out: { type: "string", default: "bench/RESULTS.md" },
      "print-only": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return "help";
  const count = (name: keyof typeof values, min: number): number => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`--${name} must be an integer ≥ ${min}, not "${values[name]}"\n\n${USAGE}`);
    }
    return value;
  };
  return {
    latencyMs: count("latency-ms", 0),
    runs: count("runs", 2),
    warmup: count("warmup", 0),
    coldRuns: count("cold-runs", 2),
    vendorRuns: count("vendor-runs", 2),
    backfillRuns: count("backfill-runs", 1),
    vendorDays: count("vendor-days", 2),
    out: values["print-only"] ? null : String(values.out),
  };
}
