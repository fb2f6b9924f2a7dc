/**
 * What every database-backed command shares: configuration from the environment, JSON log lines on
 * stderr (stdout stays the command's output), a connection that is always closed, and one way of
 * turning a failure into a message and an exit code.
 *
 * @module
 */
import {
  type Config,
  type Environment,
  readConfig,
  requireSetting,
} from "../functions/_shared/config.ts";
import { connectDatabase, type Sql } from "../functions/_shared/database.ts";
import { toAppError } from "../functions/_shared/errors.ts";
import { createLogger, type Logger } from "../functions/_shared/log.ts";
import { EXIT_USAGE, exitCodeFor } from "./exit-code.ts";

/** A terminal run has no edge wall clock: allow long backfills unless a deadline is set. */
export const CLI_DEFAULT_DEADLINE_MS = 30 * 60_000;

/** What a command's work gets. */
export interface CommandContext {
  config: Config;
  env: Environment;
  logger: Logger;
  sql: Sql;
}

/**
 * Runs `work` with the configuration, a stderr logger and a database connection; a failure is
 * printed (the contract's JSON error body with `json`, else `error: code: message` on stderr) and
 * becomes the exit code.
 *
 * @example
 * ```ts
 * return await runWithDatabase(env, flags.json, async ({ config, sql, logger }) => {
 *   console.log(await something(config, sql));
 *   return EXIT_OK;
 * });
 * ```
 */
export async function runWithDatabase(
  env: Environment,
  json: boolean,
  work: (context: CommandContext) => Promise<number>,
): Promise<number> {
  const config = readConfig(env);
  if (!env("UNIT_ECONOMICS_RUN_DEADLINE_MS")) config.runDeadlineMs = CLI_DEFAULT_DEADLINE_MS;
  const logger = createLogger({
    secrets: config.secrets,
    sink: (_level, line) => console.error(line),
  });
  let sql: Sql | undefined;
  try {
    requireSetting(config, "UNIT_ECONOMICS_DB_URL");
    sql = connectDatabase(config.databaseUrl!);
    return await work({ config, env, logger, sql });
  } catch (error) {
    const failure = toAppError(error);
    if (failure.code === "internal_error") {
      logger.error("unexpected error", { error: String(error), stack: (error as Error).stack });
    }
    if (json) console.log(JSON.stringify(failure.toBody(), null, 2));
    else console.error(`error: ${failure.code}: ${failure.message}`);
    return exitCodeFor(failure.status, failure.code);
  } finally {
    await sql?.end({ timeout: 5 });
  }
}

/**
 * Prints a usage error with the command's usage text; resolves the exit code for it.
 *
 * @example
 * ```ts
 * try { flags = parse(args); } catch (error) { return usageError(error, USAGE); }
 * ```
 */
export function usageError(error: unknown, usage: string): number {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  return EXIT_USAGE;
}
