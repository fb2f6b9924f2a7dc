/**
 * `deno task demo`: the whole product on embedded defaults, nothing to set up. Embedded Postgres
 * (PGlite) with the real migrations and the seed's orders, the Vantage emulator with synthetic
 * daily AWS costs, the function served on localhost as the Supabase gateway serves it, and one sync
 * triggered over HTTP the way pg_cron triggers it. Ends with cost per order for each synced day.
 *
 * @module
 */
import { createApp } from "../../functions/unit-economics/app.ts";
import { readConfig } from "../../functions/_shared/config.ts";
import { connectDatabase } from "../../functions/_shared/database.ts";
import { createLogger } from "../../functions/_shared/log.ts";
import { applyPlan } from "../../functions/_shared/plan/apply.ts";
import { planChanges } from "../../functions/_shared/plan/plan.ts";
import { formatApplySummary, formatPlan } from "../../cli/plan-format.ts";
import { formatTextChart } from "../../cli/text-chart.ts";
import type { UnitCostReport } from "../../functions/_shared/unit-costs/model.ts";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { SyncResult } from "../../functions/_shared/sync.ts";
import { formatSyncSummary } from "../../cli/summary.ts";
import { startEmbeddedPostgres } from "../embedded-db/embedded-postgres.ts";
import { serveLikeGateway } from "../gateway.ts";
import { DEFAULT_EMULATOR_TOKEN, SEEDED_COST_REPORT } from "../vantage/emulator.ts";
import { serveVantageEmulator } from "../vantage/serve.ts";
import { formatCostPerOrder } from "./cost-per-order.ts";
import { dailyCosts, metricValues } from "./vantage-readback.ts";

// Plan and apply report through their return values; their log lines would only repeat them.
const quietLogger = createLogger({ sink: () => {} });

/** Where the demo writes the report page (git-ignored). */
const REPORT_FILE = fileURLToPath(new URL("../../.local/demo/report.html", import.meta.url));

const step = (text: string) => console.log(`\n▸ ${text}`);

/**
 * Runs the demo and resolves with its exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await runDemo());
 * ```
 */
export async function runDemo(): Promise<number> {
  const startedAt = performance.now();
  step("Starting embedded Postgres (PGlite) with the migrations and the seed's orders");
  const database = await startEmbeddedPostgres();
  step("Starting the Vantage API emulator with synthetic daily AWS costs");
  const vantage = await serveVantageEmulator();
  const secret = crypto.randomUUID().replaceAll("-", "");
  const env: Record<string, string> = {
    UNIT_ECONOMICS_DB_URL: database.url,
    VANTAGE_API_URL: vantage.url,
    VANTAGE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
    ORDERS_COST_REPORT_TOKEN: SEEDED_COST_REPORT.token,
    UNIT_ECONOMICS_SYNC_SECRET: secret,
  };
  const readEnv = (name: string) => env[name];

  step("Planning and applying the declared metrics in Vantage (deno task plan / apply)");
  const sql = connectDatabase(database.url);
  try {
    const deps = { config: readConfig(readEnv), env: readEnv, sql, logger: quietLogger };
    const plan = await planChanges(deps, { prune: false });
    console.log(formatPlan(plan));
    console.log(formatApplySummary(await applyPlan(deps, plan)));
  } finally {
    await sql.end();
  }
  const [ordersBinding] = vantage.emulator.state.metrics().filter((m) => m.title === "Orders");

  const unit = createApp({ env: readEnv });
  const gateway = serveLikeGateway(unit.app.fetch, { port: 0 });
  const functionUrl = `${gateway.url}unit-economics`;
  try {
    step(`Function served at ${functionUrl}; calling POST /sync as pg_cron does (net.http_post)`);
    const response = await fetch(`${functionUrl}/sync`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      body: JSON.stringify({ trigger: "cron" }),
    });
    const result = await response.json() as SyncResult;
    console.log(`HTTP ${response.status}\n${formatSyncSummary(result)}`);
    if (response.status !== 200 || !result.window) return 1;

    step(`Cost per order, as Vantage now sees it (cost report "${SEEDED_COST_REPORT.title}")`);
    const access = { url: vantage.url, token: DEFAULT_EMULATOR_TOKEN };
    const costs = await dailyCosts(
      access,
      SEEDED_COST_REPORT.token,
      result.window.from,
      result.window.to,
    );
    const amounts = await metricValues(access, ordersBinding.token, result.window.from);
    console.log(formatCostPerOrder(result.window, amounts, costs));

    const runs = await (await fetch(`${functionUrl}/runs?limit=1`, {
      headers: { authorization: `Bearer ${secret}` },
    })).json();
    const [run] = runs.runs;
    step(
      `Run log: run ${run.id} ${run.status} (trigger ${run.trigger}, ${run.windowFrom}..${run.windowTo})`,
    );

    step("The cost-per-unit report (GET /report, the last 30 complete days)");
    const report = await fetch(`${functionUrl}/unit-costs?metric=orders`, {
      headers: { authorization: `Bearer ${secret}` },
    }).then((response) => response.json()) as UnitCostReport;
    console.log(formatTextChart(report));
    const page = await fetch(`${functionUrl}/report?metric=orders`, {
      headers: { authorization: `Bearer ${secret}` },
    }).then((response) => response.text());
    await Deno.mkdir(dirname(REPORT_FILE), { recursive: true });
    await Deno.writeTextFile(REPORT_FILE, page);
    console.log(
      `\nReport written to ${REPORT_FILE} (${
        new TextEncoder().encode(page).length
      } bytes); open it in a browser.`,
    );
    console.log(`\nDemo finished in ${((performance.now() - startedAt) / 1000).toFixed(1)} s.`);
    return 0;
  } finally {
    await gateway.shutdown();
    await unit.close();
    await vantage.close();
    await database.close();
  }
}

if (import.meta.main) Deno.exit(await runDemo());
