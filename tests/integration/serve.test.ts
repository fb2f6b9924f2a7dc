/**
 * `deno task serve` serves the function where the Supabase gateway would, reading its
 * configuration from the environment; `deno task invoke` reaches it through supabase-js.
 */
import assert from "node:assert/strict";
import { runCliModule, stackCliEnv } from "../support/cli.ts";
import { startServe } from "../support/serve.ts";
import { ORDERS_TOKEN, TEST_SECRET, type TestStack, utcDay, withStack } from "../support/stack.ts";

function serveEnv(stack: TestStack): Record<string, string> {
  return stackCliEnv(stack, { UNIT_ECONOMICS_SYNC_SECRET: TEST_SECRET });
}

function invoke(args: string[], env: Record<string, string>) {
  return runCliModule("cli/invoke.ts", args, env);
}

Deno.test("deno task serve answers under /functions/v1/unit-economics and syncs", () =>
  withStack(async (stack) => {
    const served = await startServe(serveEnv(stack));
    try {
      const sync = await fetch(`${served.functionUrl}/sync`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
        body: JSON.stringify({ date: utcDay(-1) }),
      });
      assert.equal(sync.status, 200);
      assert.equal((await sync.json()).metrics[0].sent, 1);

      const outside = await fetch(`${served.projectUrl}/unit-economics/health`);
      assert.equal(
        outside.status,
        404,
        "only the gateway's /functions/v1 prefix routes to functions",
      );
      await outside.body?.cancel();
    } finally {
      await served.stop();
    }
  }));

Deno.test("deno task invoke syncs through supabase-js with the same flags as deno task sync", () =>
  withStack(async (stack) => {
    const served = await startServe(serveEnv(stack));
    try {
      const env = { SUPABASE_URL: served.projectUrl, UNIT_ECONOMICS_SYNC_SECRET: TEST_SECRET };
      const summary = await invoke(["--from", utcDay(-2), "--to", utcDay(-1)], env);
      assert.equal(summary.code, 0, summary.stderr);
      assert.match(summary.stdout, /^Sync run \d+ succeeded: window \S+, trigger http/);
      assert.equal(stack.vantage.emulator.state.values(ORDERS_TOKEN).length, 2);

      const json = await invoke(["--date", utcDay(-1), "--dry-run", "--json", "--force"], env);
      assert.equal(json.code, 0, json.stderr);
      const result = JSON.parse(json.stdout);
      assert.equal(result.dryRun, true);
      assert.equal(result.metrics[0].planned.length, 1);

      const wrongSecret = await invoke([], {
        ...env,
        UNIT_ECONOMICS_SYNC_SECRET: "not-the-secret-000000",
      });
      assert.equal(wrongSecret.code, 2);
      assert.match(wrongSecret.stderr, /unauthorized/);

      const future = await invoke(["--date", utcDay(3)], env);
      assert.equal(future.code, 2);
      assert.match(future.stderr, /date_in_future/);
    } finally {
      await served.stop();
    }
    const down = await invoke([], {
      SUPABASE_URL: served.projectUrl,
      UNIT_ECONOMICS_SYNC_SECRET: TEST_SECRET,
    });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /could not reach/);
  }));
