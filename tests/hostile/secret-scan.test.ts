/**
 * A realistic session (syncs that succeed, are refused and fail; Vantage failing; a webhook that
 * fails and then cannot be reached; a database that cannot be reached or refuses the login; plan,
 * cost per unit, the report and a signed link; `deno task verify` as a user runs it), then a scan
 * of everything it left behind for every secret value it used: each log line, each response body
 * and header, each row of every relation in schema unit_economics, what the webhook received, the
 * CLI's output and the Postgres server's log. None may appear, raw or encoded.
 */
import assert from "node:assert/strict";
import { DEFAULT_EMULATOR_TOKEN, SEEDED_COST_REPORT } from "../../dev/vantage/emulator.ts";
import { readConfig } from "../../functions/_shared/config.ts";
import { createLogger } from "../../functions/_shared/log.ts";
import { createApp } from "../../functions/unit-economics/app.ts";
import { followServerLog } from "./contract.ts";
import { recordOutcome } from "../support/reliability.ts";
import { freePort, FUNCTION_ROLE, FUNCTION_TEST_PASSWORD } from "../support/database.ts";
import {
  createEmulatorMetrics,
  ORDERS_TOKEN,
  type TestStack,
  utcDay,
  withStack,
} from "../support/stack.ts";

const hex = () => crypto.randomUUID().replaceAll("-", "");

/** Fresh values, so that nothing but a leak can put them where the scan looks. */
const SECRETS = {
  VANTAGE_API_TOKEN: `vntg_tkn_scan${hex()}`,
  UNIT_ECONOMICS_SYNC_SECRET: `scan-sync-${hex()}`,
  UNIT_ECONOMICS_LINK_SECRET: `scan-link-${hex()}`,
  webhookPath: `/services/T0SCAN/B0SCAN/${hex()}`,
  databasePassword: FUNCTION_TEST_PASSWORD,
} as const;

/** Every form a secret could take in text: as is, URL-encoded, JSON-escaped, base64. */
function formsOf(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    btoa(secret),
  ];
}

/** A webhook that answers 500 (so a sync logs a warning), and can be shut down (refused). */
function startWebhook() {
  const received: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    // The body: what the function tells the webhook (the path is the webhook's own).
    received.push(await req.text());
    return new Response("nope", { status: 500 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}${SECRETS.webhookPath}`,
    received,
    shutdown: () => server.shutdown(),
  };
}

/** Attaches Orders to the emulator's cost report, as apply would (so there are unit costs). */
async function attachOrders(stack: TestStack): Promise<void> {
  const response = await fetch(`${stack.vantage.url}/business_metrics/${ORDERS_TOKEN}`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      cost_report_tokens_with_metadata: [{ cost_report_token: SEEDED_COST_REPORT.token }],
    }),
  });
  assert.equal(response.status, 200);
  await response.body?.cancel();
}

Deno.test("no secret value appears in any log, response, run row, webhook post or CLI output", async () => {
  const webhook = startWebhook();
  let webhookDown = false;
  try {
    await withStack(async (stack) => {
      const serverLog = await followServerLog();
      stack.vantage.emulator.addToken(SECRETS.VANTAGE_API_TOKEN, ["read", "write"]);
      await attachOrders(stack);
      // One order in ten on a day of the default window: its cost per order is an anomaly.
      await stack.db.sql`delete from public.orders
        where (created_at at time zone 'UTC')::date = ${utcDay(-3)}::date and id % 10 <> 0`;

      const texts: { source: string; text: string }[] = [];
      const statuses: number[] = [];
      const auth = { authorization: `Bearer ${SECRETS.UNIT_ECONOMICS_SYNC_SECRET}` };
      const call = async (path: string, init: RequestInit = {}, headers: HeadersInit = auth) => {
        const url = path.startsWith("http") ? path : `${stack.url}${path}`;
        const response = await fetch(url, {
          ...init,
          headers: { "content-type": "application/json", ...headers },
        });
        const text = await response.text();
        statuses.push(response.status);
        texts.push({
          source: `response ${init.method ?? "GET"} ${path}`,
          text: `${response.status}\n${[...response.headers].join("\n")}\n${text}`,
        });
        return { status: response.status, text };
      };
      const post = (path: string, body: unknown, headers?: HeadersInit) =>
        call(path, { method: "POST", body: JSON.stringify(body) }, headers);

      // Health, with and without the secret.
      assert.equal((await call("/health")).status, 200);
      assert.equal((await call("/health", {}, {})).status, 200);
      // Syncs: the default window (the webhook answers 500), a rerun, a dry run, a backfill.
      assert.equal((await post("/sync", {})).status, 200);
      assert.equal((await post("/sync", {})).status, 200);
      assert.equal(
        (await post("/sync", { from: utcDay(-30), to: utcDay(-1), dryRun: true })).status,
        200,
      );
      assert.equal((await post("/sync", { from: utcDay(-60), to: utcDay(-1) })).status, 200);
      // Refused: no secret, the secret and more, the secret cut short, a bad body, a future day.
      assert.equal((await post("/sync", {}, {})).status, 401);
      const near = SECRETS.UNIT_ECONOMICS_SYNC_SECRET;
      assert.equal((await post("/sync", {}, { authorization: `Bearer ${near}x` })).status, 401);
      assert.equal(
        (await post("/sync", {}, { authorization: `Bearer ${near.slice(0, -1)}` })).status,
        401,
      );
      assert.equal((await post("/sync", { dry_run: true })).status, 400);
      assert.equal((await post("/sync", { date: utcDay(5) })).status, 400);
      // Vantage failing: a burst longer than the retries, then a 401 for the token.
      stack.vantage.emulator.failNext(4, 503);
      assert.equal((await post("/sync", { date: utcDay(-2), force: true })).status, 502);
      stack.vantage.emulator.failNext(1, 401);
      assert.equal((await post("/sync", { date: utcDay(-2), force: true })).status, 502);
      // Reading: runs, status, plan, cost per unit, the report, a signed link and a forged one.
      assert.equal((await call("/runs?limit=50")).status, 200);
      assert.ok([200, 503].includes((await call("/status")).status));
      assert.equal((await post("/plan", {})).status, 200);
      assert.equal((await call(`/unit-costs?from=${utcDay(-20)}&to=${utcDay(-1)}`)).status, 200);
      assert.equal((await call("/report")).status, 200);
      const link = JSON.parse((await post("/report-link", { expiresInSeconds: 120 })).text).url;
      const signed = new URL(link);
      const local = `${stack.url}/report${signed.search}`;
      assert.equal((await call(local, {}, {})).status, 200);
      const forged = new URL(local);
      forged.searchParams.set("to", utcDay(-2));
      assert.equal((await call(forged.href, {}, {})).status, 401);
      // The webhook goes away: the next announcement fails to connect (its URL in the error).
      await webhook.shutdown();
      webhookDown = true;
      assert.equal((await post("/sync", { force: true })).status, 200);
      const logs = [...stack.logs];
      assert.ok(
        logs.some((line) => /could not announce anomalies/.test(line)),
        "the webhook failures were logged",
      );

      // Another instance whose database cannot be reached, and one whose role may not log in.
      const unreachable = new URL(stack.db.functionUrl);
      unreachable.port = String(freePort());
      const nologin = new URL(stack.db.url);
      nologin.username = FUNCTION_ROLE;
      nologin.password = SECRETS.databasePassword;
      for (const databaseUrl of [unreachable.href, nologin.href]) {
        const { app, close } = createApp({
          env: (name) =>
            ({
              ...createEmulatorMetrics(stack.vantage.emulator),
              VANTAGE_API_URL: stack.vantage.url,
              VANTAGE_API_TOKEN: SECRETS.VANTAGE_API_TOKEN,
              UNIT_ECONOMICS_SYNC_SECRET: SECRETS.UNIT_ECONOMICS_SYNC_SECRET,
              UNIT_ECONOMICS_LINK_SECRET: SECRETS.UNIT_ECONOMICS_LINK_SECRET,
              UNIT_ECONOMICS_ANOMALY_WEBHOOK_URL: webhook.url,
              UNIT_ECONOMICS_DB_URL: databaseUrl,
            })[name],
          metrics: stack.function.config.metrics,
          logSink: (_level, line) => logs.push(line),
        });
        try {
          for (const path of ["/sync", "/runs", "/status"]) {
            const response = await app.request(`/unit-economics${path}`, {
              method: path === "/sync" ? "POST" : "GET",
              headers: auth,
            });
            const text = await response.text();
            statuses.push(response.status);
            assert.equal(response.status, 503, `${path}: ${text}`);
            texts.push({ source: `response ${path} (database down)`, text });
          }
        } finally {
          await close();
        }
      }

      // The CLI, as a user runs it.
      const verify = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL("../../cli/verify.ts", import.meta.url).pathname, "--json"],
        env: {
          ...createEmulatorMetrics(stack.vantage.emulator),
          UNIT_ECONOMICS_DB_URL: stack.db.functionUrl,
          VANTAGE_API_URL: stack.vantage.url,
          VANTAGE_API_TOKEN: SECRETS.VANTAGE_API_TOKEN,
          UNIT_ECONOMICS_SYNC_SECRET: SECRETS.UNIT_ECONOMICS_SYNC_SECRET,
        },
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const decoder = new TextDecoder();
      const cliOutput = decoder.decode(verify.stdout) + decoder.decode(verify.stderr);
      assert.ok([0, 1].includes(verify.code), cliOutput);
      assert.ok(JSON.parse(decoder.decode(verify.stdout)).metrics.length > 0, "verify reported");

      // What the session left behind.
      texts.push(...logs.map((text) => ({ source: "function log", text })));
      texts.push(...webhook.received.map((text) => ({ source: "webhook post", text })));
      texts.push({ source: "deno task verify", text: cliOutput });
      const relations = await stack.db.sql<{ name: string }[]>`
        select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'unit_economics' and c.relkind in ('r', 'v', 'm', 'p')
        order by 1`;
      let rows = 0;
      for (const { name } of relations) {
        const table = await stack.db.sql<{ row: string }[]>`
          select row_to_json(t)::text as row from ${stack.db.sql("unit_economics")}.${
          stack.db.sql(name)
        } t`;
        rows += table.length;
        texts.push(...table.map(({ row }) => ({ source: `unit_economics.${name}`, text: row })));
      }
      texts.push({ source: "postgres server log", text: await serverLog.read() });

      const found: string[] = [];
      for (const [name, secret] of Object.entries(SECRETS)) {
        for (const form of formsOf(secret)) {
          for (const { source, text } of texts) {
            if (text.includes(form)) found.push(`${name} in ${source}: ${text.slice(0, 300)}`);
          }
        }
      }
      assert.deepEqual(found, [], "no secret value anywhere");
      // The scan looked at real material.
      assert.ok(rows > 20, `${rows} rows`);
      assert.ok(webhook.received.length > 0, "the webhook was called");
      assert.ok(texts.filter((t) => t.source === "function log").length > 10);
      const [{ runs }] = await stack.db
        .sql<{ runs: number }[]>`select count(*)::int as runs from unit_economics.sync_runs`;
      assert.ok(runs >= 7, `${runs} run rows`);

      const responses = texts.filter((t) => t.source.startsWith("response")).length;
      await recordOutcome({
        section: "hostile input",
        scenario: "secret-scan",
        title: "A realistic session scanned for every secret value it used",
        expected: "none of VANTAGE_API_TOKEN, UNIT_ECONOMICS_SYNC_SECRET, " +
          "UNIT_ECONOMICS_LINK_SECRET, the webhook URL's path or the database password in any " +
          "log line, response, run row, webhook post, CLI output or server log",
        observed: `0 occurrences of ${Object.keys(SECRETS).length} secrets (4 forms each) in ` +
          `${logs.length} log lines, ${responses} responses (statuses ${
            [...new Set(statuses)].sort().join(", ")
          }), ${rows} rows of ${relations.length} relations in unit_economics, ` +
          `${webhook.received.length} webhook posts, deno task verify's output and the server log`,
        inputsTried: responses,
      });
    }, {
      env: {
        VANTAGE_API_TOKEN: SECRETS.VANTAGE_API_TOKEN,
        UNIT_ECONOMICS_SYNC_SECRET: SECRETS.UNIT_ECONOMICS_SYNC_SECRET,
        UNIT_ECONOMICS_LINK_SECRET: SECRETS.UNIT_ECONOMICS_LINK_SECRET,
        UNIT_ECONOMICS_ANOMALY_WEBHOOK_URL: webhook.url,
      },
    });
  } finally {
    if (!webhookDown) await webhook.shutdown();
  }
});

Deno.test("log lines mask secrets as used, not only as set: trimmed, and a webhook's path", () => {
  const lines: string[] = [];
  const config = readConfig((name) =>
    ({
      VANTAGE_API_TOKEN: `${SECRETS.VANTAGE_API_TOKEN}\n`,
      UNIT_ECONOMICS_SYNC_SECRET: ` ${SECRETS.UNIT_ECONOMICS_SYNC_SECRET}\n`,
      UNIT_ECONOMICS_ANOMALY_WEBHOOK_URL: `https://HOOKS.example.com${SECRETS.webhookPath}`,
    })[name]
  );
  const logger = createLogger({
    sink: (_level, line) => lines.push(line),
    secrets: config.secrets,
  });
  logger.warn("could not announce anomalies", {
    error: `error sending request for url (https://hooks.example.com${SECRETS.webhookPath})`,
    token: config.vantageApiToken,
    secret: config.syncSecret,
  });
  assert.equal(config.syncSecret, SECRETS.UNIT_ECONOMICS_SYNC_SECRET, "used trimmed");
  for (const secret of Object.values(SECRETS).slice(0, 4)) {
    assert.ok(!lines[0].includes(secret), `${secret} masked in ${lines[0]}`);
  }
  assert.equal(lines[0].split("[redacted]").length - 1, 3);
});
