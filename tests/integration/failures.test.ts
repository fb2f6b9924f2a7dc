/**
 * What happens when Vantage or the database fail, or the source holds bad rows: the status, the run
 * row, and that nothing is lost (the next healthy run sends what the failed one did not).
 */
import assert from "node:assert/strict";
import { unreachableDatabaseUrl } from "../support/database.ts";
import { ORDERS_TOKEN, utcDay, withStack } from "../support/stack.ts";

type Metric = {
  key: string;
  status: string;
  sent: number;
  error?: { code: string; message: string };
};

Deno.test("429 then success: the sync waits for the rate-limit reset and completes", () =>
  withStack(async (stack) => {
    const emulator = stack.vantage.emulator;
    // A short window, so the reset the 429 announces is at most 2 s away.
    emulator.setRateLimit({ limit: 1000, windowSeconds: 2 });
    emulator.failNext(1, 429);
    const { status, body } = await stack.sync();
    assert.equal(status, 200, JSON.stringify(body));
    const statuses = emulator.requests.filter((r) => r.method === "PUT").map((r) => r.status);
    assert.deepEqual(statuses, [429, 200]);
    assert.equal(emulator.state.values(ORDERS_TOKEN).length, 7);
  }));

Deno.test("5xx until the retries run out: 502, a failed run, nothing recorded, and the next run sends it", () =>
  withStack(async (stack) => {
    const emulator = stack.vantage.emulator;
    emulator.failNext(4, 503);
    const failed = await stack.sync();
    assert.equal(failed.status, 502);
    assert.equal((failed.body.error as { code: string }).code, "vantage_unavailable");
    const [orders] = failed.body.metrics as Metric[];
    assert.equal(orders.status, "failed");
    assert.equal(orders.sent, 0);
    assert.equal(emulator.requests.filter((r) => r.method === "PUT").length, 4);

    const [run] = await stack.db
      .sql`select status, http_status, error_code, error from unit_economics.sync_runs`;
    assert.equal(run.status, "failed");
    assert.equal(run.http_status, 502);
    assert.equal(run.error_code, "vantage_unavailable");
    assert.match(run.error, /4 tries/);
    const [{ count }] = await stack.db.sql`select count(*)::int from unit_economics.sent_values`;
    assert.equal(count, 0);
    assert.equal(emulator.state.values(ORDERS_TOKEN).length, 0);

    const next = await stack.sync();
    assert.equal(next.status, 200);
    assert.equal((next.body.metrics as Metric[])[0].sent, 7);
    assert.equal(emulator.state.values(ORDERS_TOKEN).length, 7);
  }));

Deno.test("a refused request (4xx) fails at once with Vantage's message", () =>
  withStack(async (stack) => {
    const { status, body } = await stack.sync();
    assert.equal(status, 502);
    const [orders] = body.metrics as Metric[];
    assert.equal(orders.error?.code, "vantage_rejected");
    assert.match(orders.error!.message, /404/);
    assert.match(orders.error!.message, /ORDERS_METRIC_ID/);
    assert.equal(stack.vantage.emulator.requests.length, 1);
  }, { env: { ORDERS_METRIC_ID: "bsnss_mtrc_doesnotexist0001" } }));

Deno.test("invalid source rows: 422 naming the dates, nothing sent, a failed run row", () =>
  withStack(async (stack) => {
    const badDay = utcDay(-2);
    // DDL takes no parameters; badDay is a date this test made.
    await stack.db.sql.unsafe(`create or replace view public.total_orders as
      select (created_at at time zone 'UTC')::date as date,
             (case when (created_at at time zone 'UTC')::date = '${badDay}' then -5 else count(*) end)::integer
               as total_orders
      from public.orders group by 1`);
    const { status, body } = await stack.sync();
    assert.equal(status, 422);
    assert.equal((body.error as { code: string }).code, "invalid_source_data");
    assert.match((body.error as { message: string }).message, new RegExp(badDay));
    assert.equal(stack.vantage.emulator.requests.length, 0);
    const [run] = await stack.db
      .sql`select status, http_status, error_code, metrics from unit_economics.sync_runs`;
    assert.deepEqual([run.status, run.http_status, run.error_code], [
      "failed",
      422,
      "invalid_source_data",
    ]);
    assert.equal(run.metrics[0].error.details.rows[0].date, badDay);
  }));

Deno.test("when several metrics run and one fails, the others complete and the status is the worst", () =>
  withStack(async (stack) => {
    await stack.db
      .sql`create view public.broken as select current_date - 1 as day, 'NaN'::numeric as amount`;
    const { status, body } = await stack.sync();
    assert.equal(status, 422);
    const [orders, broken] = body.metrics as Metric[];
    assert.equal(orders.status, "succeeded");
    assert.equal(orders.sent, 7);
    assert.equal(broken.status, "failed");
    assert.equal(broken.error?.code, "invalid_source_data");
    assert.equal(stack.vantage.emulator.state.values(ORDERS_TOKEN).length, 7);
  }, {
    env: { BROKEN_METRIC_ID: "bsnss_mtrc_broken0000000001" },
    metrics: [
      {
        key: "orders",
        title: "Orders",
        source: { relation: "total_orders", dateColumn: "date", valueColumn: "total_orders" },
        range: { min: 0, integers: true },
        tokenVariable: "ORDERS_METRIC_ID",
      },
      {
        key: "broken",
        title: "Broken",
        source: { relation: "broken", dateColumn: "day", valueColumn: "amount" },
        tokenVariable: "BROKEN_METRIC_ID",
      },
    ],
  }));

Deno.test("a missing source relation is a 422 that says what to check", () =>
  withStack(async (stack) => {
    await stack.db.sql`drop view public.total_orders`;
    const { status, body } = await stack.sync();
    assert.equal(status, 422);
    assert.equal((body.error as { code: string }).code, "source_unavailable");
    assert.match((body.error as { message: string }).message, /public\.total_orders/);
  }));

Deno.test("database down: 503 database_unavailable, and the log line is the record", () =>
  withStack(async (stack) => {
    const { status, body } = await stack.sync();
    assert.equal(status, 503);
    assert.equal((body.error as { code: string }).code, "database_unavailable");
    assert.match((body.error as { message: string }).message, /UNIT_ECONOMICS_DB_URL/);
    assert.equal(stack.vantage.emulator.requests.length, 0);
    const logged = stack.logs.map((line) => JSON.parse(line)).find((line) =>
      line.code === "database_unavailable"
    );
    assert.ok(logged, "an error log line records the failed request");
    assert.equal(logged.level, "error");
  }, { env: { UNIT_ECONOMICS_DB_URL: unreachableDatabaseUrl() } }));

Deno.test("a Vantage token that is missing fails the metric as misconfigured, recorded in the run", () =>
  withStack(async (stack) => {
    const { status, body } = await stack.sync();
    assert.equal(status, 500);
    assert.equal((body.error as { code: string }).code, "misconfigured");
    assert.match((body.error as { message: string }).message, /VANTAGE_API_TOKEN/);
    const [run] = await stack.db.sql`select status, error_code from unit_economics.sync_runs`;
    assert.deepEqual([run.status, run.error_code], ["failed", "misconfigured"]);
  }, { env: { VANTAGE_API_TOKEN: "" } }));

Deno.test("a source query slower than its timeout is cancelled: 503 that names the relation", () =>
  withStack(async (stack) => {
    await stack.db
      .sql`create view public.slow as select current_date - 1 as day, 1 as amount from pg_sleep(3)`;
    const started = Date.now();
    const { status, body } = await stack.sync();
    assert.ok(
      Date.now() - started < 2_500,
      `cancelled at the timeout, not after the sleep: ${Date.now() - started} ms ${
        JSON.stringify(body)
      }`,
    );
    assert.equal(status, 503);
    assert.match(
      (body.error as { message: string }).message,
      /public\.slow took longer than 300 ms/,
    );
    const [run] = await stack.db.sql`select status, error_code from unit_economics.sync_runs`;
    assert.deepEqual([run.status, run.error_code], ["failed", "database_unavailable"]);
  }, {
    env: { UNIT_ECONOMICS_SOURCE_TIMEOUT_MS: "300", SLOW_METRIC_ID: "bsnss_mtrc_slow00000000001" },
    metrics: [{
      key: "slow",
      title: "Slow",
      source: { relation: "slow", dateColumn: "day", valueColumn: "amount" },
      tokenVariable: "SLOW_METRIC_ID",
    }],
  }));
