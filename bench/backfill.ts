/**
 * Benchmark: a five-year backfill of the three declared metrics (orders, revenue per region, active
 * customers) against the Vantage emulator, measured for wall time, requests and peak memory, next to
 * the vendor demo's way (one PUT per day and metric), sampled and extrapolated.
 *
 * Run with `deno task bench` (needs the same PostgreSQL packages as the tests); it prints a
 * Markdown table and, with `--write`, replaces the results section of bench/RESULTS.md.
 *
 * @module
 */
import { readConfig } from "../functions/_shared/config.ts";
import { connectDatabase } from "../functions/_shared/database.ts";
import { createLogger } from "../functions/_shared/log.ts";
import { DECLARED_METRICS } from "../functions/_shared/metrics.ts";
import { syncRequestSchema } from "../functions/_shared/sync-request.ts";
import { runSync } from "../functions/_shared/sync.ts";
import { DEFAULT_EMULATOR_TOKEN } from "../dev/vantage/emulator.ts";
import { serveVantageEmulator } from "../dev/vantage/serve.ts";
import { createTestDatabase } from "../tests/support/database.ts";
import { addOrderHistory } from "../tests/support/history.ts";
import { createEmulatorMetrics, EMULATOR_METRICS } from "../tests/support/stack.ts";

const FIVE_YEARS = 1826;
/** Vantage's general rate limit: requests per hour. */
const VANTAGE_REQUESTS_PER_HOUR = 1000;
/** A realistic round trip to api.vantage.sh, for the estimate row (not measured here). */
const ASSUMED_ROUND_TRIP_SECONDS = 0.15;
/** Per-day PUTs actually sent for the vendor-style loop before extrapolating. */
const VENDOR_SAMPLE = 300;

const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Peak resident set size while `work` runs, sampled every 10 ms. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakRss: number }> {
  let peakRss = Deno.memoryUsage().rss;
  const sampler = setInterval(() => peakRss = Math.max(peakRss, Deno.memoryUsage().rss), 10);
  try {
    const result = await work();
    return { result, peakRss: Math.max(peakRss, Deno.memoryUsage().rss) };
  } finally {
    clearInterval(sampler);
  }
}

const db = await createTestDatabase();
const vantage = await serveVantageEmulator();
try {
  await addOrderHistory(db.sql, FIVE_YEARS);
  const env: Record<string, string> = {
    ...createEmulatorMetrics(vantage.emulator),
    UNIT_ECONOMICS_DB_URL: db.url,
    VANTAGE_API_URL: vantage.url,
    VANTAGE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
  };
  const config = readConfig((name) => env[name], DECLARED_METRICS);
  const sql = connectDatabase(db.url);
  const request = syncRequestSchema.parse({ from: day(-FIVE_YEARS), to: day(-1), trigger: "cli" });
  const started = performance.now();
  const { result, peakRss } = await withPeakRss(() =>
    runSync({ config, sql, logger: createLogger({ sink: () => {} }) }, request)
  );
  const seconds = (performance.now() - started) / 1000;
  await sql.end();
  if (result.status !== "succeeded") {
    throw new Error(`backfill failed: ${JSON.stringify(result.error)}`);
  }
  const values = result.metrics.reduce((sum, m) => sum + m.sent, 0);
  const requests = vantage.emulator.requests.filter((r) => r.method === "PUT").length;

  // The vendor demo's way: one PUT per day and metric. Sample it, then extrapolate.
  const token = EMULATOR_METRICS[0].token;
  const vendorStarted = performance.now();
  for (let i = 0; i < VENDOR_SAMPLE; i++) {
    const response = await fetch(`${vantage.url}/business_metrics/${token}`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ values: [{ date: day(-1 - (i % 365)), amount: i }] }),
    });
    await response.body?.cancel();
  }
  const vendorSecondsPerRequest = (performance.now() - vendorStarted) / 1000 / VENDOR_SAMPLE;

  const rows = [
    ["", "unit-economics (batched)", "vendor demo style (one PUT per value, extrapolated)"],
    ["values", String(values), String(values)],
    ["requests to Vantage", String(requests), String(values)],
    [
      "wall time against the local emulator",
      `${seconds.toFixed(2)} s`,
      `${(vendorSecondsPerRequest * values).toFixed(1)} s (from ${VENDOR_SAMPLE} sampled PUTs)`,
    ],
    [
      `estimated network time at ${ASSUMED_ROUND_TRIP_SECONDS * 1000} ms per request`,
      `${(requests * ASSUMED_ROUND_TRIP_SECONDS).toFixed(1)} s`,
      `${(values * ASSUMED_ROUND_TRIP_SECONDS / 60).toFixed(0)} min`,
    ],
    [
      "hours of Vantage's 1000 requests/hour budget",
      (requests / VANTAGE_REQUESTS_PER_HOUR).toFixed(3),
      (values / VANTAGE_REQUESTS_PER_HOUR).toFixed(1),
    ],
    ["peak RSS of the process during the backfill", `${(peakRss / 2 ** 20).toFixed(0)} MiB`, "-"],
  ];
  const table = rows.map((row) => `| ${row.join(" | ")} |`);
  table.splice(1, 0, "| --- | --- | --- |");
  const report = [
    `Five-year backfill of ${result.metrics.map((m) => m.key).join(", ")} (${day(-FIVE_YEARS)}..${
      day(-1)
    }), ` +
    `measured ${
      new Date().toISOString().slice(0, 10)
    } on this machine (2 cores), PostgreSQL 15 and the emulator on 127.0.0.1.`,
    "",
    ...table,
  ].join("\n");
  console.log(report);
  if (Deno.args.includes("--write")) {
    const path = new URL("./RESULTS.md", import.meta.url);
    const current = await Deno.readTextFile(path);
    const marker = "<!-- backfill results -->";
    const [head] = current.split(marker);
    await Deno.writeTextFile(path, `${head}${marker}\n${report}\n`);
  }
} finally {
  await vantage.close();
  await db.drop();
}
