/**
 * Measurement: the vendor's way (bench/vendor/main.py, the demo script followed exactly) on the
 * same database and emulator: its daily run as cron starts it (a Python process per day), and its
 * per-day loop over the backfill's days.
 *
 * @module
 */
import { ORDERS_TOKEN } from "../../tests/support/stack.ts";
import { type BenchStack, FIVE_YEARS_DAYS, peakRssOf, REPO_ROOT, utcDay } from "../stack.ts";
import { summarize, type Summary } from "../stats.ts";

/** The vendor script, repo-relative. */
export const VENDOR_SCRIPT = "bench/vendor/main.py";
/** What installs the script's dependencies on Debian. */
export const VENDOR_APT_COMMAND = "apt-get install -y python3-psycopg2 python3-requests";
/** How often the loop's peak RSS is sampled, ms. */
const RSS_POLL_MS = 20;

/**
 * The Python that has Debian's packages: BENCH_PYTHON, else /usr/bin/python3 (a pyenv or venv
 * `python3` first on PATH would not see them), else `python3`.
 *
 * @example
 * ```ts
 * pythonCommand(); // "/usr/bin/python3"
 * ```
 */
export function pythonCommand(): string {
  const chosen = Deno.env.get("BENCH_PYTHON");
  if (chosen) return chosen;
  try {
    Deno.statSync("/usr/bin/python3");
    return "/usr/bin/python3";
  } catch {
    return "python3";
  }
}

/**
 * Checks that Python, psycopg2 and requests are there; throws an Error that names the apt command
 * when they are not. Resolves with their versions.
 *
 * @example
 * ```ts
 * await checkVendorPrerequisites(); // "Python 3.11.2, psycopg2 2.9.5, requests 2.28.1"
 * ```
 */
export async function checkVendorPrerequisites(): Promise<string> {
  const python = pythonCommand();
  const probe = [
    "import sys, psycopg2, requests",
    "print(f'Python {sys.version.split()[0]}, psycopg2 {psycopg2.__version__.split()[0]}, requests {requests.__version__}')",
  ].join("\n");
  const output = await new Deno.Command(python, { args: ["-c", probe], stderr: "piped" })
    .output()
    .catch((error) => ({ success: false, stdout: new Uint8Array(), stderr: String(error) }));
  if (!output.success) {
    const stderr = typeof output.stderr === "string"
      ? output.stderr
      : new TextDecoder().decode(output.stderr);
    throw new Error(
      `The vendor script needs Python 3 with Debian's psycopg2 and requests (${python}: ${
        stderr.trim().split("\n").pop()
      }). Install them with:\n  ${VENDOR_APT_COMMAND}\n(or point BENCH_PYTHON at a python3 that has them)`,
    );
  }
  return new TextDecoder().decode(output.stdout).trim();
}

/** The script's environment: the same database, emulator, token and Orders metric as the function. */
function vendorEnv(stack: BenchStack): Record<string, string> {
  return {
    DATABASE_URL: stack.db.url,
    VANTAGE_API_URL: stack.env.VANTAGE_API_URL,
    VANTAGE_API_TOKEN: stack.env.VANTAGE_API_TOKEN,
    ORDERS_METRIC_ID: ORDERS_TOKEN,
    // Line by line to the pipe, so each day's line can be timed as it arrives.
    PYTHONUNBUFFERED: "1",
  };
}

/** What the daily runs measured. */
export interface VendorDailyResult {
  /** Process start → exit, ms. */
  total: Summary;
  /** PUTs per run. */
  putsPerRun: number;
}

/**
 * Runs the script as cron would, once per run (today's row, one PUT), `runs` times after one
 * unmeasured run.
 *
 * @example
 * ```ts
 * const daily = await measureVendorDaily(stack, { runs: 50 });
 * ```
 */
export async function measureVendorDaily(
  stack: BenchStack,
  options: { runs: number },
): Promise<VendorDailyResult> {
  const totals: number[] = [];
  const puts: number[] = [];
  for (let run = 0; run <= options.runs; run++) {
    const putsBefore = stack.putCount();
    const started = performance.now();
    const output = await new Deno.Command(pythonCommand(), {
      args: [VENDOR_SCRIPT],
      cwd: REPO_ROOT,
      env: vendorEnv(stack),
      stdin: "null",
    }).output();
    const ms = performance.now() - started;
    expectVendorSuccess(output.success, new TextDecoder().decode(output.stdout), 1);
    if (run === 0) continue;
    totals.push(ms);
    puts.push(stack.putCount() - putsBefore);
  }
  return { total: summarize(totals), putsPerRun: summarize(puts).median };
}

/** What the per-day loop measured. */
export interface VendorLoopResult {
  latencyMs: number;
  /** Days the loop actually ran. */
  daysRun: number;
  from: string;
  to: string;
  /** Wall time of the whole sampled loop, process start to exit, ms. */
  wall: number;
  /** Time per day (between consecutive output lines), ms. */
  perDay: Summary;
  /** PUTs the loop made. */
  puts: number;
  /** Peak RSS of the Python process (sampled), bytes. */
  peakRss: number;
}

/**
 * Runs the script's per-day loop over the last `days` days (ending yesterday) at `latencyMs`.
 *
 * @example
 * ```ts
 * const loop = await measureVendorLoop(stack, { latencyMs: 50, days: 200 });
 * loop.wall / loop.daysRun; // ms per day
 * ```
 */
export async function measureVendorLoop(
  stack: BenchStack,
  options: { latencyMs: number; days: number },
): Promise<VendorLoopResult> {
  const days = Math.min(options.days, FIVE_YEARS_DAYS);
  const from = utcDay(-days);
  const to = utcDay(-1);
  return await stack.withLatency(options.latencyMs, async () => {
    const putsBefore = stack.putCount();
    const started = performance.now();
    const child = new Deno.Command(pythonCommand(), {
      args: [VENDOR_SCRIPT, from, to],
      cwd: REPO_ROOT,
      env: vendorEnv(stack),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let peakRss = 0;
    const sampler = setInterval(() => {
      peakRssOf(child.pid).then((rss) => peakRss = Math.max(peakRss, rss), () => {});
    }, RSS_POLL_MS);
    const lineTimes: number[] = [];
    const lines: string[] = [];
    const stderr = new Response(child.stderr).text();
    let pending = "";
    try {
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        const now = performance.now();
        const parts = (pending + chunk).split("\n");
        pending = parts.pop() ?? "";
        for (const line of parts) {
          lines.push(line);
          lineTimes.push(now);
        }
      }
    } finally {
      clearInterval(sampler);
    }
    const status = await child.status;
    const wall = performance.now() - started;
    if (!status.success) throw new Error(`vendor loop failed: ${await stderr}`);
    expectVendorSuccess(status.success, lines.join("\n"), days);
    const perDay = lineTimes.slice(1).map((time, i) => time - lineTimes[i]);
    return {
      latencyMs: options.latencyMs,
      daysRun: days,
      from,
      to,
      wall,
      perDay: summarize(perDay),
      puts: stack.putCount() - putsBefore,
      peakRss,
    };
  });
}

/** The demo prints errors and exits 0: check its output instead. */
function expectVendorSuccess(success: boolean, stdout: string, days: number): void {
  const lines = stdout.split("\n").filter((line) => line.trim() !== "");
  const ok = lines.filter((line) => line.startsWith("Vantage API response: {"));
  if (!success || ok.length !== days || ok.length !== lines.length) {
    const bad = lines.find((line) => !line.startsWith("Vantage API response: {")) ?? "";
    throw new Error(
      `vendor script: ${ok.length} of ${days} days sent; first other line: ${bad.slice(0, 300)}`,
    );
  }
}
