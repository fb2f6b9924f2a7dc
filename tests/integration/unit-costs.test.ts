/**
 * Cost per unit over HTTP against real Postgres and the emulator's synthetic AWS costs: the
 * arithmetic against the source and Vantage's costs, provisional days, Vantage's own figure beside
 * ours, anomalies, signed report links and the anomaly webhook.
 */
import assert from "node:assert/strict";
import { formatDecimal } from "../../dev/vantage/decimal.ts";
import { DEFAULT_EMULATOR_TOKEN, SEEDED_COST_REPORT } from "../../dev/vantage/emulator.ts";
import { linkKey, signGrant } from "../../functions/unit-economics/report-links.ts";
import { ORDERS_TOKEN, TEST_SECRET, type TestStack, utcDay, withStack } from "../support/stack.ts";

const auth = { authorization: `Bearer ${TEST_SECRET}` };

/** Attaches the emulator's Orders metric to its seeded cost report, as apply would. */
async function attachOrders(stack: TestStack, unitScale = "per_unit") {
  const response = await fetch(`${stack.vantage.url}/business_metrics/${ORDERS_TOKEN}`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      cost_report_tokens_with_metadata: [{
        cost_report_token: SEEDED_COST_REPORT.token,
        unit_scale: unitScale,
      }],
    }),
  });
  assert.equal(response.status, 200);
  await response.body?.cancel();
}

/** Keeps one order in ten on `day`: its cost per order jumps about tenfold. */
async function injectSpike(stack: TestStack, day: string) {
  await stack.db
    .sql`delete from public.orders where (created_at at time zone 'UTC')::date = ${day}::date and id % 10 <> 0`;
}

async function unitCosts(stack: TestStack, query: string) {
  const response = await fetch(`${stack.url}/unit-costs?${query}`, { headers: auth });
  return { status: response.status, body: await response.json() };
}

Deno.test("cost per unit is the cost report's daily cost over the metric's daily amount", () =>
  withStack(async (stack) => {
    await attachOrders(stack);
    const from = utcDay(-10);
    const to = utcDay(-1);
    const { status, body } = await unitCosts(stack, `metric=orders&from=${from}&to=${to}`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body.window, { from, to });
    const [series] = body.series;
    assert.equal(series.costReportToken, SEEDED_COST_REPORT.token);
    assert.equal(series.costReportTitle, SEEDED_COST_REPORT.title);
    assert.equal(series.days.length, 10);

    const orders = new Map(
      (await stack.db
        .sql`select to_char(date, 'YYYY-MM-DD') as d, total_orders from public.total_orders
        where date between ${from}::date and ${to}::date`).map((r) => [r.d, r.total_orders]),
    );
    const costs = new Map<string, number>();
    for (const row of stack.vantage.emulator.state.costs(SEEDED_COST_REPORT.token, from, to)) {
      costs.set(row.date, (costs.get(row.date) ?? 0) + Number(formatDecimal(row.amount)));
    }
    for (const day of series.days) {
      assert.equal(day.amount, orders.get(day.date), day.date);
      assert.ok(Math.abs(day.cost - costs.get(day.date)!) < 1e-6, day.date);
      assert.ok(Math.abs(day.costPerUnit - day.cost / day.amount) < 1e-9, day.date);
    }
    assert.deepEqual(
      series.days.filter((d: { provisional: boolean }) => d.provisional).map((
        d: { date: string },
      ) => d.date),
      [utcDay(-2), utcDay(-1)],
    );
    assert.equal(series.summary.provisionalDays, 2);
  }));

Deno.test("a unit scale divides the amount; Vantage's own figure stands beside ours and disagreements are flagged", () =>
  withStack(async (stack) => {
    await attachOrders(stack, "per_hundred");
    await stack.sync({ from: utcDay(-10), to: utcDay(-1) });
    // Someone changes one value in Vantage: its unit cost no longer agrees with ours.
    const changed = utcDay(-5);
    await fetch(`${stack.vantage.url}/business_metrics/${ORDERS_TOKEN}`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ values: [{ date: changed, amount: 1 }] }),
    }).then((r) => r.body?.cancel());
    const { body } = await unitCosts(stack, `metric=orders&from=${utcDay(-10)}&to=${utcDay(-3)}`);
    const [series] = body.series;
    assert.equal(series.scale, 100);
    assert.equal(series.vantageUnitCostsAvailable, true);
    for (const day of series.days) {
      assert.ok(Math.abs(day.costPerUnit - day.cost / (day.amount / 100)) < 1e-9);
      assert.ok(day.vantageCostPerUnit !== null, day.date);
      assert.equal(day.disagreement, day.date === changed, day.date);
    }
  }));

Deno.test("an injected spike is an anomaly with its direction and size", () =>
  withStack(async (stack) => {
    await attachOrders(stack);
    const spike = utcDay(-9);
    await injectSpike(stack, spike);
    const { body } = await unitCosts(stack, "metric=orders");
    const [series] = body.series;
    assert.equal(series.days.length, 30, "default: the last 30 complete days");
    const flagged = series.days.filter((d: { anomaly: unknown }) => d.anomaly);
    const up = flagged.find((d: { date: string }) => d.date === spike);
    assert.ok(
      up,
      `the spike on ${spike} is flagged: ${
        JSON.stringify(flagged.map((d: { date: string }) => d.date))
      }`,
    );
    assert.equal(up.anomaly.direction, "up");
    assert.ok(up.anomaly.changePercent > 300);
    assert.equal(series.summary.anomalies, flagged.length);
  }));

Deno.test("unit-costs refuses what it cannot answer, with the contract's errors", () =>
  withStack(async (stack) => {
    assert.equal((await unitCosts(stack, "metric=nope")).status, 400);
    assert.equal((await unitCosts(stack, `from=${utcDay(-3)}`)).status, 400);
    assert.equal((await unitCosts(stack, `from=${utcDay(-1)}&to=${utcDay(-5)}`)).status, 400);
    assert.equal((await unitCosts(stack, `from=${utcDay(-1)}&to=${utcDay(2)}`)).status, 400);
    assert.equal((await unitCosts(stack, "limit=5")).status, 400, "unknown query keys are refused");
    const unauthenticated = await fetch(`${stack.url}/unit-costs`);
    assert.equal(unauthenticated.status, 401);
    await unauthenticated.body?.cancel();
  }));

Deno.test("a metric without a Vantage token is 409 metric_unbound", () =>
  withStack(async (stack) => {
    const { status, body } = await unitCosts(stack, "metric=orders");
    assert.equal(status, 409);
    assert.equal(body.error.code, "metric_unbound");
    assert.match(body.error.message, /deno task apply/);
  }, { env: { ORDERS_METRIC_ID: "" } }));

Deno.test("a metric attached to no cost report has no series, not an error", () =>
  withStack(async (stack) => {
    const { status, body } = await unitCosts(stack, "metric=orders");
    assert.equal(status, 200);
    assert.deepEqual(body.series, []);
  }));

Deno.test("a sync posts new anomalies to the webhook once", () => {
  const posts: { text: string; anomalies: { date: string; direction: string }[] }[] = [];
  const webhook = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      posts.push(await request.json());
      return new Response("ok");
    },
  );
  return withStack(async (stack) => {
    try {
      await attachOrders(stack);
      const spike = utcDay(-4);
      await injectSpike(stack, spike);
      const first = await stack.sync();
      assert.equal(first.status, 200);
      assert.equal(first.body.anomaliesAnnounced, 1, JSON.stringify(posts));
      assert.equal(posts.length, 1);
      assert.deepEqual(posts[0].anomalies.map((a) => [a.date, a.direction]), [[spike, "up"]]);
      assert.match(posts[0].text, new RegExp(`orders on ${spike}`));

      const second = await stack.sync({ force: true });
      assert.equal(second.body.anomaliesAnnounced, 0);
      assert.equal(posts.length, 1, "an anomaly is announced once");
      const [{ count }] = await stack.db
        .sql`select count(*)::int from unit_economics.anomaly_notifications`;
      assert.equal(count, 1);
    } finally {
      await webhook.shutdown();
    }
  }, { env: { UNIT_ECONOMICS_ANOMALY_WEBHOOK_URL: `http://127.0.0.1:${webhook.addr.port}/hook` } });
});

Deno.test("a failing webhook is logged and does not fail the sync", () =>
  withStack(async (stack) => {
    await attachOrders(stack);
    await injectSpike(stack, utcDay(-4));
    const { status, body } = await stack.sync();
    assert.equal(status, 200);
    assert.equal(body.anomaliesAnnounced, 0);
    assert.ok(stack.logs.some((line) => JSON.parse(line).msg === "could not announce anomalies"));
    assert.ok(!stack.logs.join("\n").includes("/secret-hook-path"), "the webhook URL is masked");
  }, { env: { UNIT_ECONOMICS_ANOMALY_WEBHOOK_URL: "http://127.0.0.1:9/secret-hook-path" } }));

Deno.test("report links: signed and expiring, refused when tampered or expired", () =>
  withStack(async (stack) => {
    await attachOrders(stack);
    const created = await fetch(`${stack.url}/report-link`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        metric: "orders",
        from: utcDay(-10),
        to: utcDay(-1),
        expiresInSeconds: 600,
      }),
    });
    assert.equal(created.status, 200);
    const link = await created.json();
    const url = new URL(link.url);
    assert.equal(url.pathname, "/functions/v1/unit-economics/report");
    assert.ok(Date.parse(link.expiresAt) > Date.now() + 590_000);

    const tampered = new URL(url);
    tampered.searchParams.set("from", utcDay(-20));
    const refused = await fetch(tampered);
    assert.equal(refused.status, 401);
    assert.match((await refused.json()).error.message, /not valid/);

    const key = await linkKey({ syncSecret: TEST_SECRET });
    const grant = {
      metric: "orders",
      from: utcDay(-10),
      to: utcDay(-1),
      expires: Math.floor(Date.now() / 1000) - 60,
    };
    const expired = new URL(url);
    expired.searchParams.set("expires", String(grant.expires));
    expired.searchParams.set("signature", await signGrant(key, grant));
    const late = await fetch(expired);
    assert.equal(late.status, 401);
    assert.match((await late.json()).error.message, /expired/);

    const noAuth = await fetch(`${stack.url}/report`);
    assert.equal(noAuth.status, 401);
    await noAuth.body?.cancel();
  }));
