/**
 * `deno task verify`: compares Vantage's values with the source and, with `--repair`, sends the
 * corrections. Exit code 0 when nothing drifted (or everything was repaired), 1 when drift remains
 * or a metric failed, 2 when the request or configuration is invalid, so it can gate a CI job or
 * back a monitor.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { describeIssues, syncRequestSchema } from "../functions/_shared/sync-request.ts";
import type { DriftValue } from "../functions/_shared/verify-compare.ts";
import { runVerify, type VerifyOutcome, type VerifyResult } from "../functions/_shared/verify.ts";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, exitCodeFor } from "./exit-code.ts";
import { table } from "./table.ts";
import { runWithDatabase, usageError } from "./command.ts";
import { metricKeys } from "./sync-flags.ts";

/** Drift values listed per metric and kind in the readable report; the rest are counted. */
const LISTED = 20;

/** Usage text of `deno task verify`. */
export const VERIFY_USAGE = `Usage: deno task verify [options]

Options:
  --date YYYY-MM-DD         verify one day
  --from YYYY-MM-DD --to YYYY-MM-DD
                            verify a range, both days included
  --metric KEY              only this metric (repeat, or comma-separate, for several)
  --repair                  send the corrections and align the record of sent values
  --json                    print the full report as JSON
  --help                    this text
Without dates: the last lookbackDays complete days of each metric, ending yesterday.
Exit code: 0 in sync (or repaired), 1 drift remains or a metric failed, 2 bad usage or configuration.`;

/**
 * Runs the CLI with `args` and the environment; resolves with the exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await main(["--metric", "orders"], (name) => Deno.env.get(name)));
 * ```
 */
export async function main(
  args: string[],
  env: (name: string) => string | undefined,
): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        date: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        metric: { type: "string", multiple: true },
        repair: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    return usageError(error, VERIFY_USAGE);
  }
  if (flags.help) {
    console.log(VERIFY_USAGE);
    return EXIT_OK;
  }
  // The window and metrics follow a sync request's rules, so both commands refuse the same input.
  const parsed = syncRequestSchema.safeParse({
    date: flags.date,
    from: flags.from,
    to: flags.to,
    metrics: metricKeys(flags.metric),
    trigger: "cli",
  });
  if (!parsed.success) {
    console.error(`error: invalid_body: ${describeIssues(parsed.error).message}`);
    return EXIT_USAGE;
  }
  return await runWithDatabase(env, flags.json, async ({ config, sql, logger }) => {
    const result = await runVerify({ config, sql, logger }, {
      ...parsed.data,
      repair: flags.repair,
    });
    console.log(flags.json ? JSON.stringify(result, null, 2) : formatVerifyReport(result));
    if (result.error) return exitCodeFor(result.httpStatus, result.error.code);
    return result.driftRemaining ? EXIT_FAILED : EXIT_OK;
  });
}

/**
 * The readable report: a headline, a table with one row per metric, then each difference.
 *
 * @example
 * ```ts
 * console.log(formatVerifyReport(await runVerify({ config, sql }, { repair: false, trigger: "cli" })));
 * ```
 */
export function formatVerifyReport(result: VerifyResult): string {
  const window = result.window ? `${result.window.from}..${result.window.to}` : "(none)";
  const { totals } = result;
  const counts =
    `${totals.missing} missing, ${totals.changed} changed, ${totals.extra} extra, ${totals.matching} matching`;
  const headline = {
    in_sync: `in sync (${counts})`,
    drift: `DRIFT (${counts})`,
    repaired: `repaired: ${totals.sent} sent, ${totals.deleted} deleted (found ${counts})`,
    failed: `failed (${counts})`,
  }[result.status];
  const run = result.runId === null ? "Verify" : `Repair run ${result.runId}`;
  const lines = [`${run}, window ${window}: ${headline}`, ""];
  const header = ["metric", "status", "mode", "matching", "missing", "changed", "extra", "token"];
  const rows = result.metrics.map((m) => [
    m.key,
    m.status,
    m.mode,
    String(m.matching),
    String(m.missing.length),
    String(m.changed.length),
    String(m.extra.length),
    m.token ?? "(unbound)",
  ]);
  lines.push(...table([header, ...rows]));
  for (const metric of result.metrics) lines.push(...metricDetail(metric));
  if (result.driftRemaining && !result.repair) {
    lines.push("", "Run with --repair to send the corrections.");
  }
  return lines.join("\n");
}

function metricDetail(m: VerifyOutcome): string[] {
  if (m.status === "unbound") {
    return [
      "",
      `${m.key}: no Vantage token yet: run \`deno task apply\`, or set the metric's token variable`,
    ];
  }
  const extraNote = m.mode === "mirror"
    ? "mirror mode: --repair deletes these"
    : "upsert mode: reported only, --repair never deletes them";
  const lines = [
    ...(m.error ? [`  ${m.error.code}: ${m.error.message}`] : []),
    ...listed("missing", m.missing),
    ...listed("changed", m.changed),
    ...listed(`extra (${extraNote})`, m.extra),
    ...(m.repair
      ? [
        `  repair: ${m.repair.sent} sent, ${m.repair.deleted} deleted, ${m.repair.recordsAligned} sent-value records aligned`,
      ]
      : []),
  ];
  return lines.length === 0 ? [] : ["", `${m.key} (${m.window.from}..${m.window.to}):`, ...lines];
}

function listed(kind: string, values: DriftValue[]): string[] {
  if (values.length === 0) return [];
  const lines = [`  ${kind}:`, ...values.slice(0, LISTED).map((v) => `    ${describeDrift(v)}`)];
  if (values.length > LISTED) {
    lines.push(`    … and ${values.length - LISTED} more (--json lists them all)`);
  }
  return lines;
}

/** `2024-01-02 [eu]: source 120, Vantage 999`. */
function describeDrift(value: DriftValue): string {
  const where = `${value.date}${value.label ? ` [${value.label}]` : ""}`;
  const amounts = [
    value.source === null ? [] : [`source ${value.source}`],
    value.vantage === null ? [] : [`Vantage ${value.vantage}`],
  ].flat();
  return `${where}: ${amounts.join(", ")}`;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, (name) => Deno.env.get(name)));
}
