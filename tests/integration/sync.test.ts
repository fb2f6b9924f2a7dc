/**
 * The daily sync over HTTP against real Postgres and the Vantage emulator: what reaches Vantage,
 * what is recorded, and what a rerun, a late order or a dry run do.
 */
import assert from "node:assert/strict";
import { ORDERS_TOKEN, utcDay, withStack } from "../support/stack.ts";

type Metric = {
  key: string;
  status: string;
  sent: number;
  unchanged: number;
  rowsRead: number;
  planned?: unknown[];
  error?: { code: string };
};

Deno.test("a default sync sends the last 7 complete days of orders and records them", () =>
  withStack(async (stack) => {
    const { status, body } = await stack.sync();
    assert.equal(status, 200);
    assert.equal(body.status, "succeeded");
    assert.deepEqual(body.window, { from: utcDay(-7), to: utcDay(-1) });
    const [orders] = body.metrics as Metric[];
    assert.equal(orders.key, "orders");
    assert.equal(orders.sent, 7);

    // Vantage holds exactly the source's counts for those days, and nothing of today.
    const source = await stack.db.sql<{ date: string; total: number }[]>`
      select to_char(date, 'YYYY-MM-DD') as date, total_orders as total from public.total_orders
      where date between ${utcDay(-7)}::date and ${utcDay(-1)}::date order by date`;
    const inVantage = stack.vantage.emulator.state.values(ORDERS_TOKEN)
      .map((v) => ({ date: v.date.slice(0, 10), total: Number(v.amount) }))
      .sort((a, b) => a.date.localeCompare(b.date));
    assert.deepEqual(inVantage, source.map((r) => ({ date: r.date, total: r.total })));
    assert.equal(stack.vantage.emulator.requests.filter((r) => r.method === "PUT").length, 1);

    const [run] = await stack.db.sql`select * from unit_economics.sync_runs`;
    assert.equal(Number(run.id), body.runId);
    assert.equal(run.status, "succeeded");
    assert.equal(run.trigger, "http");
    assert.equal(run.http_status, 200);
    assert.ok(run.finished_at instanceof Date);
    assert.equal(run.metrics[0].sent, 7);
    const [{ count }] = await stack.db
      .sql`select count(*)::int from unit_economics.sent_values where metric_token = ${ORDERS_TOKEN}`;
    assert.equal(count, 7);

    // One JSON log line for the run, naming it.
    const runLines = stack.logs.map((line) => JSON.parse(line)).filter((line) =>
      line.msg === "sync finished"
    );
    assert.equal(runLines.length, 1);
    assert.equal(runLines[0].runId, body.runId);
  }));

Deno.test("a rerun sends nothing", () =>
  withStack(async (stack) => {
    await stack.sync();
    const puts = () => stack.vantage.emulator.requests.filter((r) => r.method === "PUT").length;
    const before = puts();
    const { status, body } = await stack.sync();
    assert.equal(status, 200);
    const [orders] = body.metrics as Metric[];
    assert.equal(orders.sent, 0);
    assert.equal(orders.unchanged, 7);
    assert.equal(puts(), before);
  }));

Deno.test("a late order is picked up by the lookback and only that day is resent", () =>
  withStack(async (stack) => {
    await stack.sync();
    const lateDay = utcDay(-3);
    await stack.db.sql`insert into public.orders (created_at, amount_cents, customer_id, region)
      values (${lateDay}::date + time '13:00' at time zone 'UTC', 2500, 1, 'eu-west')`;
    const { body } = await stack.sync();
    const [orders] = body.metrics as Metric[];
    assert.equal(orders.sent, 1);
    assert.equal(orders.unchanged, 6);
    const lastPut = stack.vantage.emulator.requests.filter((r) => r.method === "PUT").at(-1)!;
    const [{ total }] = await stack.db
      .sql`select total_orders as total from public.total_orders where date = ${lateDay}::date`;
    assert.deepEqual((lastPut.body as { values: unknown[] }).values, [{
      date: lateDay,
      amount: total,
    }]);
  }));

Deno.test("today is never sent unless named, and then it is", () =>
  withStack(async (stack) => {
    await stack.sync();
    const today = utcDay(0);
    assert.ok(
      !stack.vantage.emulator.state.values(ORDERS_TOKEN).some((v) => v.date.startsWith(today)),
    );
    const { status } = await stack.sync({ date: today });
    assert.equal(status, 200);
    assert.ok(
      stack.vantage.emulator.state.values(ORDERS_TOKEN).some((v) => v.date.startsWith(today)),
    );
  }));

Deno.test("dryRun returns the planned values and sends and records nothing", () =>
  withStack(async (stack) => {
    const { status, body } = await stack.sync({ dryRun: true });
    assert.equal(status, 200);
    const [orders] = body.metrics as Metric[];
    assert.equal(orders.planned?.length, 7);
    assert.equal(orders.sent, 0);
    assert.equal(stack.vantage.emulator.requests.length, 0);
    const [{ count }] = await stack.db.sql`select count(*)::int from unit_economics.sent_values`;
    assert.equal(count, 0);
    const [run] = await stack.db.sql`select dry_run, status from unit_economics.sync_runs`;
    assert.deepEqual({ ...run }, { dry_run: true, status: "succeeded" });
  }));

Deno.test("force resends unchanged values", () =>
  withStack(async (stack) => {
    await stack.sync({ from: utcDay(-3), to: utcDay(-1) });
    const { body } = await stack.sync({ from: utcDay(-3), to: utcDay(-1), force: true });
    assert.equal((body.metrics as Metric[])[0].sent, 3);
  }));

Deno.test("a metric without a Vantage token is reported unbound and does not fail the run", () =>
  withStack(async (stack) => {
    const { status, body } = await stack.sync();
    assert.equal(status, 200);
    const [orders] = body.metrics as Metric[];
    assert.equal(orders.status, "unbound");
    assert.equal(orders.rowsRead, 7);
    assert.equal(stack.vantage.emulator.requests.length, 0);
  }, { env: { ORDERS_METRIC_ID: "" } }));

Deno.test("bigint and numeric sources reach Vantage without losing digits", () =>
  withStack(async (stack) => {
    await stack.db.sql`create view public.big_numbers as
      select (current_date - 1) as day, 9007199254740993::bigint as amount`;
    await stack.db.grantSource("public.big_numbers");
    const { status } = await stack.sync({ metrics: ["big"] });
    assert.equal(status, 200);
    const put = stack.vantage.emulator.requests.find((r) => r.method === "PUT")!;
    assert.equal(put.path, `/v2/business_metrics/${ORDERS_TOKEN}`);
    const [value] = stack.vantage.emulator.state.values(ORDERS_TOKEN);
    assert.match(value.amount, /^9007199254740993(\.0)?$/);
  }, {
    env: { BIG_METRIC_ID: ORDERS_TOKEN },
    metrics: [{
      key: "big",
      title: "Big",
      source: { relation: "big_numbers", dateColumn: "day", valueColumn: "amount" },
      tokenVariable: "BIG_METRIC_ID",
    }],
  }));
