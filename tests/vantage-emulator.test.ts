import assert from "node:assert/strict";
import {
  createVantageEmulator,
  DEFAULT_EMULATOR_TOKEN,
  SEEDED_COST_REPORT,
  type VantageEmulator,
  type VantageEmulatorOptions,
} from "../dev/vantage/emulator.ts";
import { serveVantageEmulator } from "../dev/vantage/serve.ts";

const BASE = "http://vantage.test/v2";
// Friday 2024-03-15, 10:00 UTC.
const NOW = Date.UTC(2024, 2, 15, 10);
const REPORT = SEEDED_COST_REPORT.token;

interface CallOptions {
  body?: unknown;
  /** Raw request body text, for JSON that JavaScript numbers cannot express. */
  raw?: string;
  token?: string | null;
}

async function call(
  vantage: VantageEmulator,
  method: string,
  path: string,
  options: CallOptions = {},
) {
  const headers = new Headers({ "content-type": "application/json" });
  const token = options.token === undefined ? DEFAULT_EMULATOR_TOKEN : options.token;
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  const body = options.raw ??
    (options.body === undefined ? undefined : JSON.stringify(options.body));
  const url = path.startsWith("http") ? path : `${BASE}${path}`;
  const res = await vantage.fetch(new Request(url, { method, headers, body }));
  const text = await res.text();
  // deno-lint-ignore no-explicit-any
  const json: any = text ? JSON.parse(text) : null;
  return { status: res.status, headers: res.headers, text, json };
}

function setup(options: VantageEmulatorOptions = {}) {
  const clock = { now: NOW };
  const vantage = createVantageEmulator({ now: () => clock.now, ...options });
  return { vantage, clock };
}

function assertErrors(json: unknown, pattern: RegExp) {
  const { errors } = json as { errors: unknown };
  assert.ok(
    Array.isArray(errors) && errors.every((e) => typeof e === "string"),
    "errors: string[]",
  );
  assert.ok(errors.some((e: string) => pattern.test(e)), `${JSON.stringify(errors)} ~ ${pattern}`);
}

const cents = (amount: string) => Math.round(Number(amount) * 100);

Deno.test("auth: missing or unknown tokens get 401, a token without the scope gets 403", async () => {
  const { vantage } = setup({
    tokens: { rw: ["read", "write"], ro: ["read"], wo: ["write"] },
  });
  for (const token of [null, "nope"]) {
    const res = await call(vantage, "GET", "/ping", { token });
    assert.equal(res.status, 401);
    assertErrors(res.json, /bearer token/);
  }
  assert.equal(
    (await call(vantage, "GET", "/ping", { token: DEFAULT_EMULATOR_TOKEN })).status,
    401,
  );
  assert.equal((await call(vantage, "GET", "/ping", { token: "ro" })).status, 200);
  const write = await call(vantage, "POST", "/business_metrics", {
    token: "ro",
    body: { title: "x" },
  });
  assert.equal(write.status, 403);
  assertErrors(write.json, /'write' scope/);
  assert.equal((await call(vantage, "GET", "/business_metrics", { token: "wo" })).status, 403);
  assert.equal(vantage.state.metrics().length, 0);

  vantage.addToken("late", ["read"]);
  const me = await call(vantage, "GET", "/me", { token: "late" });
  assert.equal(me.status, 200);
  assert.deepEqual(me.json.bearer_token.scope, ["read"]);
  assert.equal(me.json.default_workspace_token, me.json.workspaces[0].token);
});

Deno.test("rate limit: headers on every response, 429 when spent, budget back after the window", async () => {
  const { vantage, clock } = setup({ rateLimit: { limit: 2, windowSeconds: 60 } });
  const windowEnd = (Math.floor(NOW / 60_000) + 1) * 60;

  const first = await call(vantage, "GET", "/ping");
  assert.equal(first.headers.get("x-rate-limit-limit"), "2");
  assert.equal(first.headers.get("x-rate-limit-remaining"), "1");
  assert.equal(first.headers.get("x-rate-limit-reset"), String(windowEnd));
  const notFound = await call(vantage, "GET", "/no/such/route");
  assert.equal(notFound.status, 404);
  assertErrors(notFound.json, /^Not found$/);
  assert.equal(notFound.headers.get("x-rate-limit-remaining"), "0");

  const limited = await call(vantage, "GET", "/ping");
  assert.equal(limited.status, 429);
  assert.deepEqual(limited.json, { errors: ["Rate limit exceeded"] });
  assert.equal(limited.headers.get("x-rate-limit-remaining"), "0");
  assert.equal(limited.headers.get("x-rate-limit-reset"), String(windowEnd));
  assert.equal(limited.headers.get("retry-after"), null);
  // Another token has its own budget; unauthenticated calls still carry the headers.
  const anonymous = await call(vantage, "GET", "/ping", { token: null });
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers.get("x-rate-limit-limit"), "2");

  clock.now = windowEnd * 1000;
  const recovered = await call(vantage, "GET", "/ping");
  assert.equal(recovered.status, 200);
  assert.equal(recovered.headers.get("x-rate-limit-remaining"), "1");
  assert.equal(recovered.headers.get("x-rate-limit-reset"), String(windowEnd + 60));

  vantage.setRateLimit({ limit: 0, windowSeconds: 3600, retryAfter: true });
  const withRetryAfter = await call(vantage, "GET", "/ping");
  assert.equal(withRetryAfter.status, 429);
  const nextHour = Math.ceil(clock.now / 3_600_000) * 3600;
  assert.equal(withRetryAfter.headers.get("retry-after"), String(nextHour - clock.now / 1000));
});

Deno.test("failNext: forced statuses, custom bodies and dropped connections, then normal service", async () => {
  const { vantage } = setup();
  vantage.failNext(2, 503);
  vantage.failNext(1, 400, { errors: ["custom"] });
  const failed = await call(vantage, "POST", "/business_metrics", { body: { title: "Orders" } });
  assert.equal(failed.status, 503);
  assertErrors(failed.json, /503/);
  assert.ok(failed.headers.has("x-rate-limit-remaining"));
  assert.equal((await call(vantage, "GET", "/ping")).status, 503);
  assert.deepEqual((await call(vantage, "GET", "/ping")).json, { errors: ["custom"] });
  assert.equal(vantage.state.metrics().length, 0, "a failed request changes nothing");

  vantage.setLatency(40);
  const started = performance.now();
  assert.equal((await call(vantage, "GET", "/ping")).status, 200);
  assert.ok(performance.now() - started >= 35, "latency applied");
  vantage.setLatency(0);

  vantage.failNext(1, "drop");
  await assert.rejects(call(vantage, "GET", "/ping"), TypeError);
  assert.equal((await call(vantage, "GET", "/ping")).status, 200);
  assert.deepEqual(vantage.requests.map((r) => r.status), [503, 503, 400, 200, 0, 200]);
  assert.deepEqual(vantage.requests[0].body, { title: "Orders" });
  assert.throws(() => vantage.failNext(1, 200), RangeError);
});

Deno.test("business metrics: create, read, list, update, delete", async () => {
  const { vantage } = setup();
  const created = await call(vantage, "POST", "/business_metrics", {
    body: { title: "Orders", cost_report_tokens_with_metadata: [{ cost_report_token: REPORT }] },
  });
  assert.equal(created.status, 201);
  assert.match(created.json.token, /^bsnss_mtrc_[0-9a-f]{16}$/);
  assert.deepEqual(created.json, {
    token: created.json.token,
    title: "Orders",
    created_by_token: created.json.created_by_token,
    cost_report_tokens_with_metadata: [
      { cost_report_token: REPORT, unit_scale: "per_unit", calculation_type: "unit_cost" },
    ],
    import_type: "csv",
    integration_token: "",
  });
  const path = `/business_metrics/${created.json.token}`;
  assert.deepEqual((await call(vantage, "GET", path)).json, created.json);
  await call(vantage, "POST", "/business_metrics", { body: { title: "Signups" } });

  const list = await call(vantage, "GET", "/business_metrics?q=ORD");
  assert.deepEqual(list.json.business_metrics.map((m: { title: string }) => m.title), ["Orders"]);
  assert.equal(list.json.links.next, null);

  const updated = await call(vantage, "PUT", path, { body: { title: "Orders (daily)" } });
  assert.equal(updated.status, 200);
  assert.equal(updated.json.title, "Orders (daily)");
  assert.equal(updated.json.cost_report_tokens_with_metadata.length, 1, "omitted key untouched");
  const relabeled = await call(vantage, "PUT", path, {
    body: {
      cost_report_tokens_with_metadata: [
        { cost_report_token: REPORT, unit_scale: "per_million", label: null, label_filter: [""] },
      ],
    },
  });
  assert.deepEqual(relabeled.json.cost_report_tokens_with_metadata, [
    {
      cost_report_token: REPORT,
      unit_scale: "per_million",
      calculation_type: "unit_cost",
      label_filter: [""],
    },
  ]);
  const detached = await call(vantage, "PUT", path, {
    body: { cost_report_tokens_with_metadata: [] },
  });
  assert.deepEqual(detached.json.cost_report_tokens_with_metadata, []);
  assert.equal(
    (await call(vantage, "PUT", path, {
      body: { cost_report_tokens_with_metadata: [{ cost_report_token: "rprt_missing" }] },
    })).status,
    404,
  );

  const deleted = await call(vantage, "DELETE", path);
  assert.equal(deleted.status, 204);
  assert.equal(deleted.text, "");
  const gone = await call(vantage, "GET", path);
  assert.equal(gone.status, 404);
  assertErrors(gone.json, /not found/);
  assert.equal((await call(vantage, "DELETE", path)).status, 404);
});

Deno.test("values: upsert by (date, label), null deletes, exact amounts, last one wins", async () => {
  const { vantage } = setup();
  const { token } = vantage.createMetric({ title: "Orders" });
  const path = `/business_metrics/${token}`;
  const put = await call(vantage, "PUT", path, {
    raw: `{"values": [
      {"date": "2024-03-01", "amount": 9007199254740993},
      {"date": "2024-03-01", "amount": 5, "label": "web"},
      {"date": "2024-03-02T23:30:00-05:00", "amount": 1.50e2},
      {"date": "2024-03-04", "amount": 1},
      {"date": "2024-03-04", "amount": 2, "label": ""}
    ]}`,
  });
  assert.equal(put.status, 200);
  assert.equal("values" in put.json, false, "responses never embed values");
  assert.deepEqual(vantage.state.values(token), [
    { date: "2024-03-01", label: null, amount: "9007199254740993.0" },
    { date: "2024-03-01", label: "web", amount: "5.0" },
    { date: "2024-03-03", label: null, amount: "150.0" },
    { date: "2024-03-04", label: null, amount: "2.0" },
  ]);

  await call(vantage, "PUT", path, {
    body: {
      values: [
        { date: "2024-03-01T00:00:00Z", amount: 7, label: "web" },
        { date: "2024-03-03", amount: null },
        { date: "2024-03-05", amount: -0.25, label: null },
      ],
    },
  });
  await call(vantage, "PUT", path, { body: { title: "Renamed" } });
  assert.deepEqual(vantage.state.values(token), [
    { date: "2024-03-01", label: null, amount: "9007199254740993.0" },
    { date: "2024-03-01", label: "web", amount: "7.0" },
    { date: "2024-03-04", label: null, amount: "2.0" },
    { date: "2024-03-05", label: null, amount: "-0.25" },
  ]);
});

Deno.test("values: newest first, pagination links, start_date, label_values, date_bin=month", async () => {
  const { vantage } = setup();
  const { token } = vantage.createMetric({
    title: "Orders",
    values: [
      { date: "2024-01-30", amount: 100 },
      { date: "2024-01-31", amount: 200 },
      { date: "2024-01-31", amount: 5, label: "web" },
      { date: "2024-02-01", amount: 300 },
      { date: "2024-02-02", amount: "0.1" },
      { date: "2024-02-03", amount: "0.2" },
    ],
  });
  const path = `/business_metrics/${token}/values`;
  const first = await call(vantage, "GET", `${path}?limit=4`);
  assert.deepEqual(first.json.values.slice(0, 2), [
    { date: "2024-02-03T00:00:00Z", amount: "0.2", label: null },
    { date: "2024-02-02T00:00:00Z", amount: "0.1", label: null },
  ]);
  assert.deepEqual(first.json.values.map((v: { date: string }) => v.date.slice(0, 10)), [
    "2024-02-03",
    "2024-02-02",
    "2024-02-01",
    "2024-01-31",
  ]);
  assert.equal(first.json.links.prev, null);
  assert.equal(first.json.links.next, `${BASE}${path}?limit=4&page=2`);
  assert.equal(first.json.links.last, `${BASE}${path}?limit=4&page=2`);
  const second = await call(vantage, "GET", first.json.links.next);
  assert.equal(second.json.values.length, 2);
  assert.equal(second.json.links.next, null);
  assert.equal(second.json.links.prev, `${BASE}${path}?limit=4&page=1`);

  const since = await call(vantage, "GET", `${path}?start_date=2024-02-02`);
  assert.equal(since.json.values.length, 2);
  const web = await call(vantage, "GET", `${path}?label_values=web,other`);
  assert.deepEqual(web.json.values.map((v: { amount: string }) => v.amount), ["5.0"]);
  const rails = await call(vantage, "GET", `${path}?label_values[]=web`);
  assert.equal(rails.json.values.length, 1);

  const months = await call(vantage, "GET", `${path}?date_bin=month`);
  assert.deepEqual(months.json.values, [
    { date: "2024-02-01T00:00:00Z", amount: "300.3", label: null },
    { date: "2024-01-01T00:00:00Z", amount: "300.0", label: null },
    { date: "2024-01-01T00:00:00Z", amount: "5.0", label: "web" },
  ]);
  assert.equal((await call(vantage, "GET", `${path}?date_bin=week`)).status, 400);
  assert.equal((await call(vantage, "GET", `${path}?limit=5001`)).status, 400);
  assert.equal((await call(vantage, "GET", `${path}?start_date=2024-02-30`)).status, 400);

  const labels = await call(vantage, "GET", `/business_metrics/${token}/labels`);
  assert.deepEqual(labels.json.labels, [{ value: "web" }]);
});

Deno.test("values: DELETE by inclusive range and label counts what it removed", async () => {
  const { vantage } = setup();
  const { token } = vantage.createMetric({
    title: "Orders",
    values: ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"].flatMap((date) => [
      { date, amount: 1 },
      { date, amount: 2, label: "web" },
    ]),
  });
  const path = `/business_metrics/${token}/values`;
  const ranged = await call(vantage, "DELETE", `${path}?start_date=2024-03-02&end_date=2024-03-03`);
  assert.deepEqual(ranged.json, { deleted_count: 4 });
  const unlabeled = await call(vantage, "DELETE", `${path}?label=`);
  assert.deepEqual(unlabeled.json, { deleted_count: 2 });
  assert.deepEqual(vantage.state.values(token).map((v) => [v.date, v.label]), [
    ["2024-03-01", "web"],
    ["2024-03-04", "web"],
  ]);
  assert.equal((await call(vantage, "DELETE", `${path}?end_date=soon`)).status, 422);
});

Deno.test("values.csv: multipart and urlencoded uploads upsert; bad lines are named", async () => {
  const { vantage } = setup();
  const { token } = vantage.createMetric({
    title: "Orders",
    values: [{ date: "2024-03-01", amount: 1 }],
  });
  const url = `${BASE}/business_metrics/${token}/values.csv`;
  const upload = (body: BodyInit) =>
    vantage.fetch(
      new Request(url, {
        method: "PUT",
        headers: { authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}` },
        body,
      }),
    );
  const form = new FormData();
  form.set("csv", new File(['date,amount,label\n2024-03-01,10,\n2024-03-02,20,"a,b"\n'], "m.csv"));
  const res = await upload(form);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).token, token);
  await upload(new URLSearchParams({ csv: "amount,date\n30,2024-03-03\n" })).then((r) =>
    r.body?.cancel()
  );
  assert.deepEqual(vantage.state.values(token), [
    { date: "2024-03-01", label: null, amount: "10.0" },
    { date: "2024-03-02", label: "a,b", amount: "20.0" },
    { date: "2024-03-03", label: null, amount: "30.0" },
  ]);

  const bad = await upload(
    new URLSearchParams({ csv: "date,amount\n2024-03-04,1\n03/05/2024,x\n" }),
  );
  assert.equal(bad.status, 422);
  const { errors } = await bad.json();
  assert.deepEqual(errors, [
    "line 3: date must be YYYY-MM-DD, got '03/05/2024'",
    "line 3: amount must be a number, got 'x'",
  ]);
  assert.equal(vantage.state.values(token).length, 3, "a rejected file changes nothing");
  const missing = await upload(new URLSearchParams({ other: "x" }));
  assert.equal(missing.status, 400);
  assert.deepEqual(await missing.json(), { errors: ["csv is missing"] });
});

Deno.test("validation: 400 with errors naming the field; malformed JSON is a 400", async () => {
  const { vantage } = setup();
  const noTitle = await call(vantage, "POST", "/business_metrics", { body: {} });
  assert.equal(noTitle.status, 400);
  assert.deepEqual(noTitle.json, { errors: ["title is required"] });

  const bad = await call(vantage, "POST", "/business_metrics", {
    body: {
      title: "Orders",
      values: [{ date: "2024-03-01", amount: 1 }, { date: "2024-02-30", amount: "3" }],
      cost_report_tokens_with_metadata: [{ cost_report_token: REPORT, calculation_type: "x" }],
    },
  });
  assert.equal(bad.status, 400);
  assertErrors(bad.json, /^values\[1\]\.date must be a date/);
  assertErrors(bad.json, /^values\[1\]\.amount must be a number/);
  assertErrors(bad.json, /^cost_report_tokens_with_metadata\[0\]\.calculation_type must be one of/);
  assert.equal(vantage.state.metrics().length, 0);

  const malformed = await call(vantage, "POST", "/business_metrics", { raw: '{"title": ' });
  assert.equal(malformed.status, 400);
  assertErrors(malformed.json, /Malformed JSON/);
  const notObject = await call(vantage, "POST", "/business_metrics", { raw: "[1]" });
  assert.equal(notObject.status, 400);
  assertErrors(notObject.json, /JSON object/);
});

Deno.test("costs: every page followed through links.next sums to total_cost", async () => {
  const { vantage } = setup();
  const query = `cost_report_token=${REPORT}&start_date=2024-03-01&end_date=2024-03-31`;
  let next: string | null = `/costs?${query}&limit=7`;
  // deno-lint-ignore no-explicit-any
  const rows: any[] = [];
  let total = "";
  let pages = 0;
  while (next) {
    const page = await call(vantage, "GET", next);
    assert.equal(page.status, 200);
    rows.push(...page.json.costs);
    total = page.json.total_cost.amount;
    assert.equal(page.json.total_cost.currency, "USD");
    next = page.json.links.next;
    pages += 1;
  }
  // Costs exist up to today (the 15th): 15 days × 4 services, newest first.
  assert.equal(rows.length, 60);
  assert.equal(pages, 9);
  assert.equal(rows[0].accrued_at, "2024-03-15");
  assert.equal(rows.at(-1).accrued_at, "2024-03-01");
  assert.equal(new Set(rows.map((r) => `${r.accrued_at}|${r.service}`)).size, 60);
  assert.deepEqual(Object.keys(rows[0]).sort(), [
    "account_id",
    "accrued_at",
    "amount",
    "currency",
    "provider",
    "service",
  ]);
  assert.equal(rows.reduce((sum, r) => sum + cents(r.amount), 0), cents(total));

  // Per-day totals: a few hundred USD, the newest two days visibly provisional.
  const daily = new Map<string, number>();
  for (const r of rows) daily.set(r.accrued_at, (daily.get(r.accrued_at) ?? 0) + cents(r.amount));
  const weekdays = ["2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07", "2024-03-08"]
    .map((d) => daily.get(d)!);
  for (const day of weekdays) assert.ok(day > 20_000 && day < 50_000, `${day} cents`);
  assert.ok(daily.get("2024-03-14")! < Math.min(...weekdays) * 0.9);
  assert.ok(daily.get("2024-03-15")! < daily.get("2024-03-14")!);
  assert.ok(daily.get("2024-03-09")! < Math.min(...weekdays), "weekends are cheaper");

  const again = await call(vantage, "GET", `/costs?${query}&order=asc&groupings=provider`);
  assert.equal(again.json.costs.length, 15);
  assert.equal(again.json.costs[0].accrued_at, "2024-03-01");
  assert.equal(again.json.total_cost.amount, total, "deterministic");
  const monthly = await call(vantage, "GET", `/costs?${query}&date_bin=month&groupings=provider`);
  assert.deepEqual(monthly.json.costs.map((r: { amount: string }) => r.amount), [total]);

  const other = setup({ seed: 2 }).vantage;
  assert.notEqual((await call(other, "GET", `/costs?${query}`)).json.total_cost.amount, total);
  assert.equal((await call(vantage, "GET", "/costs?cost_report_token=rprt_nope")).status, 404);
  assert.equal((await call(vantage, "GET", `/costs?${query}&limit=5001`)).status, 400);
});

Deno.test("unit_costs: day cost / (metric amount / scale) per attached metric", async () => {
  const { vantage } = setup();
  const perThousand = vantage.createMetric({
    title: "Requests",
    cost_report_tokens_with_metadata: [{ cost_report_token: REPORT, unit_scale: "per_thousand" }],
    values: [
      { date: "2024-03-11", amount: 2500, label: "a" },
      { date: "2024-03-11", amount: 500, label: "b" },
      { date: "2024-03-12", amount: 0 },
      { date: "2024-03-13", amount: 4000 },
    ],
  });
  vantage.createMetric({
    title: "Orders from a",
    cost_report_tokens_with_metadata: [{ cost_report_token: REPORT, label_filter: ["a"] }],
    values: [{ date: "2024-03-11", amount: 2500, label: "a" }, {
      date: "2024-03-11",
      amount: 9,
      label: "b",
    }],
  });
  vantage.createMetric({ title: "Unattached", values: [{ date: "2024-03-11", amount: 1 }] });

  const dayCost = async (day: string) => {
    const res = await call(
      vantage,
      "GET",
      `/costs?cost_report_token=${REPORT}&start_date=${day}&end_date=${day}&groupings=provider`,
    );
    return Number(res.json.costs[0].amount);
  };
  const res = await call(
    vantage,
    "GET",
    `/unit_costs?cost_report_token=${REPORT}&start_date=2024-03-10&end_date=2024-03-14&order=asc`,
  );
  assert.equal(res.status, 200);
  const rows = res.json.unit_costs;
  assert.deepEqual(
    rows.map((
      r: { date: string; business_metric_title: string },
    ) => [r.date, r.business_metric_title]),
    [
      ["2024-03-11", "Requests"],
      ["2024-03-11", "Orders from a"],
      ["2024-03-13", "Requests"],
    ],
  );
  assert.equal(rows[0].business_metric_token, perThousand.token);
  assert.equal(rows[0].business_metric_amount, "3000.0");
  assert.equal(rows[0].scale, "1000.0");
  assert.ok(Math.abs(Number(rows[0].unit_cost_amount) - (await dayCost("2024-03-11")) / 3) < 1e-9);
  assert.equal(rows[1].business_metric_amount, "2500.0");
  assert.equal(rows[1].scale, "1.0");
  assert.ok(
    Math.abs(Number(rows[1].unit_cost_amount) - (await dayCost("2024-03-11")) / 2500) < 1e-9,
  );
  assert.ok(Math.abs(Number(rows[2].unit_cost_amount) - (await dayCost("2024-03-13")) / 4) < 1e-9);

  const missing = await call(vantage, "GET", "/unit_costs");
  assert.equal(missing.status, 400);
  assertErrors(missing.json, /cost_report_token/);
  assert.equal(
    (await call(vantage, "GET", `/unit_costs?cost_report_token=${REPORT}&limit=1001`)).status,
    400,
  );

  const report = await call(vantage, "GET", `/cost_reports/${REPORT}`);
  assert.equal(report.json.title, SEEDED_COST_REPORT.title);
  assert.deepEqual(
    report.json.business_metric_tokens_with_metadata.map((m: { unit_scale: string }) =>
      m.unit_scale
    ),
    ["per_thousand", "per_unit"],
  );
  assert.equal((await call(vantage, "GET", "/cost_reports")).json.cost_reports.length, 1);
  assert.equal((await call(vantage, "GET", "/cost_reports/rprt_nope")).status, 404);
});

Deno.test("reset: back to the initial state", async () => {
  const { vantage } = setup();
  vantage.createMetric({ title: "Orders", values: [{ date: "2024-03-01", amount: 1 }] });
  vantage.addToken("extra", ["read"]);
  vantage.failNext(1, 500);
  vantage.setRateLimit({ limit: 0, windowSeconds: 60 });
  await call(vantage, "GET", "/ping");
  vantage.reset();
  assert.equal(vantage.state.metrics().length, 0);
  assert.equal(vantage.requests.length, 0);
  assert.equal((await call(vantage, "GET", "/ping", { token: "extra" })).status, 401);
  const ok = await call(vantage, "GET", "/ping");
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("x-rate-limit-limit"), "1000");
});

Deno.test("serveVantageEmulator: the API and the knobs over real HTTP", async () => {
  const served = await serveVantageEmulator({ port: 0, now: () => NOW });
  const root = served.url.replace(/\/v2$/, "");
  const headers = {
    authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}`,
    "content-type": "application/json",
  };
  try {
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/v2$/);
    const ping = await fetch(`${served.url}/ping`, { headers });
    assert.equal(ping.status, 200);
    assert.equal(ping.headers.get("x-rate-limit-remaining"), "999");
    await ping.body?.cancel();

    const created = await fetch(`${served.url}/business_metrics`, {
      method: "POST",
      headers,
      body: JSON.stringify({ title: "Orders", values: [{ date: "2024-03-14", amount: 42 }] }),
    }).then((r) => r.json());
    const values = await fetch(`${root}/_emulator/values/${created.token}`).then((r) => r.json());
    assert.deepEqual(values, { values: [{ date: "2024-03-14", label: null, amount: "42.0" }] });

    const knob = await fetch(`${root}/_emulator/fail-next`, {
      method: "POST",
      body: JSON.stringify({ count: 1, status: 502 }),
    });
    assert.equal(knob.status, 204);
    const failed = await fetch(`${served.url}/ping`, { headers });
    assert.equal(failed.status, 502);
    await failed.body?.cancel();

    await fetch(`${root}/_emulator/fail-next`, {
      method: "POST",
      body: JSON.stringify({ count: 1, status: "drop" }),
    }).then((r) => r.body?.cancel());
    await assert.rejects(fetch(`${served.url}/ping`, { headers }).then((r) => r.text()), TypeError);

    const bad = await fetch(`${root}/_emulator/latency`, { method: "POST", body: "{}" });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    const log = await fetch(`${root}/_emulator/requests`).then((r) => r.json());
    assert.deepEqual(log.requests.map((r: { status: number }) => r.status), [200, 201, 502, 0]);
    await fetch(`${root}/_emulator/reset`, { method: "POST" }).then((r) => r.body?.cancel());
    assert.equal(served.emulator.requests.length, 0);
  } finally {
    await served.close();
  }
});
