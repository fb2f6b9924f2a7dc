/**
 * `deno task sync`: runs the sync engine from a terminal, against the database and Vantage named by
 * the environment (the same variables as the function). Exit code 0 on success, 1 when the sync
 * failed, 2 when the request or configuration is invalid.
 *
 * @module
 */
import { describeIssues, syncRequestSchema } from "../functions/_shared/sync-request.ts";
import { runSync } from "../functions/_shared/sync.ts";
import { runWithDatabase, usageError } from "./command.ts";
import { parseSyncFlags, SYNC_USAGE } from "./sync-flags.ts";
import { EXIT_OK, EXIT_USAGE, exitCodeFor } from "./exit-code.ts";
import { interruptOnSignals } from "./interrupt.ts";
import { formatSyncSummary } from "./summary.ts";

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
    return usageError(error, SYNC_USAGE);
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
  const showProgress = !flags.json && Deno.stderr.isTerminal();
  const interruption = interruptOnSignals();
  try {
    return await runWithDatabase(env, flags.json, async ({ config, sql, logger }) => {
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
    });
  } finally {
    interruption.dispose();
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, (name) => Deno.env.get(name)));
}
