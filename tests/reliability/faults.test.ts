/**
 * The fault matrix (issue 6, section 1): the database and Vantage failing in every way the daily
 * job meets. Each case asserts the HTTP status, the run row (status, error_code, http_status), and
 * that nothing is lost: after the fault is repaired, the next run leaves Vantage equal to the
 * source, value by value. Each case records its outcome for docs/reliability.md.
 *
 * Some cases moved here from tests/integration/failures.test.ts (429, 5xx until the retries run
 * out, 404, database down, source timeout) with every assertion they had.
 */
import assert from "node:assert/strict";
import { addOrderHistory } from "../support/history.ts";
import { ORDERS_ONLY, ORDERS_TOKEN, type TestStack, utcDay, withStack } from "../support/stack.ts";
import {
  assertVantageEqualsSource,
  type Comparison,
  serveVantageFront,
  startDatabaseProxy,
  startFunction,
  type VantageFront,
  type Window,
} from "./fixtures.ts";
import { recordScenario } from "./scenarios.ts";

type Metric = {
  key: string;
  status: string;
  sent: number;
  error?: { code: string; message: string };
};
type SyncAnswer = { status: number; body: Record<string, unknown> };
type RunRow = {
  id: number;
  status: string;
  http_status: number | null;
  error_code: string | null;
  error: string | null;
};

const errorOf = (answer: SyncAnswer) => answer.body.error as { code: string; message: string };
const metricsOf = (answer: SyncAnswer) => answer.body.metrics as Metric[];
const sentIn = (answer: SyncAnswer) => metricsOf(answer).reduce((sum, m) => sum + m.sent, 0);
/** The default window of a sync without a body: the seven complete UTC days before today. */
const lastWeek = (): Window => ({ from: utcDay(-7), to: utcDay(-1) });

function putStatuses(stack: TestStack): number[] {
  return stack.vantage.emulator.requests.filter((r) => r.method === "PUT").map((r) => r.status);
}

async function runRows(stack: TestStack): Promise<RunRow[]> {
  const rows = await stack.db.sql<RunRow[]>`
    select id, status, http_status, error_code, error from unit_economics.sync_runs order by id`;
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

async function sentCount(stack: TestStack): Promise<number> {
  const [{ count }] = await stack.db.sql`select count(*)::int from unit_economics.sent_values`;
  return count;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A PUT has reached the emulator and is being held by its latency. */
const putInFlight = (stack: TestStack, after = 0) => () =>
  stack.vantage.emulator.requests.slice(after).some((r) => r.method === "PUT" && r.status === 0);

/** The recovery run: 200, and Vantage equals the source over `window`. */
async function recover(
  stack: TestStack,
  sync: () => Promise<SyncAnswer>,
  window: Window,
): Promise<{ answer: SyncAnswer; comparison: Comparison }> {
  const answer = await sync();
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const comparison = await assertVantageEqualsSource(stack, window);
  return { answer, comparison };
}

function describeRow(row: RunRow | undefined): string {
  if (!row) return "no run row";
  return `run row ${row.status}${row.http_status ? ` (${row.http_status}` : " ("}${
    row.error_code ? `, ${row.error_code})` : ")"
  }`;
}

// ---------------------------------------------------------------------------------------------
// Vantage faults, table-driven: inject, sync, assert, repair, sync again, compare.

interface VantageFault {
  id: string;
  /** Environment of the stack (merged over the defaults). */
  env?: Record<string, string>;
  /** Serve the emulator through a front that can replace its answers. */
  front?: boolean;
  /** Injects the fault; returns how many faulty answers it makes. */
  inject(stack: TestStack, front: VantageFront | undefined): number;
  /** Expected status of the run that meets the fault, and its error code. */
  status: number;
  code?: string;
  /** Statuses the emulator answered to the PUTs of that run (0: cut off). */
  puts?: number[];
  /** More assertions on that run. */
  check?(stack: TestStack, answer: SyncAnswer): Promise<void> | void;
  /** Makes Vantage healthy again before the recovery run. */
  repair?(stack: TestStack, front: VantageFront | undefined): void;
  /** What Vantage did, for the document (default: the statuses it answered). */
  seen?: string;
  /** A pattern whose match in the error message is quoted in the document. */
  quote?: RegExp;
}

const READ_ONLY_TOKEN = "vntg_tkn_readonly0000000001";
const REVOKED_TOKEN = "vntg_tkn_revoked00000000001";
const UNKNOWN_METRIC = "bsnss_mtrc_doesnotexist0001";

const VANTAGE_FAULTS: VantageFault[] = [
  {
    id: "vantage-429-reset",
    inject(stack) {
      // A short window, so the reset the 429 announces is at most 2 s away.
      stack.vantage.emulator.setRateLimit({ limit: 1000, windowSeconds: 2 });
      stack.vantage.emulator.failNext(1, 429);
      return 1;
    },
    status: 200,
    puts: [429, 200],
    check(stack) {
      assert.equal(stack.vantage.emulator.state.values(ORDERS_TOKEN).length, 7);
      const wait = stack.logs.map((line) => JSON.parse(line)).find((line) =>
        line.msg === "vantage rate limit reached, waiting"
      );
      assert.ok(wait, "the wait is logged");
      // Until the announced reset (x-rate-limit-reset, within the 2 s window) plus a margin.
      assert.ok(wait.waitMs > 0 && wait.waitMs <= 2_250, `waited ${wait.waitMs} ms`);
    },
  },
  {
    id: "vantage-5xx-short-burst",
    inject(stack) {
      for (const status of [500, 502, 504]) stack.vantage.emulator.failNext(1, status);
      return 3;
    },
    status: 200,
    puts: [500, 502, 504, 200],
  },
  {
    id: "vantage-5xx-long-burst",
    inject(stack) {
      stack.vantage.emulator.failNext(4, 503);
      return 4;
    },
    status: 502,
    code: "vantage_unavailable",
    puts: [503, 503, 503, 503],
    async check(stack, answer) {
      const [orders] = metricsOf(answer);
      assert.equal(orders.status, "failed");
      assert.equal(orders.sent, 0);
      const [run] = await runRows(stack);
      assert.match(run.error!, /4 tries/);
      assert.equal(stack.vantage.emulator.state.values(ORDERS_TOKEN).length, 0);
    },
  },
  {
    id: "vantage-request-hangs",
    env: { VANTAGE_REQUEST_TIMEOUT_MS: "1000" },
    inject(stack) {
      stack.vantage.emulator.setLatency(1_500);
      return 4;
    },
    status: 502,
    code: "vantage_unavailable",
    seen:
      "4 tries, each aborted by the client at the 1 s timeout (the emulator applied them later)",
    quote: /after 4 tries \(timed out\)/,
    check(stack, answer) {
      assert.match(errorOf(answer).message, /did not answer PUT .* after 4 tries \(timed out\)/);
      assert.equal(putStatuses(stack).length, 4, "four tries, each aborted after 1 s");
    },
    repair: (stack) => stack.vantage.emulator.setLatency(0),
  },
  {
    id: "vantage-connection-reset",
    inject(stack) {
      stack.vantage.emulator.failNext(1, "drop");
      return 1;
    },
    status: 200,
    puts: [0, 200],
    seen: "the first answer was cut off mid-body; the retry got 200",
  },
  {
    id: "vantage-body-not-json",
    front: true,
    inject(_stack, front) {
      front!.hook = ({ method }) =>
        method === "PUT"
          ? new Response("<html><body><h1>502 Bad Gateway</h1></body></html>", {
            headers: { "content-type": "text/html" },
          })
          : undefined;
      return 1;
    },
    status: 502,
    code: "vantage_invalid_response",
    puts: [200],
    seen: "Vantage applied the PUT and answered 200 with an HTML page (not retried)",
    quote: /with a body that is not JSON/,
    check(_stack, answer) {
      assert.match(errorOf(answer).message, /not JSON/);
    },
    repair: (_stack, front) => void (front!.hook = undefined),
  },
  {
    id: "vantage-unexpected-shape",
    front: true,
    inject(_stack, front) {
      front!.hook = ({ method }) =>
        method === "PUT" ? Response.json({ business_metric: { id: 7 }, ok: true }) : undefined;
      return 1;
    },
    status: 502,
    code: "vantage_invalid_response",
    puts: [200],
    seen: "Vantage applied the PUT and answered 200 with JSON that is not a business metric",
    quote: /unexpected shape \(.*?\); nothing was recorded as sent/,
    check(_stack, answer) {
      assert.match(errorOf(answer).message, /unexpected shape \(token: .*\); nothing was recorded/);
    },
    repair: (_stack, front) => void (front!.hook = undefined),
  },
  {
    id: "vantage-401-unknown-token",
    env: { VANTAGE_API_TOKEN: REVOKED_TOKEN },
    inject: () => 1,
    status: 502,
    code: "vantage_rejected",
    puts: [401],
    quote: /answered 401 .*/,
    check(_stack, answer) {
      assert.match(errorOf(answer).message, /answered 401 .*\(check VANTAGE_API_TOKEN\)/);
    },
    // The token is (re)created in Vantage.
    repair: (stack) => stack.vantage.emulator.addToken(REVOKED_TOKEN, ["read", "write"]),
  },
  {
    id: "vantage-403-read-only-token",
    env: { VANTAGE_API_TOKEN: READ_ONLY_TOKEN },
    inject(stack) {
      stack.vantage.emulator.addToken(READ_ONLY_TOKEN, ["read"]);
      return 1;
    },
    status: 502,
    code: "vantage_rejected",
    puts: [403],
    quote: /answered 403 .*/,
    check(_stack, answer) {
      const { message } = metricsOf(answer)[0].error!;
      assert.match(message, /answered 403/);
      assert.match(message, /does not have the 'write' scope/, "Vantage's own words");
      assert.match(message, /the token needs the WRITE scope/, "and which scope to add");
    },
    // The WRITE scope is granted to the same token.
    repair: (stack) => stack.vantage.emulator.addToken(READ_ONLY_TOKEN, ["read", "write"]),
  },
  {
    id: "vantage-404-unknown-metric",
    env: { ORDERS_METRIC_ID: UNKNOWN_METRIC },
    inject: () => 1,
    status: 502,
    code: "vantage_rejected",
    puts: [404],
    quote: /ORDERS_METRIC_ID is .*/,
    check(stack, answer) {
      const [orders] = metricsOf(answer);
      assert.equal(orders.error?.code, "vantage_rejected");
      assert.match(orders.error!.message, /404/);
      assert.match(orders.error!.message, /ORDERS_METRIC_ID/);
      assert.equal(stack.vantage.emulator.requests.length, 1);
    },
    // The metric is created in Vantage with that token (as `deno task apply` would).
    repair: (stack) =>
      void stack.vantage.emulator.createMetric({ title: "Orders", token: UNKNOWN_METRIC }),
  },
];

for (const fault of VANTAGE_FAULTS) {
  Deno.test(`fault matrix: ${fault.id}`, async () => {
    const started = performance.now();
    const front = fault.front ? await serveVantageFront() : undefined;
    try {
      await withStack(async (stack) => {
        if (front) front.target = stack.vantage.emulator;
        const faults = fault.inject(stack, front);
        const answer = await stack.sync();
        assert.equal(answer.status, fault.status, JSON.stringify(answer.body));
        if (fault.code) assert.equal(errorOf(answer).code, fault.code);
        const faultyPuts = putStatuses(stack);
        if (fault.puts) assert.deepEqual(faultyPuts, fault.puts);
        await fault.check?.(stack, answer);

        const [run, ...others] = await runRows(stack);
        assert.equal(others.length, 0, "one run row");
        assert.equal(run.status, fault.status === 200 ? "succeeded" : "failed");
        assert.equal(run.http_status, fault.status);
        assert.equal(run.error_code, fault.code ?? null);
        const recorded = await sentCount(stack);
        if (fault.status === 200) assert.equal(recorded, 7, "everything recorded as sent");
        else assert.equal(recorded, 0, "nothing recorded as sent");

        fault.repair?.(stack, front);
        const { answer: next, comparison } = await recover(stack, () => stack.sync(), lastWeek());
        assert.equal(sentIn(next), 7 - recorded, "the next run sends what was not recorded");
        const seen = fault.seen ??
          `Vantage answered ${faultyPuts.map((s) => s || "reset").join(", ")}`;
        const quoted = fault.quote && errorOf(answer).message.match(fault.quote)?.[0];
        assert.ok(!fault.quote || quoted, "the message has the quoted part");
        await recordScenario(fault.id, {
          observed: `${answer.status}${fault.code ? ` ${fault.code}` : ""}${
            quoted ? ` ("…${quoted.replace(/\s*[;.]$/, "")}")` : ""
          }; ${seen}; ${describeRow(run)}; ${recorded} values recorded; next run 200, sent ${
            sentIn(next)
          }`,
          status: answer.status,
          runStatus: run.status,
          errorCode: run.error_code,
          faultsInjected: faults,
          valuesChecked: comparison.checked,
          valuesLost: comparison.lost.length,
          durationMs: Math.round(performance.now() - started),
          details: { message: answer.status === 200 ? undefined : errorOf(answer).message },
        });
      }, { env: { ...fault.env, ...(front ? { VANTAGE_API_URL: front.url } : {}) } });
    } finally {
      await front?.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Database faults

Deno.test("fault matrix: database-unreachable-before-run", () =>
  withStack(async (stack) => {
    const started = performance.now();
    // The function reaches Postgres through a proxy that refuses connections: Postgres is down.
    const proxy = startDatabaseProxy(stack.db.functionUrl);
    proxy.refuse();
    const instance = startFunction(stack, { UNIT_ECONOMICS_DB_URL: proxy.url });
    try {
      const answer = await instance.sync();
      assert.equal(answer.status, 503);
      assert.equal(errorOf(answer).code, "database_unavailable");
      assert.match(errorOf(answer).message, /UNIT_ECONOMICS_DB_URL/);
      assert.equal(stack.vantage.emulator.requests.length, 0);
      const logged = instance.logs.map((line) => JSON.parse(line)).find((line) =>
        line.code === "database_unavailable"
      );
      assert.ok(logged, "an error log line records the failed request");
      assert.equal(logged.level, "error");
      assert.deepEqual(await runRows(stack), [], "no run row: the log line is the record");

      // Postgres is back: the same instance (and its pool) syncs.
      proxy.accept();
      const { answer: next, comparison } = await recover(stack, () => instance.sync(), lastWeek());
      assert.equal(sentIn(next), 7);
      await recordScenario("database-unreachable-before-run", {
        observed: `${answer.status} ${
          errorOf(answer).code
        }, no run row, an error log line; once Postgres accepts again the same instance answers 200 and sends ${
          sentIn(next)
        }`,
        status: answer.status,
        runStatus: "none",
        errorCode: errorOf(answer).code,
        faultsInjected: 1,
        valuesChecked: comparison.checked,
        valuesLost: comparison.lost.length,
        durationMs: Math.round(performance.now() - started),
      });
    } finally {
      await instance.close();
      proxy.close();
    }
  }));

Deno.test("fault matrix: database-lost-during-run", () =>
  withStack(async (stack) => {
    const started = performance.now();
    const proxy = startDatabaseProxy(stack.db.functionUrl);
    const instance = startFunction(stack, { UNIT_ECONOMICS_DB_URL: proxy.url });
    try {
      // Vantage holds the PUT for 800 ms; meanwhile Postgres goes away (connections cut, new ones
      // refused). Vantage accepts the batch, which then cannot be recorded.
      stack.vantage.emulator.setLatency(800);
      const pending = instance.sync();
      await waitFor("the PUT at Vantage", putInFlight(stack));
      proxy.refuse();
      proxy.cut();
      const answer = await pending;
      assert.equal(answer.status, 503, JSON.stringify(answer.body));
      assert.equal(errorOf(answer).code, "database_unavailable");
      assert.match(metricsOf(answer)[0].error!.message, /recording values Vantage accepted/);
      assert.match(errorOf(answer).message, /the next run sends again whatever was not recorded/);
      assert.ok(
        instance.logs.some((line) => JSON.parse(line).msg === "could not record the run's outcome"),
        "the log line records the outcome the database could not",
      );
      assert.equal(stack.vantage.emulator.state.values(ORDERS_TOKEN).length, 7, "Vantage has it");
      assert.equal(await sentCount(stack), 0, "but it is not recorded as sent");
      const [killed] = await runRows(stack);
      assert.equal(killed.status, "running", "the run could not close its row");

      // Postgres is back within the lease: the row still holds the lock.
      proxy.accept();
      stack.vantage.emulator.setLatency(0);
      const blocked = await instance.sync();
      assert.equal(blocked.status, 409);
      assert.equal(errorOf(blocked).code, "sync_already_running");
      assert.match(errorOf(blocked).message, new RegExp(`run ${killed.id}\\b`));

      // Its lease runs out (LEASE_MS, 45 s after the last renewal; one-at-a-time.test.ts proves the
      // wait): the next run closes the row and sends the unrecorded values again.
      await stack.db.sql`update unit_economics.sync_runs
        set lease_expires_at = now() - interval '1 second' where id = ${killed.id}`;
      const { answer: next, comparison } = await recover(stack, () => instance.sync(), lastWeek());
      assert.equal(sentIn(next), 7, "the values Vantage accepted but were not recorded go again");
      const closed = (await runRows(stack)).find((row) => row.id === killed.id)!;
      assert.deepEqual([closed.status, closed.error_code, closed.http_status], [
        "failed",
        "lease_expired",
        500,
      ]);
      await recordScenario("database-lost-during-run", {
        observed: `${answer.status} ${
          errorOf(answer).code
        } after Vantage accepted 7 values; run row left running (409 until its lease ran out), then closed as ${closed.status} (${closed.error_code}) by the next run, which sent the 7 values again`,
        status: answer.status,
        runStatus: `running → ${closed.status}`,
        errorCode: closed.error_code,
        faultsInjected: 1,
        valuesChecked: comparison.checked,
        valuesLost: comparison.lost.length,
        durationMs: Math.round(performance.now() - started),
        details: { connectionsThroughProxy: proxy.connections },
      });
    } finally {
      await instance.close();
      proxy.close();
    }
  }));

Deno.test("fault matrix: database-connections-terminated", () =>
  withStack(async (stack) => {
    const started = performance.now();
    stack.vantage.emulator.setLatency(800);
    const pending = stack.sync();
    await waitFor("the PUT at Vantage", putInFlight(stack));
    // The server ends every session of the function (a failover, an admin, an idle reaper).
    const terminated = await stack.db.sql`
      select pg_terminate_backend(pid) from pg_stat_activity
      where datname = ${stack.db.name} and application_name = 'unit-economics'`;
    assert.ok(terminated.length >= 1, "the function had sessions");
    const answer = await pending;
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const [run] = await runRows(stack);
    assert.deepEqual([run.status, run.http_status, run.error_code], ["succeeded", 200, null]);
    assert.equal(await sentCount(stack), 7, "recorded over a new session");

    stack.vantage.emulator.setLatency(0);
    const { answer: next, comparison } = await recover(stack, () => stack.sync(), lastWeek());
    assert.equal(sentIn(next), 0, "nothing left to send");
    await recordScenario("database-connections-terminated", {
      observed:
        `${terminated.length} session(s) terminated while Vantage held the PUT; ${answer.status}, ${
          describeRow(run)
        }, all 7 values recorded over a new session`,
      status: answer.status,
      runStatus: run.status,
      errorCode: run.error_code,
      faultsInjected: terminated.length,
      valuesChecked: comparison.checked,
      valuesLost: comparison.lost.length,
      durationMs: Math.round(performance.now() - started),
    });
  }));

Deno.test("fault matrix: source-statement-timeout", () =>
  withStack(async (stack) => {
    const started = performance.now();
    stack.vantage.emulator.createMetric({ title: "Slow", token: "bsnss_mtrc_slow00000000001" });
    await stack.db
      .sql`create view public.slow as select current_date - 1 as day, 1 as amount from pg_sleep(3)`;
    await stack.db.grantSource("public.slow");
    const before = Date.now();
    const { status, body } = await stack.sync();
    assert.ok(
      Date.now() - before < 2_500,
      `cancelled at the timeout, not after the sleep: ${Date.now() - before} ms ${
        JSON.stringify(body)
      }`,
    );
    assert.equal(status, 503);
    assert.match(
      (body.error as { message: string }).message,
      /public\.slow took longer than 300 ms/,
    );
    const [run] = await runRows(stack);
    assert.deepEqual([run.status, run.error_code], ["failed", "database_unavailable"]);
    assert.equal(run.http_status, 503);
    assert.equal(stack.vantage.emulator.requests.length, 0);

    // The view is made fast again (`create or replace` keeps the grant).
    await stack.db
      .sql`create or replace view public.slow as select current_date - 1 as day, 1 as amount`;
    const { answer: next, comparison } = await recover(stack, () => stack.sync(), lastWeek());
    assert.equal(sentIn(next), 1);
    await recordScenario("source-statement-timeout", {
      observed: `${status} ${(body.error as { code: string }).code} after ${
        Date.now() - before
      } ms (timeout 300 ms, query 3 s), ${describeRow(run)}; next run 200, sent ${sentIn(next)}`,
      status,
      runStatus: run.status,
      errorCode: run.error_code,
      faultsInjected: 1,
      valuesChecked: comparison.checked,
      valuesLost: comparison.lost.length,
      durationMs: Math.round(performance.now() - started),
    });
  }, {
    env: { UNIT_ECONOMICS_SOURCE_TIMEOUT_MS: "300", SLOW_METRIC_ID: "bsnss_mtrc_slow00000000001" },
    metrics: [{
      key: "slow",
      title: "Slow",
      source: { relation: "slow", dateColumn: "day", valueColumn: "amount" },
      tokenVariable: "SLOW_METRIC_ID",
    }],
  }));

// ---------------------------------------------------------------------------------------------
// The run's deadline in the middle of a backfill

const FIVE_YEARS = 1826;

Deno.test("fault matrix: run-deadline-mid-backfill", () =>
  withStack(async (stack) => {
    const started = performance.now();
    await addOrderHistory(stack.db.sql, FIVE_YEARS);
    const window = { from: utcDay(-FIVE_YEARS), to: utcDay(-1) };
    const [{ total }] = await stack.db.sql`select count(*)::int as total from public.total_orders
      where date between ${window.from}::date and ${window.to}::date`;
    assert.ok(total > 1500, `four batches of up to 500 (${total} values)`);
    // A 2 s deadline and 700 ms per request: one or two batches fit, not four.
    stack.vantage.emulator.setLatency(700);
    const answer = await stack.sync(window);
    assert.equal(answer.status, 502, JSON.stringify(answer.body));
    assert.equal(errorOf(answer).code, "vantage_unavailable");
    assert.match(errorOf(answer).message, /deadline.*the next run sends what is left/);
    const [run] = await runRows(stack);
    assert.deepEqual([run.status, run.http_status, run.error_code], [
      "failed",
      502,
      "vantage_unavailable",
    ]);
    const recorded = await sentCount(stack);
    assert.ok(recorded > 0 && recorded < total, `part of the backfill recorded (${recorded})`);
    assert.equal(recorded % 500, 0, "whole batches");
    assert.equal(metricsOf(answer)[0].sent, recorded, "what the run reports is what it recorded");

    stack.vantage.emulator.setLatency(0);
    const { answer: next, comparison } = await recover(stack, () => stack.sync(window), window);
    assert.equal(sentIn(next), total - recorded, "the next run sends only the rest");
    await recordScenario("run-deadline-mid-backfill", {
      observed: `${answer.status} ${
        errorOf(answer).code
      } at the 2 s deadline with ${recorded} of ${total} values recorded (${
        recorded / 500
      } batches), ${describeRow(run)}; the next run sent only the other ${sentIn(next)}`,
      status: answer.status,
      runStatus: run.status,
      errorCode: run.error_code,
      faultsInjected: 1,
      valuesChecked: comparison.checked,
      valuesLost: comparison.lost.length,
      durationMs: Math.round(performance.now() - started),
    });
  }, {
    env: { UNIT_ECONOMICS_RUN_DEADLINE_MS: "2000" },
    metrics: ORDERS_ONLY,
  }));
