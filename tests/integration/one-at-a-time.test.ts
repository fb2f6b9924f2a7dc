/**
 * One sync at a time: concurrent callers get 409, and a run whose process died blocks the next one
 * only until its lease runs out.
 */
import assert from "node:assert/strict";
import { withStack } from "../support/stack.ts";

Deno.test("six concurrent syncs: one 200, five 409s, one batch at Vantage", () =>
  withStack(async (stack) => {
    // Slow Vantage down so the first run is still running when the others arrive.
    stack.vantage.emulator.setLatency(400);
    const results = await Promise.all(Array.from({ length: 6 }, () => stack.sync()));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 409, 409, 409, 409, 409]);
    for (const conflict of results.filter((r) => r.status === 409)) {
      assert.equal((conflict.body.error as { code: string }).code, "sync_already_running");
    }
    assert.equal(stack.vantage.emulator.requests.filter((r) => r.method === "PUT").length, 1);
    const rows = await stack.db
      .sql`select status, error_code from unit_economics.sync_runs order by id`;
    assert.equal(rows.filter((r) => r.status === "succeeded").length, 1);
    assert.equal(
      rows.filter((r) => r.error_code === "sync_already_running").length,
      5,
      "refusals are recorded",
    );
  }));

Deno.test("dry runs do not take the lock", () =>
  withStack(async (stack) => {
    stack.vantage.emulator.setLatency(300);
    const [real, dry] = await Promise.all([stack.sync(), stack.sync({ dryRun: true })]);
    assert.equal(real.status, 200);
    assert.equal(dry.status, 200);
  }));

Deno.test("a killed run blocks until its lease expires, then is closed as failed", () =>
  withStack(async (stack) => {
    // A run whose process died: running, lease still valid.
    const [{ id }] = await stack.db
      .sql`insert into unit_economics.sync_runs (trigger, status, lease_expires_at)
      values ('cron', 'running', now() + interval '30 seconds') returning id`;
    const blocked = await stack.sync();
    assert.equal(blocked.status, 409);
    assert.match((blocked.body.error as { message: string }).message, new RegExp(`run ${id}`));

    // Its lease runs out (at most 45 s after its last renewal): the next run closes it and goes ahead.
    await stack.db
      .sql`update unit_economics.sync_runs set lease_expires_at = now() - interval '1 second' where id = ${id}`;
    const next = await stack.sync();
    assert.equal(next.status, 200);
    const [dead] = await stack.db
      .sql`select status, error_code, finished_at from unit_economics.sync_runs where id = ${id}`;
    assert.equal(dead.status, "failed");
    assert.equal(dead.error_code, "lease_expired");
    assert.ok(dead.finished_at instanceof Date);
  }));
