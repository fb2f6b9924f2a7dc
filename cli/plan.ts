/**
 * `deno task plan`: shows what `deno task apply` would change in Vantage, like `terraform plan`,
 * and changes nothing. Reads the same environment as `deno task sync`. Exit code 0 (also when
 * there are changes), 1 when Vantage or the database failed, 2 when flags or configuration are wrong.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { planChanges } from "../functions/_shared/plan/plan.ts";
import { runWithDatabase, usageError } from "./command.ts";
import { EXIT_OK } from "./exit-code.ts";
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
    return usageError(error, PLAN_USAGE);
  }
  if (flags.help) {
    console.log(PLAN_USAGE);
    return EXIT_OK;
  }
  return await runWithDatabase(env, flags.json, async (deps) => {
    const plan = await planChanges(deps, { prune: flags.prune });
    console.log(flags.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
    return EXIT_OK;
  });
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, (name) => Deno.env.get(name)));
}
