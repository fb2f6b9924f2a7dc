/**
 * The HTTP contract: health, the shared secret, body validation, the run list and the error shape.
 */
import assert from "node:assert/strict";
import { createApp } from "../../functions/unit-economics/app.ts";
import { TEST_SECRET, utcDay, withStack } from "../support/stack.ts";

const auth = { authorization: `Bearer ${TEST_SECRET}` };

function assertErrorShape(body: Record<string, unknown>, code: string): string {
  const error = body.error as { code: string; message: string };
  assert.equal(error.code, code, JSON.stringify(body));
  assert.equal(typeof error.message, "string");
  assert.ok(error.message.length > 10, "the message says what to fix");
  return error.message;
}

Deno.test("health answers without secret, configuration or database", async () => {
  const { app, close } = createApp({ env: () => undefined });
  const response = await app.request("/unit-economics/health");
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.status, "ok");
  assert.equal(typeof body.version, "string");
  await close();
});

Deno.test("an unset secret refuses every route but health (fail closed) and names the variable", async () => {
  const logs: string[] = [];
  const { app, close } = createApp({
    env: () => undefined,
    logSink: (_level, line) => logs.push(line),
  });
  for (const [method, path] of [["POST", "/sync"], ["GET", "/runs"]]) {
    const response = await app.request(`/unit-economics${path}`, {
      method,
      headers: { authorization: "Bearer anything-at-all-123" },
    });
    assert.equal(response.status, 500);
    assert.match(
      assertErrorShape(await response.json(), "misconfigured"),
      /UNIT_ECONOMICS_SYNC_SECRET/,
    );
  }
  assert.equal(
    logs.filter((line) => JSON.parse(line).code === "misconfigured").length,
    2,
    "each refusal is logged",
  );
  await close();
});

Deno.test("missing, malformed or wrong secrets get 401 and never reach the engine", () =>
  withStack(async (stack) => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Basic dXNlcjpwYXNz" },
      { authorization: "Bearer" },
      { authorization: `Bearer ${TEST_SECRET}x` },
      { authorization: `Bearer ${TEST_SECRET.slice(0, -1)}` },
    ];
    for (const headers of attempts) {
      const { status, body } = await stack.sync({}, headers);
      assert.equal(status, 401, JSON.stringify(headers));
      assertErrorShape(body, "unauthorized");
    }
    const runs = await fetch(`${stack.url}/runs`);
    assert.equal(runs.status, 401);
    await runs.body?.cancel();
    const [{ count }] = await stack.db.sql`select count(*)::int from unit_economics.sync_runs`;
    assert.equal(count, 0);
    assert.equal(stack.vantage.emulator.requests.length, 0);
  }));

Deno.test("bad bodies get 400 invalid_body with the field and reason", () =>
  withStack(async (stack) => {
    const cases: [unknown, RegExp][] = [
      ["{not json", /not valid JSON/],
      ["[1,2]", /JSON object/],
      [{ date: "2026-02-30" }, /date: must be a calendar date/],
      [{ date: "yesterday" }, /date: must be a calendar date/],
      [{ from: utcDay(-5) }, /to: from and to go together/],
      [{ from: utcDay(-1), to: utcDay(-5) }, /from must not be after to/],
      [{ date: utcDay(-1), from: utcDay(-2), to: utcDay(-1) }, /either date or from \+ to/],
      [{ dry_run: true }, /unknown key\(s\) "dry_run"/],
      [{ dryRun: "yes" }, /dryRun/],
      [{ trigger: "webhook" }, /trigger/],
      [{ metrics: [] }, /metrics/],
    ];
    for (const [body, message] of cases) {
      const response = await stack.sync(body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(assertErrorShape(response.body, "invalid_body"), message);
    }
    const future = await stack.sync({ date: utcDay(1) });
    assert.equal(future.status, 400);
    assert.match(assertErrorShape(future.body, "date_in_future"), /after today/);
    const unknown = await stack.sync({ metrics: ["revenue"] });
    assert.equal(unknown.status, 400);
    assert.match(assertErrorShape(unknown.body, "unknown_metric"), /declared metrics: orders/);
    const [{ count }] = await stack.db.sql`select count(*)::int from unit_economics.sync_runs`;
    assert.equal(count, 0, "invalid requests do not start runs");
  }));

Deno.test("bodies over the limit get 413", () =>
  withStack(async (stack) => {
    const { status, body } = await stack.sync({
      metrics: Array.from({ length: 100 }, () => "x".repeat(200)),
    });
    assert.equal(status, 413);
    assertErrorShape(body, "payload_too_large");
  }));

Deno.test("GET /runs lists recent runs newest first and validates limit", () =>
  withStack(async (stack) => {
    await stack.sync({ dryRun: true });
    await stack.sync({ date: utcDay(-1) });
    const response = await fetch(`${stack.url}/runs?limit=1`, { headers: auth });
    assert.equal(response.status, 200);
    const { runs } = await response.json();
    assert.equal(runs.length, 1);
    assert.equal(runs[0].dryRun, false);
    assert.equal(runs[0].windowFrom, utcDay(-1));
    assert.equal(runs[0].status, "succeeded");
    const all = await (await fetch(`${stack.url}/runs`, { headers: auth })).json();
    assert.deepEqual(all.runs.map((run: { dryRun: boolean }) => run.dryRun), [false, true]);
    const bad = await fetch(`${stack.url}/runs?limit=0`, { headers: auth });
    assert.equal(bad.status, 400);
    assertErrorShape(await bad.json(), "invalid_body");
  }));

Deno.test("unknown routes get the contract's 404", () =>
  withStack(async (stack) => {
    const response = await fetch(`${stack.url}/nope`, { headers: auth });
    assert.equal(response.status, 404);
    assertErrorShape(await response.json(), "not_found");
  }));

Deno.test("the sync secret and the Vantage token never appear in responses or logs", () =>
  withStack(async (stack) => {
    stack.vantage.emulator.failNext(1, 401);
    const { body } = await stack.sync();
    await stack.sync({}, { authorization: "Bearer wrong-secret-0000000000" });
    const everything = JSON.stringify(body) + stack.logs.join("\n");
    assert.ok(stack.logs.length > 0);
    assert.ok(!everything.includes(TEST_SECRET));
    assert.ok(!everything.includes("vntg_tkn_emulator"));
  }));
