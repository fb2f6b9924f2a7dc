/**
 * What happens when the source holds bad rows or the configuration is incomplete: the status, the
 * run row, and what was (not) sent. Vantage and database faults (429, 5xx, timeouts, 404, the
 * database down or lost mid-run, a source query past its timeout) are in the reliability suite's
 * fault matrix, tests/reliability/faults.test.ts, with the check that nothing is lost.
 */
import assert from "node:assert/strict";
import { ORDERS_ONLY, ORDERS_TOKEN, utcDay, withStack } from "../support/stack.ts";

type Metric = {
  key: string;
  status: string;
  sent: number;
  error?: { code: string; message: string };
};

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
    await stack.db.grantSource("public.broken");
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
      ...ORDERS_ONLY,
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

Deno.test("a Vantage token that is missing fails the metric as misconfigured, recorded in the run", () =>
  withStack(async (stack) => {
    const { status, body } = await stack.sync();
    assert.equal(status, 500);
    assert.equal((body.error as { code: string }).code, "misconfigured");
    assert.match((body.error as { message: string }).message, /VANTAGE_API_TOKEN/);
    const [run] = await stack.db.sql`select status, error_code from unit_economics.sync_runs`;
    assert.deepEqual([run.status, run.error_code], ["failed", "misconfigured"]);
  }, { env: { VANTAGE_API_TOKEN: "" } }));
