/**
 * `GET /status`: per metric the last success and the newest day sent, and 503 with `stale: true`
 * when syncs stopped, so an uptime monitor can alert on it.
 */
import assert from "node:assert/strict";
import { TEST_SECRET, utcDay, withStack } from "../support/stack.ts";

const auth = { authorization: `Bearer ${TEST_SECRET}` };

Deno.test("status is stale (503) until a first success, then fresh (200) with the newest day sent", () =>
  withStack(async (stack) => {
    const before = await fetch(`${stack.url}/status`, { headers: auth });
    assert.equal(before.status, 503);
    const stale = await before.json();
    assert.equal(stale.stale, true);
    assert.equal(stale.metrics[0].reason, "never synced successfully");
    assert.equal(stale.lastRun, null);

    await stack.sync();
    const after = await fetch(`${stack.url}/status`, { headers: auth });
    assert.equal(after.status, 200);
    const fresh = await after.json();
    assert.equal(fresh.status, "ok");
    assert.equal(fresh.staleAfterHours, 26);
    assert.equal(fresh.metrics[0].newestDaySent, utcDay(-1));
    assert.equal(fresh.metrics[0].stale, false);
    assert.equal(fresh.lastRun.status, "succeeded");
  }));

Deno.test("a success older than the threshold is stale; a later failure keeps the last success", () =>
  withStack(async (stack) => {
    await stack.sync();
    await stack.db
      .sql`update unit_economics.sync_runs set started_at = now() - interval '3 hours', finished_at = now() - interval '3 hours'`;
    stack.vantage.emulator.failNext(1, 400);
    await stack.sync({ date: utcDay(-1), force: true });
    const response = await fetch(`${stack.url}/status`, { headers: auth });
    assert.equal(response.status, 503);
    const report = await response.json();
    assert.match(report.metrics[0].reason, /last success 3\.0 h ago, more than 2 h/);
    assert.ok(report.metrics[0].lastSuccessAt);
    assert.equal(report.lastRun.status, "failed");
    assert.equal(report.lastRun.errorCode, "vantage_rejected");
  }, { env: { UNIT_ECONOMICS_STALE_AFTER_HOURS: "2" } }));

Deno.test("an unbound metric shows as stale and says which variable to set", () =>
  withStack(async (stack) => {
    await stack.sync();
    const response = await fetch(`${stack.url}/status`, { headers: auth });
    assert.equal(response.status, 503);
    const report = await response.json();
    assert.equal(report.metrics[0].token, null);
    assert.match(report.metrics[0].reason, /ORDERS_METRIC_ID/);
  }, { env: { ORDERS_METRIC_ID: "" } }));

Deno.test("status needs the secret", () =>
  withStack(async (stack) => {
    const response = await fetch(`${stack.url}/status`);
    assert.equal(response.status, 401);
    await response.body?.cancel();
  }));
