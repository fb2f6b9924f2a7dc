/**
 * `deno task serve` serves the function where the Supabase gateway would, reading its
 * configuration from the environment.
 */
import assert from "node:assert/strict";
import { freePort } from "../support/database.ts";
import { TEST_SECRET, utcDay, withStack } from "../support/stack.ts";
import { DEFAULT_EMULATOR_TOKEN } from "../../dev/vantage/emulator.ts";

Deno.test("deno task serve answers under /functions/v1/unit-economics and syncs", () =>
  withStack(async (stack) => {
    const port = freePort();
    const server = new Deno.Command(Deno.execPath(), {
      args: ["task", "serve"],
      cwd: new URL("../..", import.meta.url).pathname,
      env: {
        PORT: String(port),
        UNIT_ECONOMICS_DB_URL: stack.db.url,
        UNIT_ECONOMICS_SYNC_SECRET: TEST_SECRET,
        VANTAGE_API_URL: stack.vantage.url,
        VANTAGE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
        ORDERS_METRIC_ID: "bsnss_mtrc_0rders0000000001",
      },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    try {
      const base = `http://127.0.0.1:${port}/functions/v1/unit-economics`;
      let health: Response | undefined;
      for (let tries = 0; tries < 100 && !health; tries++) {
        health = await fetch(`${base}/health`).catch(() => undefined);
        if (!health) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(health?.status, 200);
      assert.equal((await health!.json()).status, "ok");

      const sync = await fetch(`${base}/sync`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
        body: JSON.stringify({ date: utcDay(-1) }),
      });
      assert.equal(sync.status, 200);
      assert.equal((await sync.json()).metrics[0].sent, 1);

      const outside = await fetch(`http://127.0.0.1:${port}/unit-economics/health`);
      assert.equal(
        outside.status,
        404,
        "only the gateway's /functions/v1 prefix routes to functions",
      );
      await outside.body?.cancel();
    } finally {
      server.kill("SIGTERM");
      await server.stderr.cancel();
      await server.status;
    }
  }));
