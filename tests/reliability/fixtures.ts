/**
 * What the reliability suite needs beyond tests/support/stack.ts: a TCP proxy in front of Postgres
 * that can cut and refuse connections (a database outage as the function sees it), a front for the
 * Vantage emulator that can replace or hold its answers, a second function instance behind such a
 * proxy, and the check that nothing was lost: every value of every bound metric in Vantage equals
 * the source, exactly.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createApp } from "../../functions/unit-economics/app.ts";
import type { MetricDefinition } from "../../functions/_shared/metrics.ts";
import { serveLikeGateway } from "../../dev/gateway.ts";
import { DEFAULT_EMULATOR_TOKEN, type VantageEmulator } from "../../dev/vantage/emulator.ts";
import type postgres from "postgres";
import { createEmulatorMetrics, TEST_SECRET, type TestStack } from "../support/stack.ts";

/** Inclusive window of days, `YYYY-MM-DD`. */
export interface Window {
  from: string;
  to: string;
}

// ---------------------------------------------------------------------------------------------
// Nothing lost: Vantage equals the source

/** What the comparison reads: the source database, the emulator, the metrics and their tokens. */
export interface ComparedSystems {
  db: { sql: postgres.Sql };
  vantage: { emulator: VantageEmulator };
  function: {
    config: { metrics: MetricDefinition[]; metricTokens: Record<string, string | undefined> };
  };
}

/** How Vantage compares with the source over a window. */
export interface Comparison {
  /** (metric, day, label) values the source has. */
  checked: number;
  /** Source values Vantage lacks or holds with another amount: values lost. */
  lost: string[];
  /** Values Vantage holds that the source does not have (in the window). */
  extra: string[];
}

/**
 * A decimal's canonical text, written here rather than taken from the product so that the check
 * does not share the code it checks: no `+`, no leading zeros, no trailing fractional zeros.
 */
export function canonicalDecimal(text: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) return `not-a-decimal:${text}`;
  const integer = (match[2] ?? "").replace(/^0+/, "") || "0";
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  const digits = fraction ? `${integer}.${fraction}` : integer;
  return match[1] === "-" && digits !== "0" ? `-${digits}` : digits;
}

/**
 * Compares, for every bound metric, every (day, label) value of the source inside `window` with
 * what the emulator holds: amounts exactly, as decimals. Missing-day policy `zero` counts a day
 * without a source row as 0, as the engine sends it.
 *
 * @example
 * ```ts
 * const { lost } = await compareVantageWithSource(stack, { from: "2026-01-01", to: "2026-01-07" });
 * ```
 */
export async function compareVantageWithSource(
  systems: ComparedSystems,
  window: Window,
): Promise<Comparison> {
  const comparison: Comparison = { checked: 0, lost: [], extra: [] };
  const { metrics, metricTokens } = systems.function.config;
  for (const metric of metrics) {
    const token = metricTokens[metric.key];
    if (!token) continue;
    const expected = await sourceValues(systems.db.sql, metric, window);
    const actual = new Map<string, string>();
    for (const value of systems.vantage.emulator.state.values(token)) {
      const day = value.date.slice(0, 10);
      if (day < window.from || day > window.to) continue;
      actual.set(`${day} ${value.label ?? ""}`, canonicalDecimal(String(value.amount)));
    }
    for (const [key, amount] of expected) {
      comparison.checked++;
      const inVantage = actual.get(key);
      if (inVantage !== amount) {
        comparison.lost.push(`${metric.key} ${key}: source ${amount}, Vantage ${inVantage ?? "-"}`);
      }
    }
    for (const [key, amount] of actual) {
      if (!expected.has(key)) comparison.extra.push(`${metric.key} ${key}: Vantage ${amount}`);
    }
  }
  return comparison;
}

/**
 * Asserts that Vantage equals the source over `window` (nothing lost, nothing extra) and returns
 * how many values were checked.
 *
 * @example
 * ```ts
 * const checked = await assertVantageEqualsSource(stack, { from: utcDay(-7), to: utcDay(-1) });
 * ```
 */
export async function assertVantageEqualsSource(
  systems: ComparedSystems | TestStack,
  window: Window,
): Promise<Comparison> {
  const comparison = await compareVantageWithSource(systems as ComparedSystems, window);
  assert.ok(comparison.checked > 0, "the source has values in the window");
  assert.deepEqual(comparison.lost, [], "every source value is in Vantage, exactly");
  assert.deepEqual(comparison.extra, [], "Vantage holds nothing the source does not");
  return comparison;
}

async function sourceValues(
  sql: postgres.Sql,
  metric: MetricDefinition,
  window: Window,
): Promise<Map<string, string>> {
  const { schema, relation, dateColumn, valueColumn, labelColumn } = metric.source;
  const rows = await sql<{ date: string; label: string | null; value: string | null }[]>`
    select to_char(${sql(dateColumn)}::date, 'YYYY-MM-DD') as date,
           ${labelColumn ? sql`${sql(labelColumn)}::text` : sql`null::text`} as label,
           ${sql(valueColumn)}::text as value
    from ${sql(schema)}.${sql(relation)}
    where ${sql(dateColumn)}::date between ${window.from}::date and ${window.to}::date
  `;
  const values = new Map<string, string>();
  for (const row of rows) {
    if (row.value !== null) {
      values.set(`${row.date} ${row.label ?? ""}`, canonicalDecimal(row.value));
    }
  }
  if (metric.missingDays === "zero") {
    for (let day = window.from; day <= window.to; day = nextDay(day)) {
      if (!values.has(`${day} `)) values.set(`${day} `, "0");
    }
  }
  return values;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// A database outage: a TCP proxy that can cut and refuse connections

/**
 * A TCP proxy on 127.0.0.1 in front of a Postgres server. `cut()` closes every open connection
 * (the server going away), `refuse()` stops listening (connections are refused, as when Postgres
 * or the pooler is down), `accept()` listens again on the same port.
 */
export interface DatabaseProxy {
  /** The same database URL, through the proxy. */
  url: string;
  /** Connections the proxy passed through so far. */
  readonly connections: number;
  cut(): void;
  refuse(): void;
  accept(): void;
  close(): void;
}

/**
 * Starts a proxy for `databaseUrl`'s server.
 *
 * @example
 * ```ts
 * const proxy = startDatabaseProxy(stack.db.url);
 * proxy.refuse(); proxy.cut(); // the database is down
 * proxy.accept();              // and back
 * ```
 */
export function startDatabaseProxy(databaseUrl: string): DatabaseProxy {
  const target = new URL(databaseUrl);
  const targetPort = Number(target.port || 5432);
  const open = new Set<Deno.Conn>();
  let listener: Deno.Listener | undefined;
  let port = 0;
  let connections = 0;

  const closeQuietly = (conn: Deno.Conn) => {
    open.delete(conn);
    try {
      conn.close();
    } catch {
      // already closed
    }
  };
  const pipe = async (from: Deno.Conn, to: Deno.Conn) => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const read = await from.read(buffer);
        if (read === null) break;
        let written = 0;
        while (written < read) written += await to.write(buffer.subarray(written, read));
      }
    } catch {
      // a side closed: close the other one too
    }
    closeQuietly(from);
    closeQuietly(to);
  };
  const serve = async (client: Deno.Conn) => {
    let server: Deno.Conn;
    try {
      server = await Deno.connect({ hostname: target.hostname, port: targetPort });
    } catch {
      closeQuietly(client);
      return;
    }
    connections++;
    open.add(client);
    open.add(server);
    await Promise.all([pipe(client, server), pipe(server, client)]);
  };
  const listen = () => {
    listener = Deno.listen({ hostname: "127.0.0.1", port });
    port = (listener.addr as Deno.NetAddr).port;
    const current = listener;
    (async () => {
      try {
        for await (const conn of current) serve(conn);
      } catch {
        // closed by refuse() or close()
      }
    })();
  };
  listen();
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return {
    url: url.href,
    get connections() {
      return connections;
    },
    cut() {
      for (const conn of [...open]) closeQuietly(conn);
    },
    refuse() {
      listener?.close();
      listener = undefined;
    },
    accept() {
      if (!listener) listen();
    },
    close() {
      this.refuse();
      this.cut();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A second function instance (same database or a proxy, same emulator)

/** A function instance served behind the gateway prefix, with its own configuration. */
export interface FunctionInstance {
  url: string;
  logs: string[];
  sync(body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * Serves another instance of the function for `stack`'s emulator and database, with `env` on top:
 * for a database URL that is known only once the stack runs (a proxy in front of it).
 *
 * @example
 * ```ts
 * const fn = startFunction(stack, { UNIT_ECONOMICS_DB_URL: proxy.url });
 * ```
 */
export function startFunction(
  stack: TestStack,
  env: Record<string, string>,
  metrics?: Parameters<typeof createApp>[0]["metrics"],
): FunctionInstance {
  const values: Record<string, string> = {
    ...createEmulatorMetrics(stack.vantage.emulator),
    VANTAGE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
    VANTAGE_API_URL: stack.vantage.url,
    UNIT_ECONOMICS_SYNC_SECRET: TEST_SECRET,
    // As the function's least-privilege role, as the stack's own instance connects.
    UNIT_ECONOMICS_DB_URL: stack.db.functionUrl,
    ...env,
  };
  const logs: string[] = [];
  const unit = createApp({
    env: (name) => values[name] || undefined,
    metrics: metrics ?? stack.function.config.metrics,
    logSink: (_level, line) => logs.push(line),
  });
  const gateway = serveLikeGateway(unit.app.fetch, { port: 0 });
  const url = `${gateway.url}unit-economics`;
  return {
    url,
    logs,
    async sync(body = {}) {
      const response = await fetch(`${url}/sync`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${TEST_SECRET}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async close() {
      await gateway.shutdown();
      await unit.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A front for the Vantage emulator: replace or hold its answers

/**
 * What the front does with a request after the emulator answered it (values already applied):
 * return a Response to send instead, or undefined to pass the emulator's answer on.
 */
export type AnswerHook = (
  request: { method: string; path: string },
  answer: Response,
) => Response | undefined | Promise<Response | undefined>;

/** An HTTP server in front of an emulator; `target` may be set after it starts. */
export interface VantageFront {
  /** Base URL including `/v2`, for VANTAGE_API_URL. */
  url: string;
  target?: VantageEmulator;
  /** Runs on every answer until cleared. */
  hook?: AnswerHook;
  close(): Promise<void>;
}

/**
 * Serves `target.fetch` on 127.0.0.1 with an {@link AnswerHook}: a Vantage that answers 200 with
 * a body that is not what it should be, or a process killed while Vantage answers. (For a
 * connection cut mid-answer, use the emulator's own server and `failNext(n, "drop")`.)
 *
 * @example
 * ```ts
 * const front = await serveVantageFront();
 * front.target = stack.vantage.emulator;
 * front.hook = () => new Response("<html>oops</html>", { status: 200 });
 * ```
 */
export function serveVantageFront(target?: VantageEmulator): Promise<VantageFront> {
  return new Promise((resolve) => {
    const front: VantageFront = {
      url: "",
      target,
      close: () => server.shutdown(),
    };
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => {
        front.url = `http://127.0.0.1:${port}/v2`;
        resolve(front);
      },
    }, async (request) => {
      if (!front.target) return new Response("no emulator behind the front", { status: 503 });
      const path = new URL(request.url).pathname;
      const answer = await front.target.fetch(request);
      const replaced = await front.hook?.({ method: request.method, path }, answer);
      if (replaced) await answer.body?.cancel();
      return replaced ?? answer;
    });
  });
}
