/**
 * `deno task sync`: runs the sync engine from a terminal, against the database and Vantage named by
 * the environment (the same variables as the function). Exit code 0 on success, 1 when the sync
 * failed, 2 when the request or configuration is invalid.
 *
 * @module
 */
import { readConfig, requireSetting } from "../functions/_shared/config.ts";
import { connectDatabase, type Sql } from "../functions/_shared/database.ts";
import { toAppError } from "../functions/_shared/errors.ts";
import { createLogger } from "../functions/_shared/log.ts";
import { describeIssues, syncRequestSchema } from "../functions/_shared/sync-request.ts";
import { runSync } from "../functions/_shared/sync.ts";
import { parseSyncFlags, SYNC_USAGE } from "./sync-flags.ts";
import { EXIT_OK, EXIT_USAGE, exitCodeFor } from "./exit-code.ts";
import { interruptOnSignals } from "./interrupt.ts";
import { formatSyncSummary } from "./summary.ts";

/** A terminal run has no edge wall clock: allow long backfills unless a deadline is set. */
export const CLI_DEFAULT_DEADLINE_MS = 30 * 60_000;

/**
 * Runs the CLI with `args` and the environment; resolves with the exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await main(["--dry-run"], (name) => Deno.env.get(name)));
 * ```
 */
export async function main(
  args: string[],
  env: (name: string) => string | undefined,
): Promise<number> {
  let flags;
  try {
    flags = parseSyncFlags(args);
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${SYNC_USAGE}`);
    return EXIT_USAGE;
  }
  if (flags.help) {
    console.log(`Usage: deno task sync [options]\n\n${SYNC_USAGE}`);
    return EXIT_OK;
  }
  const parsed = syncRequestSchema.safeParse({ ...flags.body, trigger: "cli" });
  if (!parsed.success) {
    console.error(`error: invalid_body: ${describeIssues(parsed.error).message}`);
    return EXIT_USAGE;
  }
  const config = readConfig(env);
  if (!env("UNIT_ECONOMICS_RUN_DEADLINE_MS")) config.runDeadlineMs = CLI_DEFAULT_DEADLINE_MS;
  // Log lines go to stderr so that stdout stays the summary (or JSON) alone.
  const logger = createLogger({
    secrets: config.secrets,
    sink: (_level, line) => console.error(line),
  });
  const showProgress = !flags.json && Deno.stderr.isTerminal();
  const interruption = interruptOnSignals();
  let sql: Sql | undefined;
  try {
    requireSetting(config, "UNIT_ECONOMICS_DB_URL");
    sql = connectDatabase(config.databaseUrl!);
    const result = await runSync({
      config,
      sql,
      logger,
      signal: interruption.signal,
      onProgress: showProgress
        ? ({ metric, sent, toSend }) =>
          Deno.stderr.writeSync(
            new TextEncoder().encode(`\r${metric}: ${sent}/${toSend} values sent`),
          )
        : undefined,
    }, parsed.data);
    if (showProgress) console.error("");
    console.log(flags.json ? JSON.stringify(result, null, 2) : formatSyncSummary(result));
    return exitCodeFor(result.httpStatus, result.error?.code);
  } catch (error) {
    const failure = toAppError(error);
    if (flags.json) console.log(JSON.stringify(failure.toBody(), null, 2));
    else console.error(`error: ${failure.code}: ${failure.message}`);
    return exitCodeFor(failure.status, failure.code);
  } finally {
    interruption.dispose();
    await sql?.end({ timeout: 5 });
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, (name) => Deno.env.get(name)));
}
