/**
 * `deno task export`: writes one metric's source values as Vantage's CSV upload shape
 * (`date,amount,label`), to stdout or `--out FILE`, for people who upload by hand. Exit code 0 when
 * written, 1 when the source cannot be read or has invalid rows, 2 on bad flags, an unknown metric
 * or missing configuration.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { encodeMetricCsv, readExportValues } from "../functions/_shared/export-csv.ts";
import { describeIssues, syncRequestSchema } from "../functions/_shared/sync-request.ts";
import { runWithDatabase, usageError } from "./command.ts";
import { EXIT_OK, EXIT_USAGE } from "./exit-code.ts";

/** Usage text of `deno task export`. */
export const EXPORT_USAGE = `Usage: deno task export --metric KEY [options]

Options:
  --metric KEY              the metric to export (required, one)
  --date YYYY-MM-DD         export one day
  --from YYYY-MM-DD --to YYYY-MM-DD
                            export a range, both days included
  --out FILE                write the CSV to FILE instead of stdout
  --help                    this text
Without dates: the metric's last lookbackDays complete days, ending yesterday.
Upload the file with: curl -X PUT -H "Authorization: Bearer $VANTAGE_API_TOKEN" \\
  -F csv=@FILE https://api.vantage.sh/v2/business_metrics/TOKEN/values.csv`;

/**
 * Runs the CLI with `args` and the environment; resolves with the exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await main(["--metric", "orders", "--out", "orders.csv"], (name) => Deno.env.get(name)));
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
        metric: { type: "string" },
        date: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    return usageError(error, EXPORT_USAGE);
  }
  if (flags.help) {
    console.log(EXPORT_USAGE);
    return EXIT_OK;
  }
  if (!flags.metric?.trim()) {
    console.error(`error: --metric is required\n\n${EXPORT_USAGE}`);
    return EXIT_USAGE;
  }
  const parsed = syncRequestSchema.safeParse({
    date: flags.date,
    from: flags.from,
    to: flags.to,
    trigger: "cli",
  });
  if (!parsed.success) {
    console.error(`error: invalid_body: ${describeIssues(parsed.error).message}`);
    return EXIT_USAGE;
  }
  return await runWithDatabase(env, false, async ({ config, sql }) => {
    const metric = flags.metric!.trim();
    const exported = await readExportValues(
      { config, sql },
      { ...parsed.data, metric },
      Date.now(),
    );
    const csv = encodeMetricCsv(exported.values);
    try {
      if (flags.out) await Deno.writeTextFile(flags.out, csv);
      else await writeStdout(csv);
    } catch (error) {
      console.error(`error: cannot write ${flags.out ?? "stdout"}: ${(error as Error).message}`);
      return EXIT_USAGE;
    }
    // stderr, so that stdout stays the CSV alone.
    const skipped = exported.missingDays.length;
    console.error(
      `Exported ${exported.values.length} values of ${exported.metric} (${exported.window.from}..${exported.window.to}) to ${
        flags.out ?? "stdout"
      }${skipped > 0 ? `; days without a source value left out: ${skipped}` : ""}`,
    );
    return EXIT_OK;
  });
}

async function writeStdout(text: string): Promise<void> {
  const writer = Deno.stdout.writable.getWriter();
  try {
    await writer.write(new TextEncoder().encode(text));
  } finally {
    writer.releaseLock();
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, (name) => Deno.env.get(name)));
}
