/**
 * The sync flags shared by `deno task sync` (engine in process) and `deno task invoke` (through the
 * deployed function): `--date`, `--from`/`--to`, `--metric`, `--dry-run`, `--force`, `--json`.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** Parsed command line: the request body to send, and how to print. */
export interface SyncFlags {
  body: Record<string, unknown>;
  json: boolean;
  help: boolean;
}

/** Usage text of the sync flags. */
export const SYNC_USAGE = `Options:
  --date YYYY-MM-DD         sync one day (today is allowed explicitly; future days are refused)
  --from YYYY-MM-DD --to YYYY-MM-DD
                            sync a range, both days included (a backfill)
  --metric KEY              only this metric (repeat, or comma-separate, for several)
  --dry-run                 show what would be sent; send and record nothing
  --force                   resend values even when Vantage already has them
  --json                    print the result as JSON instead of a summary
  --help                    this text
Without dates: the last lookbackDays complete days of each metric, ending yesterday.`;

/**
 * Parses sync flags into the `POST /sync` body; throws a TypeError with a readable message on
 * unknown flags or missing values (the body itself is validated by the engine's schema).
 *
 * @example
 * ```ts
 * parseSyncFlags(["--from", "2026-01-01", "--to", "2026-01-31", "--dry-run"]);
 * // { body: { from: "2026-01-01", to: "2026-01-31", dryRun: true, force: false }, json: false, help: false }
 * ```
 */
export function parseSyncFlags(args: string[]): SyncFlags {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      date: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      metric: { type: "string", multiple: true },
      "dry-run": { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  const metrics = metricKeys(values.metric);
  const body: Record<string, unknown> = { dryRun: values["dry-run"], force: values.force };
  if (values.date !== undefined) body.date = values.date;
  if (values.from !== undefined) body.from = values.from;
  if (values.to !== undefined) body.to = values.to;
  if (metrics) body.metrics = metrics;
  return { body, json: values.json, help: values.help };
}

/**
 * The metric keys of repeated or comma-separated `--metric` flags; undefined when none is given.
 *
 * @example
 * ```ts
 * metricKeys(["orders,revenue", " active_customers "]); // ["orders", "revenue", "active_customers"]
 * ```
 */
export function metricKeys(flags: string[] | undefined): string[] | undefined {
  const keys = flags?.flatMap((value) => value.split(",")).map((key) => key.trim()).filter(Boolean);
  return keys && keys.length > 0 ? keys : undefined;
}
