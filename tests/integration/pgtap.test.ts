/**
 * Runs the pgTAP tests in supabase/tests with Debian's pg_prove against a database where the
 * Supabase CLI applied the migrations (pg_cron, the pg_net and Vault stand-ins included).
 */
import assert from "node:assert/strict";
import { startCronCluster } from "../support/cron-cluster.ts";

Deno.test("pgTAP: the daily job, invoke_sync's errors and the grants", async () => {
  const cluster = await startCronCluster();
  try {
    const url = new URL(cluster.url);
    const testsDir = new URL("../../supabase/tests/", import.meta.url).pathname;
    const files = [...Deno.readDirSync(testsDir)].filter((e) => e.name.endsWith(".sql")).map((e) =>
      testsDir + e.name
    );
    assert.ok(files.length > 0, "there are pgTAP files");
    const output = await new Deno.Command("pg_prove", {
      args: [
        "--verbose",
        "-h",
        url.hostname,
        "-p",
        url.port,
        "-U",
        "postgres",
        "-d",
        url.pathname.slice(1),
        ...files,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, text);
    assert.match(text, /Result: PASS/);
    assert.doesNotMatch(text, /not ok|# SKIP|# TODO/);
    const planned = files.map((file) =>
      Number(/select plan\((\d+)\)/.exec(Deno.readTextFileSync(file))?.[1] ?? NaN)
    )
      .reduce((sum, n) => sum + n, 0);
    const passed = text.match(/^ok \d+/gm)?.length ?? 0;
    assert.equal(passed, planned, `every planned assertion ran and passed\n${text}`);
  } finally {
    await cluster.stop();
  }
});
