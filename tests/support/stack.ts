/**
 * The whole product for an integration test: a real Postgres database of its own (migrated by the
 * Supabase CLI, seeded; the function connects as its least-privilege role), the Vantage emulator
 * over HTTP with an "Orders" metric, and the function served behind the gateway prefix on
 * 127.0.0.1, exactly as `deno task serve` serves it.
 *
 * @module
 */
import { createApp, type UnitEconomicsApp } from "../../functions/unit-economics/app.ts";
import { DECLARED_METRICS, type MetricDeclaration } from "../../functions/_shared/metrics.ts";
import { type ServedGateway, serveLikeGateway } from "../../dev/gateway.ts";
import { DEFAULT_EMULATOR_TOKEN, type VantageEmulator } from "../../dev/vantage/emulator.ts";
import { type ServedVantageEmulator, serveVantageEmulator } from "../../dev/vantage/serve.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";

/** The sync secret every stack uses. */
export const TEST_SECRET = "test-sync-secret-0123456789abcdef";
/** The token of the emulator's "Orders" metric. */
export const ORDERS_TOKEN = "bsnss_mtrc_0rders0000000001";

/** Every declared metric's emulator token and the variable that binds it. */
export const EMULATOR_METRICS = [
  { key: "orders", title: "Orders", token: ORDERS_TOKEN, variable: "ORDERS_METRIC_ID" },
  {
    key: "revenue",
    title: "Revenue",
    token: "bsnss_mtrc_revenue000000001",
    variable: "REVENUE_METRIC_ID",
  },
  {
    key: "active_customers",
    title: "Active Customers",
    token: "bsnss_mtrc_customers0000001",
    variable: "ACTIVE_CUSTOMERS_METRIC_ID",
  },
] as const;

/** Only the Orders declaration: most engine tests are about one metric. */
export const ORDERS_ONLY: readonly MetricDeclaration[] = DECLARED_METRICS.filter((m) =>
  m.key === "orders"
);

/**
 * Creates every declared metric in the emulator and returns the environment that binds them.
 *
 * @example
 * ```ts
 * const env = createEmulatorMetrics(vantage.emulator); // { ORDERS_METRIC_ID: "bsnss_mtrc_…", … }
 * ```
 */
export function createEmulatorMetrics(emulator: VantageEmulator): Record<string, string> {
  const env: Record<string, string> = {};
  for (const metric of EMULATOR_METRICS) {
    if (!emulator.state.metric(metric.token)) {
      emulator.createMetric({ title: metric.title, token: metric.token });
    }
    env[metric.variable] = metric.token;
  }
  return env;
}

/** Options of {@link startStack}. */
export interface StackOptions {
  /** Environment variables to add or override (an empty string unsets one). */
  env?: Record<string, string>;
  /** Metric declarations; default {@link ORDERS_ONLY}. */
  metrics?: readonly MetricDeclaration[];
}

/** A running stack. */
export interface TestStack {
  db: TestDatabase;
  vantage: ServedVantageEmulator;
  function: UnitEconomicsApp;
  gateway: ServedGateway;
  /** Base URL of the function, `http://127.0.0.1:PORT/functions/v1/unit-economics`. */
  url: string;
  /** JSON log lines the function wrote. */
  logs: string[];
  /** POSTs a body to `/sync` with the secret (or `headers` instead). */
  sync(
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * Starts database, emulator and function; `close()` stops them and drops the database.
 *
 * @example
 * ```ts
 * const stack = await startStack();
 * try {
 *   const { status } = await stack.sync();
 * } finally {
 *   await stack.close();
 * }
 * ```
 */
export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  const db = await createTestDatabase();
  const vantage = await serveVantageEmulator();
  const env: Record<string, string> = {
    ...createEmulatorMetrics(vantage.emulator),
    VANTAGE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
    VANTAGE_API_URL: vantage.url,
    UNIT_ECONOMICS_SYNC_SECRET: TEST_SECRET,
    // As the function's role, not the superuser: the grants are under test too.
    UNIT_ECONOMICS_DB_URL: db.functionUrl,
    ...options.env,
  };
  const logs: string[] = [];
  const unit = createApp({
    env: (name) => env[name] || undefined,
    metrics: options.metrics ?? ORDERS_ONLY,
    logSink: (_level, line) => logs.push(line),
  });
  const gateway = serveLikeGateway(unit.app.fetch, { port: 0 });
  const url = `${gateway.url}unit-economics`;
  return {
    db,
    vantage,
    function: unit,
    gateway,
    url,
    logs,
    async sync(body = {}, headers = { authorization: `Bearer ${TEST_SECRET}` }) {
      const response = await fetch(`${url}/sync`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async close() {
      await gateway.shutdown();
      await unit.close();
      await vantage.close();
      await db.drop();
    },
  };
}

/**
 * Runs `test` against a fresh stack and always cleans up.
 *
 * @example
 * ```ts
 * Deno.test("rerun sends nothing", () => withStack(async (stack) => { … }));
 * ```
 */
export async function withStack(
  test: (stack: TestStack) => Promise<void>,
  options?: StackOptions,
): Promise<void> {
  const stack = await startStack(options);
  try {
    await test(stack);
  } finally {
    await stack.close();
  }
}

/** The UTC date `days` days from today (negative: in the past). */
export function utcDay(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
