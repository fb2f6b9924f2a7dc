/**
 * `verify` and `--repair` against real Postgres and the Vantage emulator: values changed or deleted
 * in Vantage behind the tool's back are found and put back, extras follow the metric's mode, labels
 * are part of the key, the record of sent values ends up equal to Vantage, and the CLI's exit code
 * says whether drift remains.
 */
import assert from "node:assert/strict";
import { runCliModule, stackCliEnv } from "../support/cli.ts";
import { readConfig } from "../../functions/_shared/config.ts";
import { parseAmount } from "../../functions/_shared/decimal.ts";
import { DECLARED_METRICS, type MetricDeclaration } from "../../functions/_shared/metrics.ts";
import { runVerify, type VerifyRequest } from "../../functions/_shared/verify.ts";
import { createLogger } from "../../functions/_shared/log.ts";
import { DEFAULT_EMULATOR_TOKEN } from "../../dev/vantage/emulator.ts";
import {
  createEmulatorMetrics,
  EMULATOR_METRICS,
  ORDERS_ONLY,
  ORDERS_TOKEN,
  type TestStack,
  utcDay,
  withStack,
} from "../support/stack.ts";

const REVENUE_TOKEN = EMULATOR_METRICS[1].token;
const MIRRORED_ORDERS: MetricDeclaration[] = [{ ...ORDERS_ONLY[0], mode: "mirror" }];
/** The environment the stack's function runs with, for the engine in process and the CLI. */
function stackEnv(stack: TestStack, overrides: Record<string, string> = {}) {
  return {
    UNIT_ECONOMICS_DB_URL: stack.db.functionUrl,
    VANTAGE_API_URL: stack.vantage.url,
    VANTAGE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
    ...createEmulatorMetrics(stack.vantage.emulator),
    ...overrides,
  };
}

function verify(
  stack: TestStack,
  request: Partial<VerifyRequest> = {},
  options: { metrics?: readonly MetricDeclaration[]; env?: Record<string, string> } = {},
) {
  const env: Record<string, string> = stackEnv(stack, options.env);
  const config = readConfig((name) => env[name] || undefined, options.metrics ?? ORDERS_ONLY);
  return runVerify(
    { config, sql: stack.db.functionSql, logger: createLogger({ sink: () => {} }) },
    { trigger: "cli", repair: false, ...request },
  );
}

/** Changes values in Vantage the way someone else would: a PUT through its API. */
async function putBehindTheToolsBack(
  stack: TestStack,
  token: string,
  values: { date: string; amount: number | null; label?: string }[],
) {
  const response = await fetch(`${stack.vantage.url}/business_metrics/${token}`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ values }),
  });
  assert.equal(response.status, 200);
  await response.body?.cancel();
}

/** Vantage's values and the record of sent values, both as sorted `date|label|amount` lines. */
async function vantageAndRecord(stack: TestStack, token: string) {
  const inVantage = stack.vantage.emulator.state.values(token)
    .map((v) => `${v.date}|${v.label ?? ""}|${Number(v.amount)}`).sort();
  const recorded = (await stack.db.sql<{ line: string }[]>`
    select to_char(date, 'YYYY-MM-DD') || '|' || label || '|' || (amount::float8)::text as line
    from unit_economics.sent_values where metric_token = ${token}`).map((r) => r.line).sort();
  return { inVantage, recorded };
}

async function ordersOn(stack: TestStack, day: string): Promise<string> {
  const [{ total }] = await stack.db
    .sql`select total_orders::text as total from public.total_orders where date = ${day}::date`;
  return total;
}

Deno.test("verify finds nothing to correct right after a sync", () =>
  withStack(async (stack) => {
    await stack.sync();
    const result = await verify(stack);
    assert.equal(result.status, "in_sync");
    assert.equal(result.driftRemaining, false);
    assert.equal(result.runId, null);
    assert.deepEqual(result.window, { from: utcDay(-7), to: utcDay(-1) });
    assert.deepEqual(result.totals, {
      matching: 7,
      missing: 0,
      changed: 0,
      extra: 0,
      sent: 0,
      deleted: 0,
    });
    // Reading writes nothing: no run row besides the sync's, no PUT besides the sync's.
    const [{ runs }] = await stack.db
      .sql`select count(*)::int as runs from unit_economics.sync_runs`;
    assert.equal(runs, 1);
    assert.equal(stack.vantage.emulator.requests.filter((r) => r.method === "PUT").length, 1);
  }));

Deno.test("a value changed and one deleted in Vantage are reported, repaired, and then clean", () =>
  withStack(async (stack) => {
    await stack.sync();
    const [changedDay, deletedDay] = [utcDay(-3), utcDay(-5)];
    await putBehindTheToolsBack(stack, ORDERS_TOKEN, [
      { date: changedDay, amount: 99999 },
      { date: deletedDay, amount: null },
    ]);

    const found = await verify(stack);
    assert.equal(found.status, "drift");
    assert.equal(found.driftRemaining, true);
    const [orders] = found.metrics;
    assert.deepEqual(orders.changed, [
      { date: changedDay, label: "", source: await ordersOn(stack, changedDay), vantage: "99999" },
    ]);
    assert.deepEqual(orders.missing, [
      { date: deletedDay, label: "", source: await ordersOn(stack, deletedDay), vantage: null },
    ]);
    assert.equal(orders.matching, 5);
    // A sync does not see it: the record of sent values says Vantage has everything.
    const { body } = await stack.sync();
    assert.equal((body.metrics as { sent: number }[])[0].sent, 0);

    const repaired = await verify(stack, { repair: true });
    assert.equal(repaired.status, "repaired");
    assert.equal(repaired.driftRemaining, false);
    assert.deepEqual(repaired.metrics[0].repair, { sent: 2, deleted: 0, recordsAligned: 0 });
    const lastPut = stack.vantage.emulator.requests.filter((r) => r.method === "PUT").at(-1)!;
    assert.equal((lastPut.body as { values: unknown[] }).values.length, 2);

    const again = await verify(stack);
    assert.equal(again.status, "in_sync");
    assert.equal(again.totals.matching, 7);
    const { inVantage, recorded } = await vantageAndRecord(stack, ORDERS_TOKEN);
    assert.deepEqual(recorded, inVantage);
    const { body: after } = await stack.sync();
    assert.equal((after.metrics as { sent: number }[])[0].sent, 0);

    // The repair is a run of its own, holding the sync lock, with counts per metric.
    const [run] = await stack.db.sql`
      select id, trigger, status, dry_run, metrics from unit_economics.sync_runs
      where id = ${repaired.runId}`;
    assert.deepEqual(
      { trigger: run.trigger, status: run.status, dryRun: run.dry_run },
      { trigger: "cli", status: "succeeded", dryRun: false },
    );
    assert.equal(run.metrics[0].operation, "repair");
    assert.equal(run.metrics[0].status, "repaired");
    assert.equal(run.metrics[0].changed, 1);
    assert.equal(run.metrics[0].missing, 1);
  }));

Deno.test("a repair refuses to run while a sync holds the lock", () =>
  withStack(async (stack) => {
    await stack.db.sql`insert into unit_economics.sync_runs (trigger, status, lease_expires_at)
      values ('http', 'running', now() + interval '1 minute')`;
    await assert.rejects(() => verify(stack, { repair: true }), { code: "sync_already_running" });
    // A plain verify only reads, so it runs anyway.
    assert.equal((await verify(stack)).status, "drift");
  }));

Deno.test("in upsert mode an extra value is reported but neither drift nor deleted", () =>
  withStack(async (stack) => {
    await stack.sync();
    await putBehindTheToolsBack(stack, ORDERS_TOKEN, [
      { date: utcDay(-2), amount: 5, label: "someone-else" },
    ]);
    const found = await verify(stack);
    assert.equal(found.status, "in_sync");
    assert.equal(found.driftRemaining, false);
    assert.deepEqual(found.metrics[0].extra, [
      { date: utcDay(-2), label: "someone-else", source: null, vantage: "5" },
    ]);

    const repaired = await verify(stack, { repair: true });
    assert.deepEqual(repaired.metrics[0].repair, { sent: 0, deleted: 0, recordsAligned: 1 });
    assert.ok(
      stack.vantage.emulator.state.values(ORDERS_TOKEN).some((v) => v.label === "someone-else"),
    );
    // The record says what Vantage holds, the extra included.
    const { inVantage, recorded } = await vantageAndRecord(stack, ORDERS_TOKEN);
    assert.deepEqual(recorded, inVantage);
  }));

Deno.test("in mirror mode extras are drift, and the repair deletes them", () =>
  withStack(async (stack) => {
    await stack.sync();
    const goneDay = utcDay(-4);
    // A day that left the source after it was sent, and a value someone else added.
    await stack.db
      .sql`delete from public.orders where (created_at at time zone 'UTC')::date = ${goneDay}::date`;
    await putBehindTheToolsBack(stack, ORDERS_TOKEN, [
      { date: utcDay(-2), amount: 5, label: "someone-else" },
    ]);
    const options = { metrics: MIRRORED_ORDERS };

    const found = await verify(stack, {}, options);
    assert.equal(found.status, "drift");
    assert.deepEqual(found.metrics[0].extra.map((v) => [v.date, v.label]), [
      [utcDay(-4), ""],
      [utcDay(-2), "someone-else"],
    ]);
    assert.deepEqual(found.metrics[0].missingDays, [goneDay]);

    const repaired = await verify(stack, { repair: true }, options);
    assert.equal(repaired.status, "repaired");
    assert.deepEqual(repaired.metrics[0].repair, { sent: 0, deleted: 2, recordsAligned: 0 });
    const days = stack.vantage.emulator.state.values(ORDERS_TOKEN);
    assert.ok(!days.some((v) => v.date === goneDay || v.label === "someone-else"));
    assert.equal((await verify(stack, {}, options)).status, "in_sync");
    const { inVantage, recorded } = await vantageAndRecord(stack, ORDERS_TOKEN);
    assert.deepEqual(recorded, inVantage);
  }));

// Leaves the third declared metric without a token, to show how an unbound metric is reported.
const UNBOUND_CUSTOMERS = { ACTIVE_CUSTOMERS_METRIC_ID: "" };

Deno.test("labels are part of the key: drift in one region of revenue is found and repaired", () =>
  withStack(async (stack) => {
    await stack.sync();
    const options = { metrics: DECLARED_METRICS, env: UNBOUND_CUSTOMERS };
    const day = utcDay(-2);
    const [eu] = await stack.db.sql<{ revenue: string }[]>`
      select revenue::text from public.daily_revenue where date = ${day}::date and region = 'eu-west'`;
    await putBehindTheToolsBack(stack, REVENUE_TOKEN, [
      { date: day, amount: 0.01, label: "eu-west" },
      { date: day, amount: null, label: "us-east" },
    ]);

    const found = await verify(stack, { metrics: ["revenue"] }, options);
    assert.equal(found.metrics.length, 1);
    const [revenue] = found.metrics;
    assert.deepEqual(revenue.changed.map((v) => [v.date, v.label, v.vantage]), [
      [day, "eu-west", "0.01"],
    ]);
    assert.deepEqual(parseAmount(revenue.changed[0].source!), parseAmount(eu.revenue));
    assert.deepEqual(revenue.missing.map((v) => [v.date, v.label]), [[day, "us-east"]]);

    await verify(stack, { repair: true, metrics: ["revenue"] }, options);
    const all = await verify(stack, {}, options);
    assert.equal(all.status, "in_sync");
    assert.deepEqual(all.metrics.map((m) => [m.key, m.status]), [
      ["orders", "in_sync"],
      ["revenue", "in_sync"],
      ["active_customers", "unbound"],
    ]);
    const { inVantage, recorded } = await vantageAndRecord(stack, REVENUE_TOKEN);
    assert.deepEqual(recorded, inVantage);
  }, { metrics: DECLARED_METRICS, env: UNBOUND_CUSTOMERS }));

Deno.test("Vantage refusing fails the metric with 502, and the repair's run row says so", () =>
  withStack(async (stack) => {
    stack.vantage.emulator.failNext(1, 403);
    const result = await verify(stack, { repair: true });
    assert.equal(result.status, "failed");
    assert.equal(result.httpStatus, 502);
    assert.equal(result.metrics[0].error?.code, "vantage_rejected");
    const [run] = await stack.db.sql`
      select status, http_status, error_code from unit_economics.sync_runs where id = ${result.runId}`;
    assert.deepEqual({ ...run }, {
      status: "failed",
      http_status: 502,
      error_code: "vantage_rejected",
    });
  }));

Deno.test("invalid source rows fail that metric with the sync's 422 error", () =>
  withStack(async (stack) => {
    await stack.db.sql`create or replace view public.total_orders as
      select (current_date - 1)::date as date, (-5)::integer as total_orders`;
    const result = await verify(stack);
    assert.equal(result.status, "failed");
    assert.equal(result.httpStatus, 422);
    assert.equal(result.metrics[0].error?.code, "invalid_source_data");
  }));

function runCli(stack: TestStack, args: string[], env: Record<string, string> = {}) {
  return runCliModule("cli/verify.ts", args, stackCliEnv(stack, env));
}

Deno.test("the CLI exits 0 in sync, 1 on drift, 0 after --repair, 2 on bad usage", () =>
  withStack(async (stack) => {
    await stack.sync();
    const clean = await runCli(stack, ["--metric", "orders"]);
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /^Verify, window \S+: in sync \(0 missing, 0 changed/);

    await putBehindTheToolsBack(stack, ORDERS_TOKEN, [{ date: utcDay(-1), amount: 1 }]);
    const drift = await runCli(stack, ["--metric", "orders"]);
    assert.equal(drift.code, 1);
    assert.match(drift.stdout, /DRIFT \(0 missing, 1 changed/);
    assert.match(drift.stdout, new RegExp(`${utcDay(-1)}: source \\d+, Vantage 1\\n`));
    assert.match(drift.stdout, /Run with --repair/);

    const json = await runCli(stack, ["--metric", "orders", "--json"]);
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout);
    assert.equal(report.driftRemaining, true);
    assert.equal(report.metrics[0].changed[0].vantage, "1");

    const repair = await runCli(stack, ["--metric", "orders", "--repair"]);
    assert.equal(repair.code, 0, repair.stderr);
    assert.match(repair.stdout, /^Repair run \d+, window \S+: repaired: 1 sent, 0 deleted/);
    assert.equal((await runCli(stack, ["--metric", "orders"])).code, 0);

    const badFlag = await runCli(stack, ["--repiar"]);
    assert.equal(badFlag.code, 2);
    const unknown = await runCli(stack, ["--metric", "nope"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown_metric/);
    const future = await runCli(stack, ["--date", utcDay(2)]);
    assert.equal(future.code, 2);
    const noToken = await runCli(stack, ["--metric", "orders"], { VANTAGE_API_TOKEN: "" });
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /misconfigured: VANTAGE_API_TOKEN is not set/);
    assert.doesNotMatch(clean.stdout + clean.stderr + drift.stderr, /vntg_tkn_emulator/);
  }));
