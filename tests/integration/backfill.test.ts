/**
 * Backfills: years of history for three metrics in batches (never a request per day), within
 * Vantage's rate limit, resumable after a kill or a Ctrl-C; labels and mirror mode end to end.
 */
import assert from "node:assert/strict";
import { DECLARED_METRICS, type MetricDeclaration } from "../../functions/_shared/metrics.ts";
import { DEFAULT_EMULATOR_TOKEN } from "../../dev/vantage/emulator.ts";
import { addOrderHistory } from "../support/history.ts";
import {
  createEmulatorMetrics,
  EMULATOR_METRICS,
  ORDERS_TOKEN,
  type TestStack,
  utcDay,
  withStack,
} from "../support/stack.ts";

const FIVE_YEARS = 1826;
const tokenOf = (key: string) => EMULATOR_METRICS.find((m) => m.key === key)!.token;

async function sourceCounts(stack: TestStack, from: string, to: string) {
  const [counts] = await stack.db.sql`
    select (select count(*)::int from public.total_orders where date between ${from}::date and ${to}::date) as orders,
           (select count(*)::int from public.daily_revenue where date between ${from}::date and ${to}::date) as revenue,
           (${to}::date - ${from}::date + 1)::int as active_customers`;
  return counts as unknown as { orders: number; revenue: number; active_customers: number };
}

function putsFor(stack: TestStack, token: string) {
  return stack.vantage.emulator.requests.filter((r) =>
    r.method === "PUT" && r.path.endsWith(token)
  );
}

Deno.test("a five-year, three-metric backfill goes in batches of 500 within the rate limit", () =>
  withStack(async (stack) => {
    await addOrderHistory(stack.db.sql, FIVE_YEARS);
    const from = utcDay(-FIVE_YEARS);
    const to = utcDay(-1);
    const expected = await sourceCounts(stack, from, to);
    // A tight budget: the backfill must pace itself on x-rate-limit-remaining, not hit 429s.
    stack.vantage.emulator.setRateLimit({ limit: 8, windowSeconds: 1 });

    const started = performance.now();
    const { status, body } = await stack.sync({ from, to });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(status, 200, JSON.stringify(body));

    let requests = 0;
    for (const [key, count] of Object.entries(expected)) {
      const outcome = (body.metrics as { key: string; sent: number }[]).find((m) => m.key === key)!;
      assert.equal(outcome.sent, count, key);
      const puts = putsFor(stack, tokenOf(key));
      assert.equal(puts.length, Math.ceil(count / 500), `${key}: one request per 500 values`);
      assert.ok(puts.every((put) => (put.body as { values: unknown[] }).values.length <= 500));
      assert.equal(stack.vantage.emulator.state.values(tokenOf(key)).length, count, key);
      requests += puts.length;
    }
    assert.equal(
      stack.vantage.emulator.requests.filter((r) => r.status === 429).length,
      0,
      "no 429",
    );
    const values = expected.orders + expected.revenue + expected.active_customers;
    console.log(
      `five-year backfill: ${values} values, ${requests} requests, ${seconds.toFixed(1)} s`,
    );

    const again = await stack.sync({ from, to });
    assert.equal(again.status, 200);
    assert.ok(
      (again.body.metrics as { sent: number }[]).every((m) => m.sent === 0),
      "a rerun sends nothing",
    );
  }, { metrics: DECLARED_METRICS }));

function startCliBackfill(stack: TestStack, from: string, to: string) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../cli/sync.ts", import.meta.url).pathname,
      "--from",
      from,
      "--to",
      to,
      "--json",
    ],
    env: {
      UNIT_ECONOMICS_DB_URL: stack.db.functionUrl,
      VANTAGE_API_URL: stack.vantage.url,
      VANTAGE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
      ...createEmulatorMetrics(stack.vantage.emulator),
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function waitForPuts(stack: TestStack, count: number): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 50) {
    if (
      stack.vantage.emulator.requests.filter((r) => r.method === "PUT" && r.status === 200)
        .length >= count
    ) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fewer than ${count} PUTs within 30 s`);
}

async function waitForRecorded(stack: TestStack, count: number): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 50) {
    if (await sentCount(stack) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fewer than ${count} values recorded as sent within 30 s`);
}

async function sentCount(stack: TestStack): Promise<number> {
  const [{ count }] = await stack.db.sql`select count(*)::int from unit_economics.sent_values`;
  return count;
}

async function assertVantageMatchesSource(stack: TestStack, from: string, to: string) {
  const expected = await sourceCounts(stack, from, to);
  for (const [key, count] of Object.entries(expected)) {
    assert.equal(stack.vantage.emulator.state.values(tokenOf(key)).length, count, key);
  }
}

Deno.test("a backfill killed halfway resumes: the next run sends only what is missing", () =>
  withStack(async (stack) => {
    await addOrderHistory(stack.db.sql, FIVE_YEARS);
    const from = utcDay(-FIVE_YEARS);
    const to = utcDay(-1);
    stack.vantage.emulator.setLatency(150);
    const child = startCliBackfill(stack, from, to);
    // Kill it once part of the backfill is recorded as sent (the orders and at least one more batch).
    await waitForRecorded(stack, 2000);
    child.kill("SIGKILL");
    await child.status;
    await child.stdout.cancel();
    await child.stderr.cancel();
    const recorded = await sentCount(stack);
    assert.ok(
      recorded >= 2000 && recorded < 9000,
      `part of the backfill was recorded (${recorded})`,
    );

    // The killed run still holds its lease; the lease test shows it runs out within 45 s. Here,
    // let it have run out already.
    const [dead] = await stack.db
      .sql`update unit_economics.sync_runs set lease_expires_at = now() - interval '1 second'
      where status = 'running' returning id`;
    assert.ok(dead, "the killed run was left running");
    stack.vantage.emulator.setLatency(0);
    const { status, body } = await stack.sync({ from, to });
    assert.equal(status, 200);
    const expected = await sourceCounts(stack, from, to);
    const total = expected.orders + expected.revenue + expected.active_customers;
    const resent = (body.metrics as { sent: number }[]).reduce((sum, m) => sum + m.sent, 0);
    assert.equal(resent, total - recorded, "only the values not recorded as sent go again");
    await assertVantageMatchesSource(stack, from, to);
  }, { metrics: DECLARED_METRICS }));

Deno.test("Ctrl-C stops a backfill after the current batch, recorded as interrupted; the next run goes at once", () =>
  withStack(async (stack) => {
    await addOrderHistory(stack.db.sql, FIVE_YEARS);
    const from = utcDay(-FIVE_YEARS);
    const to = utcDay(-1);
    stack.vantage.emulator.setLatency(150);
    const child = startCliBackfill(stack, from, to);
    await waitForPuts(stack, 3);
    child.kill("SIGINT");
    const output = await child.output();
    assert.equal(output.code, 130);
    const result = JSON.parse(new TextDecoder().decode(output.stdout));
    assert.equal(result.error.code, "interrupted");
    const [run] = await stack.db
      .sql`select status, error_code, finished_at from unit_economics.sync_runs`;
    assert.deepEqual([run.status, run.error_code], ["failed", "interrupted"]);

    stack.vantage.emulator.setLatency(0);
    const next = await stack.sync({ from, to });
    assert.equal(next.status, 200, "no 409: the interrupted run released the lock");
    await assertVantageMatchesSource(stack, from, to);
  }, { metrics: DECLARED_METRICS }));

Deno.test("labelled values are sent and diffed per (day, label)", () =>
  withStack(async (stack) => {
    const revenue = tokenOf("revenue");
    const first = await stack.sync({ metrics: ["revenue"] });
    assert.equal(first.status, 200);
    const inVantage = stack.vantage.emulator.state.values(revenue);
    const [{ count }] = await stack.db.sql`select count(*)::int from public.daily_revenue
      where date between ${utcDay(-7)}::date and ${utcDay(-1)}::date`;
    assert.equal(inVantage.length, count);
    assert.deepEqual([...new Set(inVantage.map((v) => v.label))].sort(), [
      "ap-south",
      "eu-west",
      "us-east",
    ]);

    // One more eu-west order yesterday changes one (day, label) value only.
    await stack.db.sql`insert into public.orders (created_at, amount_cents, customer_id, region)
      values (${utcDay(-1)}::date + time '12:00' at time zone 'UTC', 1234, 7, 'eu-west')`;
    const second = await stack.sync({ metrics: ["revenue"] });
    const lastPut = putsFor(stack, revenue).at(-1)!;
    const sent = (lastPut.body as { values: { date: string; label: string }[] }).values;
    assert.deepEqual(sent.map((v) => [v.date, v.label]), [[utcDay(-1), "eu-west"]]);
    assert.equal((second.body.metrics as { unchanged: number }[])[0].unchanged, count - 1);
  }, { metrics: DECLARED_METRICS }));

const mirrored = (mode: "upsert" | "mirror"): MetricDeclaration[] => [{
  ...DECLARED_METRICS.find((m) => m.key === "orders")!,
  mode,
}];

Deno.test("mirror mode deletes in Vantage a day that left the source; upsert keeps it", async (t) => {
  for (const mode of ["mirror", "upsert"] as const) {
    await t.step(mode, () =>
      withStack(async (stack) => {
        await stack.sync();
        const gone = utcDay(-4);
        await stack.db
          .sql`delete from public.orders where (created_at at time zone 'UTC')::date = ${gone}::date`;
        const { status, body } = await stack.sync();
        assert.equal(status, 200);
        const [orders] = body.metrics as { deleted: number; missingDays: string[] }[];
        assert.deepEqual(orders.missingDays, [gone]);
        const days = stack.vantage.emulator.state.values(ORDERS_TOKEN).map((v) =>
          v.date.slice(0, 10)
        );
        const [{ count }] = await stack.db
          .sql`select count(*)::int from unit_economics.sent_values where date = ${gone}::date`;
        if (mode === "mirror") {
          assert.equal(orders.deleted, 1);
          assert.ok(!days.includes(gone), "deleted in Vantage");
          assert.equal(count, 0, "and no longer recorded as sent");
          const lastPut = putsFor(stack, ORDERS_TOKEN).at(-1)!;
          assert.deepEqual((lastPut.body as { values: unknown[] }).values, [{
            date: gone,
            amount: null,
          }]);
        } else {
          assert.equal(orders.deleted, 0);
          assert.ok(days.includes(gone), "kept in Vantage");
          assert.equal(count, 1);
        }
      }, { metrics: mirrored(mode) }));
  }
});
