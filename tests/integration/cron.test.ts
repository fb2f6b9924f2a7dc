/**
 * pg_cron → invoke_sync → pg_net → the served function → Vantage, end to end on a real PostgreSQL
 * with pg_cron, including one real pg_cron tick; failures show in cron_history and in /status.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { DEFAULT_EMULATOR_TOKEN } from "../../dev/vantage/emulator.ts";
import { serveVantageEmulator } from "../../dev/vantage/serve.ts";
import { startCronCluster } from "../support/cron-cluster.ts";
import { freePort } from "../support/database.ts";
import { startServe } from "../support/serve.ts";
import { createEmulatorMetrics, ORDERS_TOKEN, TEST_SECRET, utcDay } from "../support/stack.ts";

const JOB = "unit-economics-daily-sync";

async function setSecret(sql: postgres.Sql, name: string, value: string): Promise<void> {
  const [existing] = await sql`select id from vault.secrets where name = ${name}`;
  if (existing) await sql`select vault.update_secret(${existing.id}, ${value})`;
  else await sql`select vault.create_secret(${value}, ${name})`;
}

async function history(sql: postgres.Sql) {
  return await sql`select * from unit_economics.cron_history`;
}

Deno.test("pg_cron invokes the function through pg_net and Vault", async (t) => {
  const cluster = await startCronCluster();
  const vantage = await serveVantageEmulator();
  const metricTokens = createEmulatorMetrics(vantage.emulator);
  const served = await startServe({
    UNIT_ECONOMICS_DB_URL: cluster.url,
    UNIT_ECONOMICS_SYNC_SECRET: TEST_SECRET,
    VANTAGE_API_URL: vantage.url,
    VANTAGE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
    ...metricTokens,
  });
  const sql = cluster.sql;
  const status = async () => {
    const response = await fetch(`${served.functionUrl}/status`, {
      headers: { authorization: `Bearer ${TEST_SECRET}` },
    });
    return { code: response.status, body: await response.json() };
  };
  try {
    await setSecret(sql, "unit_economics_project_url", served.projectUrl);
    await setSecret(sql, "unit_economics_sync_secret", TEST_SECRET);

    await t.step(
      "a wrong secret is visible in cron_history as a 401 and /status stays stale",
      async () => {
        await setSecret(sql, "unit_economics_sync_secret", "wrong-secret-0000000000");
        await sql`select unit_economics.invoke_sync()`;
        const [latest] = await history(sql);
        assert.equal(latest.outcome, "http_error");
        assert.equal(latest.http_status, 401);
        assert.equal(latest.sync_run_id, null);
        const { code, body } = await status();
        assert.equal(code, 503);
        assert.equal(body.stale, true);
        await setSecret(sql, "unit_economics_sync_secret", TEST_SECRET);
      },
    );

    await t.step("a function that is down is visible in cron_history as unreachable", async () => {
      await setSecret(sql, "unit_economics_project_url", `http://127.0.0.1:${freePort()}`);
      await sql`select unit_economics.invoke_sync()`;
      const [latest] = await history(sql);
      assert.equal(latest.outcome, "unreachable");
      assert.equal(latest.http_status, null);
      assert.match(latest.http_error, /connect/i);
      assert.equal((await status()).code, 503);
      await setSecret(sql, "unit_economics_project_url", served.projectUrl);
    });

    await t.step(
      "invoke_sync reaches the served function and the value reaches Vantage",
      async () => {
        const [{ id }] = await sql`select unit_economics.invoke_sync(${
          sql.json({ date: utcDay(-2) })
        }) as id`;
        const [response] =
          await sql`select status_code, content from net._http_response where id = ${id}`;
        assert.equal(response.status_code, 200, response.content);
        const [run] =
          await sql`select trigger, status, request_id from unit_economics.sync_runs order by id desc limit 1`;
        assert.deepEqual([run.trigger, run.status], ["cron", "succeeded"]);
        assert.match(run.request_id, /^pg-/);
        assert.deepEqual(
          vantage.emulator.state.values(ORDERS_TOKEN).map((v) => v.date.slice(0, 10)),
          [utcDay(-2)],
        );
        const [latest] = await history(sql);
        assert.equal(latest.outcome, "succeeded");
        assert.equal(latest.cron_job, null, "a manual call has no pg_cron run");
      },
    );

    await t.step("a real pg_cron tick syncs yesterday within 80 seconds", async () => {
      const [job] = await sql`select jobid, schedule from cron.job where jobname = ${JOB}`;
      const movedAt = new Date();
      await sql`select cron.alter_job(${job.jobid}, schedule := '* * * * *')`;
      try {
        let run: postgres.Row | undefined;
        for (let waited = 0; waited < 80_000 && !run; waited += 1_000) {
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          [run] =
            await sql`select id, status, trigger, window_from, window_to from unit_economics.sync_runs
            where trigger = 'cron' and status <> 'running' and started_at > ${movedAt} order by id limit 1`;
        }
        assert.ok(run, "a cron-triggered run finished within 80 s");
        assert.equal(run.status, "succeeded");
        const [{ total }] =
          await sql`select total_orders as total from public.total_orders where date = ${
            utcDay(-1)
          }::date`;
        const yesterday = vantage.emulator.state.values(ORDERS_TOKEN).find((v) =>
          v.date.startsWith(utcDay(-1))
        );
        assert.equal(Number(yesterday?.amount), total);
        const [tick] = (await history(sql)).filter((row) => row.cron_job === JOB);
        assert.equal(tick.cron_status, "succeeded");
        assert.equal(tick.outcome, "succeeded");
        assert.equal(Number(tick.sync_run_id), Number(run.id));
      } finally {
        await sql`select cron.alter_job(${job.jobid}, schedule := ${job.schedule})`;
      }
      const [restored] = await sql`select schedule from cron.job where jobname = ${JOB}`;
      assert.equal(restored.schedule, "15 0 * * *");
      assert.equal((await status()).code, 200);
    });
  } finally {
    await served.stop();
    await vantage.close();
    await cluster.stop();
  }
});
