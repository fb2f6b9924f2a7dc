/**
 * `deno task report --metric … --from … --to … --out report.html`: writes the same self-contained
 * HTML page that `GET /report` serves, and prints a few lines of text chart.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { systemClock } from "../functions/_shared/clock.ts";
import { isIsoDate } from "../functions/_shared/dates.ts";
import { AppError } from "../functions/_shared/errors.ts";
import { buildUnitCostReport } from "../functions/_shared/unit-costs/report.ts";
import { renderReportPage } from "../functions/_shared/report/page.ts";
import { reportWindow } from "../functions/_shared/unit-costs/report-window.ts";
import { runWithDatabase, usageError } from "./command.ts";
import { EXIT_OK } from "./exit-code.ts";
import { formatTextChart } from "./text-chart.ts";

const USAGE =
  `Usage: deno task report [--metric KEY] [--from YYYY-MM-DD --to YYYY-MM-DD] [--out FILE] [--json]

Writes the cost-per-unit report (HTML, self-contained) of a metric; default the first declared
metric and the last 30 complete days; default file report-<metric>-<from>-<to>.html.
--json prints the report's data instead of writing the page.`;

/**
 * Runs the command; resolves with the exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await main(["--metric", "orders", "--out", "orders.html"], (name) => Deno.env.get(name)));
 * ```
 */
export async function main(
  args: string[],
  env: (name: string) => string | undefined,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        metric: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        out: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    return usageError(error, USAGE);
  }
  if (values.help) {
    console.log(USAGE);
    return EXIT_OK;
  }
  return await runWithDatabase(env, false, async ({ config, sql, logger }) => {
    for (const flag of ["from", "to"] as const) {
      const value = values[flag];
      if (value !== undefined && !isIsoDate(value)) {
        throw new AppError("invalid_body", `--${flag} must be a date in YYYY-MM-DD form`);
      }
    }
    const { metric, window } = reportWindow(config, values, systemClock.now());
    const report = await buildUnitCostReport(
      { config, sql, clock: systemClock, logger },
      { metric: metric.key, window },
    );
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
      return EXIT_OK;
    }
    const html = renderReportPage(report);
    const out = values.out ?? `report-${metric.key}-${window.from}-${window.to}.html`;
    await Deno.writeTextFile(out, html);
    console.log(formatTextChart(report));
    console.log(
      `\nWrote ${out} (${new TextEncoder().encode(html).length.toLocaleString("en-US")} bytes)`,
    );
    return EXIT_OK;
  });
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, (name) => Deno.env.get(name)));
}
