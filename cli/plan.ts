/**
 * `deno task plan`: shows what `deno task apply` would change in Vantage, like `terraform plan`,
 * and changes nothing. Reads the same environment as `deno task sync`. Exit code 0 (also when
 * there are changes), 1 when Vantage or the database failed, 2 when flags or configuration are wrong.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { readConfig, requireSetting } from "../functions/_shared/config.ts";
import { connectDatabase, type Sql } from "../functions/_shared/database.ts";
import { toAppError } from "../functions/_shared/errors.ts";
import { createLogger } from "../functions/_shared/log.ts";
import type { PlanDependencies } from "../functions/_shared/plan/context.ts";
import { planChanges } from "../functions/_shared/plan/plan.ts";
import { EXIT_OK, EXIT_USAGE, exitCodeFor } from "./exit-code.ts";
import { formatPlan } from "./plan-format.ts";

/** Parsed flags of `plan` and `apply`. */
export interface PlanFlags {
  prune: boolean;
  json: boolean;
  help: boolean;
}

/** Usage text of `deno task plan`. */
export const PLAN_USAGE = `Usage: deno task plan [options]

Options:
  --prune   plan as \`apply --prune\` would: delete the Vantage metrics of removed declarations
  --json    print the plan as JSON
  --help    this text`;

/**
 * Parses `--prune`, `--json` and `--help`; throws a TypeError naming an unknown flag.
 *
 * @example
 * ```ts
 * parsePlanFlags(["--prune"]); // { prune: true, json: false, help: false }
 * ```
 */
export function parsePlanFlags(args: string[]): PlanFlags {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      prune: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  return { prune: values.prune, json: values.json, help: values.help };
}

/**
 * Runs `work` with plan dependencies read from `env`; any failure is printed (as the contract's
 * JSON error body with `json`) and becomes the exit code.
 *
 * @example
 * ```ts
 * const code = await withPlanDependencies(env, false, async (deps) => {
 *   console.log(formatPlan(await planChanges(deps, { prune: false })));
 *   return EXIT_OK;
 * });
 * ```
 */
export async function withPlanDependencies(
  env: (name: string) => string | undefined,
  json: boolean,
  work: (deps: PlanDependencies) => Promise<number>,
): Promise<number> {
  const config = readConfig(env);
  // Log lines go to stderr so that stdout stays the plan (or JSON) alone.
  const logger = createLogger({
    secrets: config.secrets,
    sink: (_level, line) => console.error(line),
  });
  let sql: Sql | undefined;
  try {
    requireSetting(config, "UNIT_ECONOMICS_DB_URL");
    sql = connectDatabase(config.databaseUrl!);
    return await work({ config, env, sql, logger });
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
 * Runs the CLI with `args` and the environment; resolves with the exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await main(["--json"], (name) => Deno.env.get(name)));
 * ```
 */
export async function main(
  args: string[],
  env: (name: string) => string | undefined,
): Promise<number> {
  let flags: PlanFlags;
  try {
    flags = parsePlanFlags(args);
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${PLAN_USAGE}`);
    return EXIT_USAGE;
  }
  if (flags.help) {
    console.log(PLAN_USAGE);
    return EXIT_OK;
  }
  return await withPlanDependencies(env, flags.json, async (deps) => {
    const plan = await planChanges(deps, { prune: flags.prune });
    console.log(flags.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
    return EXIT_OK;
  });
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, (name) => Deno.env.get(name)));
}
