/**
 * `deno task sync` as a user runs it: a subprocess with the environment naming the database and
 * Vantage, a readable summary or JSON on stdout, and an exit code that says how it went.
 */
import assert from "node:assert/strict";
import { runCliModule, stackCliEnv } from "../support/cli.ts";
import { ORDERS_TOKEN, type TestStack, utcDay, withStack } from "../support/stack.ts";

function runCli(stack: TestStack, args: string[], env: Record<string, string> = {}) {
  return runCliModule("cli/sync.ts", args, stackCliEnv(stack, env));
}

Deno.test("the CLI syncs, prints a readable summary and exits 0", () =>
  withStack(async (stack) => {
    const { code, stdout } = await runCli(stack, []);
    assert.equal(code, 0);
    assert.match(stdout, /^Sync run \d+ succeeded: window \S+\.\.\S+, trigger cli/);
    assert.match(stdout, /orders\s+succeeded\s+7\s+7\s+0\s+0\s+0\s+bsnss_mtrc_0rders0000000001/);
    assert.equal(stack.vantage.emulator.state.values(ORDERS_TOKEN).length, 7);
    const [run] = await stack.db.sql`select trigger from unit_economics.sync_runs`;
    assert.equal(run.trigger, "cli");
  }));

Deno.test("the CLI's --json prints the engine's result; --dry-run sends nothing", () =>
  withStack(async (stack) => {
    const { code, stdout } = await runCli(stack, [
      "--from",
      utcDay(-3),
      "--to",
      utcDay(-1),
      "--metric",
      "orders",
      "--dry-run",
      "--json",
    ]);
    assert.equal(code, 0);
    const result = JSON.parse(stdout);
    assert.equal(result.dryRun, true);
    assert.deepEqual(result.window, { from: utcDay(-3), to: utcDay(-1) });
    assert.equal(result.metrics[0].planned.length, 3);
    assert.equal(stack.vantage.emulator.requests.length, 0);
  }));

Deno.test("the CLI exits 1 when the sync fails and 2 on bad input", () =>
  withStack(async (stack) => {
    stack.vantage.emulator.failNext(4, 500);
    const failed = await runCli(stack, ["--date", utcDay(-1)]);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /orders: vantage_unavailable: Vantage answered 500/);

    const unknownFlag = await runCli(stack, ["--dryrun"]);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.stderr, /error: .*dryrun/);

    const future = await runCli(stack, ["--date", utcDay(2)]);
    assert.equal(future.code, 2);
    assert.match(future.stderr, /date_in_future/);

    const noDatabase = await runCli(stack, [], { UNIT_ECONOMICS_DB_URL: "" });
    assert.equal(noDatabase.code, 2);
    assert.match(noDatabase.stderr, /misconfigured: UNIT_ECONOMICS_DB_URL is not set/);
  }));
