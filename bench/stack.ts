/**
 * The local stack every measurement shares: a real PostgreSQL 15 database (migrated, seeded, with
 * five years of orders and the two extra views), the Vantage emulator over HTTP with the five
 * metrics, and helpers to serve the function in this process or in a child process.
 *
 * @module
 */
import { createApp } from "../functions/unit-economics/app.ts";
import type { MetricDeclaration } from "../functions/_shared/metrics.ts";
import { serveLikeGateway } from "../dev/gateway.ts";
import { DEFAULT_EMULATOR_TOKEN } from "../dev/vantage/emulator.ts";
import { type ServedVantageEmulator, serveVantageEmulator } from "../dev/vantage/serve.ts";
import { createTestDatabase, freePort, type TestDatabase } from "../tests/support/database.ts";
import { addOrderHistory } from "../tests/support/history.ts";
import { EMULATOR_METRICS } from "../tests/support/stack.ts";
import { createExtraViews, EXTRA_METRICS } from "./five-metrics.ts";

/** Five years of days, the backfill's window (ending yesterday). */
export const FIVE_YEARS_DAYS = 1826;
/** The sync secret of every function the benchmark serves. */
export const BENCH_SECRET = "bench-sync-secret-0123456789abcdef";
/**
 * The emulator's request budget during the benchmark. Vantage allows 1000 requests per hour; the
 * vendor loop alone sends thousands, so the benchmark lifts the limit and reports the hours of
 * budget each approach would use instead.
 */
const UNLIMITED = { limit: 1_000_000_000, windowSeconds: 3600 };
/** Repository root, the working directory of child processes. */
export const REPO_ROOT = new URL("..", import.meta.url).pathname;

/** Every one of the five metrics: key, Vantage title, emulator token and the variable naming it. */
export const FIVE_METRIC_BINDINGS: readonly {
  key: string;
  title: string;
  token: string;
  variable: string;
}[] = [
  ...EMULATOR_METRICS,
  ...EXTRA_METRICS.map(({ declaration, token }) => ({
    key: declaration.key,
    title: declaration.title,
    token,
    variable: declaration.tokenVariable,
  })),
];

/** The running stack. */
export interface BenchStack {
  db: TestDatabase;
  vantage: ServedVantageEmulator;
  /** The function's environment: database, emulator, token, secret and all five metric tokens. */
  env: Record<string, string>;
  /** `PUT /business_metrics/…` requests the emulator has answered so far. */
  putCount(): number;
  /** Adds an order yesterday (UTC) from a new customer, so every metric has a changed value. */
  bumpYesterday(): Promise<void>;
  /** Empties `unit_economics.sent_values`, so the next backfill sends everything again. */
  forgetSentValues(): Promise<void>;
  /** Sets the emulator's latency per request, ms. */
  setLatency(ms: number): void;
  /** Runs `work` with the emulator at `ms` of latency, then restores the previous latency. */
  withLatency<T>(ms: number, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Starts the stack: a database of its own on the benchmark's cluster, filled with five years of
 * orders, and the emulator (no rate limit, latency 0 until set).
 *
 * @example
 * ```ts
 * const stack = await startBenchStack();
 * try { stack.setLatency(50); } finally { await stack.close(); }
 * ```
 */
export async function startBenchStack(): Promise<BenchStack> {
  const db = await createTestDatabase();
  let vantage: ServedVantageEmulator | undefined;
  try {
    await addOrderHistory(db.sql, FIVE_YEARS_DAYS);
    await createExtraViews(db.sql);
    await db.sql`analyze public.orders`;
    vantage = await serveVantageEmulator({ rateLimit: UNLIMITED });
    const env: Record<string, string> = {
      VANTAGE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
      VANTAGE_API_URL: vantage.url,
      UNIT_ECONOMICS_SYNC_SECRET: BENCH_SECRET,
      UNIT_ECONOMICS_DB_URL: db.url,
    };
    for (const metric of FIVE_METRIC_BINDINGS) {
      vantage.emulator.createMetric({ title: metric.title, token: metric.token });
      env[metric.variable] = metric.token;
    }
    let customer = 1_000_000;
    let latencyMs = 0;
    const served = vantage;
    const setLatency = (ms: number) => {
      latencyMs = ms;
      served.emulator.setLatency(ms);
    };
    return {
      db,
      vantage: served,
      env,
      putCount: () => served.emulator.requests.filter((r) => r.method === "PUT").length,
      async bumpYesterday() {
        customer++;
        await db.sql`
          insert into public.orders (created_at, amount_cents, customer_id, region)
          values (((now() at time zone 'UTC')::date - 1)::timestamp at time zone 'UTC'
                    + interval '12 hours',
                  2000 + ${customer % 5000}, ${customer}, 'us-east')
        `;
      },
      async forgetSentValues() {
        await db.sql`delete from unit_economics.sent_values`;
      },
      setLatency,
      async withLatency(ms, work) {
        const previous = latencyMs;
        setLatency(ms);
        try {
          return await work();
        } finally {
          setLatency(previous);
        }
      },
      async close() {
        await served.close();
        await db.drop();
      },
    };
  } catch (error) {
    await vantage?.close();
    await db.drop();
    throw error;
  }
}

/** A function served behind the gateway prefix, in this process or a child. */
export interface ServedFunction {
  /** `http://127.0.0.1:PORT/functions/v1/unit-economics` */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the function in this process behind the gateway, as tests/support/stack.ts does; its log
 * lines are dropped (a deployed function writes them to stdout, which costs about as little).
 *
 * @example
 * ```ts
 * const fn = serveInProcess(stack.env, DECLARED_METRICS);
 * await postSync(fn.url, {});
 * ```
 */
export function serveInProcess(
  env: Record<string, string>,
  metrics: readonly MetricDeclaration[],
): ServedFunction {
  const unit = createApp({ env: (name) => env[name] || undefined, metrics, logSink: () => {} });
  const gateway = serveLikeGateway(unit.app.fetch, { port: 0 });
  return {
    url: `${gateway.url}unit-economics`,
    async close() {
      await gateway.shutdown();
      await unit.close();
    },
  };
}

/** A function served by a child process. */
export interface ChildFunction extends ServedFunction {
  pid: number;
  /** `performance.now()` just before the spawn. */
  spawnedAt: number;
  /** `performance.now()` when `/health` first answered 200. */
  healthyAt: number;
  /** The child's peak resident set size so far (VmHWM), in bytes. */
  peakRss(): Promise<number>;
}

/** How long a child may take to answer `/health`. */
const HEALTH_TIMEOUT_MS = 30_000;
/** Pause between `/health` polls while a child boots. */
const HEALTH_POLL_MS = 2;

/**
 * Spawns `deno <args>` in the repository (for example `run -A dev/serve.ts`, what `deno task serve`
 * runs) with `env` and a free PORT, and resolves once `/health` answers 200.
 *
 * @example
 * ```ts
 * const child = await spawnFunction(["run", "-A", "dev/serve.ts"], stack.env);
 * console.log(child.healthyAt - child.spawnedAt); // ms to the first /health answer
 * await child.close();
 * ```
 */
export async function spawnFunction(
  args: readonly string[],
  env: Record<string, string>,
): Promise<ChildFunction> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}/functions/v1/unit-economics`;
  const spawnedAt = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args],
    cwd: REPO_ROOT,
    env: { ...env, PORT: String(port), NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const close = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await child.status;
  };
  let healthyAt: number | undefined;
  while (healthyAt === undefined) {
    const response = await fetch(`${url}/health`).catch(() => undefined);
    if (response) {
      await response.body?.cancel();
      if (response.ok) healthyAt = performance.now();
    }
    if (healthyAt === undefined) {
      if (performance.now() - spawnedAt > HEALTH_TIMEOUT_MS) {
        await close();
        throw new Error(
          `deno ${args.join(" ")} did not answer /health within ${HEALTH_TIMEOUT_MS} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
    }
  }
  return {
    url,
    pid: child.pid,
    spawnedAt,
    healthyAt,
    peakRss: () => peakRssOf(child.pid),
    close,
  };
}

/**
 * The peak resident set size (VmHWM) of a running process, in bytes (Linux).
 *
 * @example
 * ```ts
 * await peakRssOf(Deno.pid); // 123_456_789
 * ```
 */
export async function peakRssOf(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = status.match(/^VmHWM:\s+(\d+) kB$/m);
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** A finished `POST /sync`. */
export interface SyncCall {
  status: number;
  body: {
    runId?: number;
    status?: string;
    durationMs?: number;
    metrics?: { key: string; sent: number; status: string; error?: unknown }[];
    error?: unknown;
  };
  /** Request sent to response body read, in ms. */
  ms: number;
}

/**
 * POSTs `body` to the function's `/sync` with the benchmark's secret and times it.
 *
 * @example
 * ```ts
 * const { status, ms } = await postSync(fn.url, { metrics: ["orders"] });
 * ```
 */
export async function postSync(url: string, body: unknown): Promise<SyncCall> {
  const started = performance.now();
  const response = await fetch(`${url}/sync`, {
    method: "POST",
    headers: { authorization: `Bearer ${BENCH_SECRET}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  return { status: response.status, body: json, ms: performance.now() - started };
}

/**
 * Throws unless a sync succeeded and sent at least `minSent` values.
 *
 * @example
 * ```ts
 * expectSent(await postSync(fn.url, {}), 1);
 * ```
 */
export function expectSent(call: SyncCall, minSent: number): number {
  const sent = (call.body.metrics ?? []).reduce((sum, metric) => sum + metric.sent, 0);
  if (call.status !== 200 || sent < minSent) {
    throw new Error(
      `sync answered ${call.status} with ${sent} values sent (expected ≥ ${minSent}): ${
        JSON.stringify(call.body).slice(0, 500)
      }`,
    );
  }
  return sent;
}

/**
 * The UTC date `days` days from today (negative: in the past).
 *
 * @example
 * ```ts
 * utcDay(-1); // yesterday, "YYYY-MM-DD"
 * ```
 */
export function utcDay(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The expression index that lets a day's rows of `public.orders` be found without a full scan. */
export const ORDERS_DAY_INDEX =
  "create index if not exists orders_utc_day on public.orders (((created_at at time zone 'UTC')::date))";

/**
 * Adds {@link ORDERS_DAY_INDEX} to the benchmark's database (the seed has only an index on
 * `created_at`, which the views' `(created_at at time zone 'UTC')::date` cannot use).
 *
 * @example
 * ```ts
 * await indexOrdersByDay(stack.db.sql);
 * ```
 */
export async function indexOrdersByDay(sql: TestDatabase["sql"]): Promise<void> {
  await sql.unsafe(ORDERS_DAY_INDEX);
  await sql`analyze public.orders`;
}
