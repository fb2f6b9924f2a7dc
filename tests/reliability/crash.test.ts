/**
 * Crash safety (issue 6, section 2): the CLI is killed with SIGKILL after Vantage has applied a
 * batch and before the process hears back, so the batch is in Vantage but not recorded as sent.
 * The next run closes the abandoned run row, sends the same values again (Vantage's upsert by day
 * and label makes at-least-once delivery safe), and Vantage ends equal to the source.
 */
import assert from "node:assert/strict";
import { readConfig } from "../../functions/_shared/config.ts";
import { createVantageEmulator, DEFAULT_EMULATOR_TOKEN } from "../../dev/vantage/emulator.ts";
import { createTestDatabase } from "../support/database.ts";
import { createEmulatorMetrics, ORDERS_TOKEN, utcDay } from "../support/stack.ts";
import { assertVantageEqualsSource, serveVantageFront } from "./fixtures.ts";
import { recordScenario } from "./scenarios.ts";

const CLI = new URL("../../cli/sync.ts", import.meta.url).pathname;

/** Runs `deno task sync --json` as a child process with exactly `env` (plus what Deno needs). */
function spawnCli(env: Record<string, string>): Deno.ChildProcess {
  const inherited: Record<string, string> = {};
  for (const name of ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME"]) {
    const value = Deno.env.get(name);
    if (value) inherited[name] = value;
  }
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "--json"],
    env: { ...inherited, ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

Deno.test("crash safety: killed after Vantage accepted a batch, before it was recorded", async () => {
  const started = performance.now();
  const db = await createTestDatabase();
  const emulator = createVantageEmulator();
  // The test serves the emulator itself, so it can act between "Vantage applied the PUT" and
  // "the answer reaches the process".
  const front = await serveVantageFront(emulator);
  const env = {
    ...createEmulatorMetrics(emulator),
    UNIT_ECONOMICS_DB_URL: db.functionUrl,
    VANTAGE_API_URL: front.url,
    VANTAGE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
  };
  try {
    // The hook is in place before the child can make a request (same tick as the spawn).
    const child = spawnCli(env);
    let killedAfter: string | undefined;
    front.hook = async ({ method, path }) => {
      if (killedAfter || method !== "PUT") return undefined;
      killedAfter = path;
      child.kill("SIGKILL");
      await child.status;
      return undefined;
    };
    const killed = await child.output();
    assert.equal(killed.signal, "SIGKILL", new TextDecoder().decode(killed.stderr));
    assert.equal(killedAfter, `/v2/business_metrics/${ORDERS_TOKEN}`, "killed at the first batch");
    const puts = () => emulator.requests.filter((r) => r.method === "PUT");
    assert.equal(puts().length, 1);
    assert.equal(emulator.state.values(ORDERS_TOKEN).length, 7, "Vantage applied the batch");
    const [{ count: recorded }] = await db
      .sql`select count(*)::int from unit_economics.sent_values`;
    assert.equal(recorded, 0, "but the process died before recording it");
    const [abandoned] = await db.sql`select id, status from unit_economics.sync_runs`;
    assert.equal(abandoned.status, "running", "the killed process could not close its row");

    // Its lease (LEASE_MS = 45 s) is still valid; tests/integration/one-at-a-time.test.ts proves a
    // run is refused until it runs out and admitted after. Here: let it have run out already.
    await db.sql`update unit_economics.sync_runs
      set lease_expires_at = now() - interval '1 second' where id = ${abandoned.id}`;
    const rerun = await spawnCli(env).output();
    const stdout = new TextDecoder().decode(rerun.stdout);
    assert.equal(rerun.code, 0, `${stdout}\n${new TextDecoder().decode(rerun.stderr)}`);
    const result = JSON.parse(stdout) as { metrics: { key: string; sent: number }[] };
    const orders = result.metrics.find((m) => m.key === "orders")!;
    assert.equal(orders.sent, 7, "the batch that was not recorded goes again");

    const ordersPuts = puts().filter((r) => r.path.endsWith(ORDERS_TOKEN));
    assert.equal(ordersPuts.length, 2);
    assert.deepEqual(ordersPuts[1].body, ordersPuts[0].body, "the same values, twice");
    assert.ok(ordersPuts.every((put) => put.status === 200));

    const [closed] = await db.sql`select status, error_code, http_status, finished_at
      from unit_economics.sync_runs where id = ${abandoned.id}`;
    assert.deepEqual([closed.status, closed.error_code, closed.http_status], [
      "failed",
      "lease_expired",
      500,
    ]);
    assert.ok(closed.finished_at instanceof Date);

    const window = { from: utcDay(-7), to: utcDay(-1) };
    const comparison = await assertVantageEqualsSource({
      db,
      vantage: { emulator },
      function: { config: readConfig((name) => env[name as keyof typeof env]) },
    }, window);
    const durationMs = Math.round(performance.now() - started);
    await recordScenario("killed-after-vantage-accepted", {
      observed:
        `SIGKILL right after Vantage applied the orders batch (7 values, 0 recorded); the ` +
        `next CLI run exited 0 and sent the identical batch again; all 3 metrics equal the source`,
      exitCode: 128 + 9,
      runStatus: "running → failed",
      errorCode: "lease_expired",
      faultsInjected: 1,
      valuesChecked: comparison.checked,
      valuesLost: comparison.lost.length,
      durationMs,
    });
    await recordScenario("abandoned-run-row-closed", {
      observed: `run ${abandoned.id} was left running by the killed process; once its lease ran ` +
        `out the next run closed it as ${closed.status} (${closed.error_code}, ${closed.http_status})`,
      runStatus: closed.status,
      errorCode: closed.error_code,
      faultsInjected: 1,
      valuesChecked: comparison.checked,
      valuesLost: comparison.lost.length,
      durationMs,
    });
  } finally {
    await front.close();
    await db.drop();
  }
});
