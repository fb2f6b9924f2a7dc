/**
 * Load (issue 6, section 3): 50 syncs at once over HTTP, of which exactly one runs; and /health
 * answering promptly while a five-year, three-metric backfill keeps the function busy.
 */
import assert from "node:assert/strict";
import { DECLARED_METRICS } from "../../functions/_shared/metrics.ts";
import { summarizeLatencies } from "../support/reliability.ts";
import { addOrderHistory } from "../support/history.ts";
import { EMULATOR_METRICS, TEST_SECRET, utcDay, withStack } from "../support/stack.ts";
import { assertVantageEqualsSource } from "./fixtures.ts";
import { recordScenario } from "./scenarios.ts";

const CONCURRENT = 50;

Deno.test("load: 50 concurrent POST /sync, one runs, 49 get 409", () =>
  withStack(async (stack) => {
    const started = performance.now();
    // Each PUT takes 300 ms, so the one run is still going when every other request arrives.
    stack.vantage.emulator.setLatency(300);
    const answers = await Promise.all(Array.from({ length: CONCURRENT }, async () => {
      const sent = performance.now();
      const response = await fetch(`${stack.url}/sync`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
        body: "{}",
      });
      const body = await response.json();
      return { status: response.status, body, ms: performance.now() - sent };
    }));

    const ok = answers.filter((a) => a.status === 200);
    const conflicts = answers.filter((a) => a.status === 409);
    assert.equal(ok.length, 1, JSON.stringify(answers.map((a) => a.status)));
    assert.equal(conflicts.length, CONCURRENT - 1);
    for (const conflict of conflicts) {
      assert.equal(conflict.body.error.code, "sync_already_running");
      assert.match(conflict.body.error.message, new RegExp(`run ${ok[0].body.runId}\\b`));
      assert.equal(conflict.body.error.details.runningRunId, ok[0].body.runId, "the same number");
    }

    // One set of batches: a PUT per metric, each to its own business metric.
    const puts = stack.vantage.emulator.requests.filter((r) => r.method === "PUT");
    assert.deepEqual(
      puts.map((put) => put.path.split("/").at(-1)).sort(),
      EMULATOR_METRICS.map((m) => m.token).sort(),
    );
    assert.ok(puts.every((put) => put.status === 200));

    const rows = await stack.db.sql<{ status: string; error_code: string | null; n: number }[]>`
      select status, error_code, http_status, count(*)::int as n from unit_economics.sync_runs
      group by 1, 2, 3 order by 1 desc`;
    assert.deepEqual(rows.map((r) => ({ ...r })), [
      { status: "succeeded", error_code: null, http_status: 200, n: 1 },
      { status: "failed", error_code: "sync_already_running", http_status: 409, n: CONCURRENT - 1 },
    ]);

    const comparison = await assertVantageEqualsSource(stack, { from: utcDay(-7), to: utcDay(-1) });
    const latencies = summarizeLatencies(answers.map((a) => a.ms));
    const refusals = summarizeLatencies(conflicts.map((a) => a.ms));
    await recordScenario("concurrent-syncs", {
      observed:
        `1 × 200, ${conflicts.length} × 409 sync_already_running (median ${
          Math.round(refusals.median)
        } ms, max ${Math.round(refusals.max)} ms); ${puts.length} PUTs at Vantage, one per ` +
        `metric; ${CONCURRENT} run rows (1 succeeded, ${CONCURRENT - 1} refused)`,
      status: 200,
      runStatus: "succeeded",
      requests: CONCURRENT,
      concurrentRequests: CONCURRENT,
      latencyMs: latencies,
      valuesChecked: comparison.checked,
      valuesLost: comparison.lost.length,
      durationMs: Math.round(performance.now() - started),
      details: { refusalLatencyMs: refusals },
    });
  }, { metrics: DECLARED_METRICS }));

const FIVE_YEARS = 1826;
/** Slowest acceptable /health answer while a backfill runs. */
const HEALTH_BUDGET_MS = 250;

Deno.test("load: /health answers within 250 ms during a five-year backfill", () =>
  withStack(async (stack) => {
    const started = performance.now();
    await addOrderHistory(stack.db.sql, FIVE_YEARS);
    const window = { from: utcDay(-FIVE_YEARS), to: utcDay(-1) };
    stack.vantage.emulator.setLatency(200);
    let done = false;
    const backfill = stack.sync(window).finally(() => done = true);
    const latencies: number[] = [];
    while (!done) {
      const sent = performance.now();
      const response = await fetch(`${stack.url}/health`);
      const body = await response.json();
      latencies.push(performance.now() - sent);
      assert.equal(response.status, 200);
      assert.equal(body.status, "ok");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { status, body } = await backfill;
    assert.equal(status, 200, JSON.stringify(body));
    const sent = (body.metrics as { sent: number }[]).reduce((sum, m) => sum + m.sent, 0);
    const puts = stack.vantage.emulator.requests.filter((r) => r.method === "PUT").length;
    assert.ok(puts >= 15, `a long backfill (${puts} PUTs)`);
    const summary = summarizeLatencies(latencies);
    assert.ok(summary.count >= 20, `health was asked throughout (${summary.count} times)`);
    assert.ok(
      summary.max <= HEALTH_BUDGET_MS,
      `every /health within ${HEALTH_BUDGET_MS} ms: ${JSON.stringify(summary)}`,
    );

    const comparison = await assertVantageEqualsSource(stack, window);
    const backfillMs = Math.round(body.durationMs as number);
    await recordScenario("health-during-backfill", {
      observed:
        `${summary.count} health checks during a ${
          (backfillMs / 1000).toFixed(1)
        } s backfill (${sent} values, ${puts} PUTs at 200 ms each): median ${summary.median} ms, ` +
        `p95 ${summary.p95} ms, max ${summary.max} ms (budget ${HEALTH_BUDGET_MS} ms); backfill 200`,
      status,
      runStatus: "succeeded",
      requests: summary.count,
      latencyMs: summary,
      valuesChecked: comparison.checked,
      valuesLost: comparison.lost.length,
      durationMs: Math.round(performance.now() - started),
      details: { backfillValues: sent, backfillPuts: puts, backfillMs },
    });
  }, { metrics: DECLARED_METRICS }));
