/**
 * `deno task apply`: computes the plan, prints it, applies it to Vantage and records each metric's
 * token, printing each step as it is done. Never deletes a Vantage business metric without
 * `--prune`. Exit code 0 when applied (or nothing to do), 1 when Vantage or the database failed
 * (what was done stays recorded: run it again), 2 when flags or configuration are wrong.
 *
 * @module
 */
import { applyPlan } from "../functions/_shared/plan/apply.ts";
import { hasChanges, planChanges } from "../functions/_shared/plan/plan.ts";
import { runWithDatabase, usageError } from "./command.ts";
import { EXIT_OK } from "./exit-code.ts";
import { parsePlanFlags, type PlanFlags } from "./plan.ts";
import { formatApplyStep, formatApplySummary, formatPlan } from "./plan-format.ts";

/** Usage text of `deno task apply`. */
export const APPLY_USAGE = `Usage: deno task apply [options]

Options:
  --prune   also delete the Vantage metrics whose declaration was removed (only ones apply created
            or recorded; never others)
  --json    print { plan, applied } as JSON instead of the readable plan and steps
  --help    this text`;

/**
 * Runs the CLI with `args` and the environment; resolves with the exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await main(["--prune"], (name) => Deno.env.get(name)));
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
    return usageError(error, APPLY_USAGE);
  }
  if (flags.help) {
    console.log(APPLY_USAGE);
    return EXIT_OK;
  }
  return await runWithDatabase(env, flags.json, async (deps) => {
    const plan = await planChanges(deps, { prune: flags.prune });
    if (!flags.json) console.log(formatPlan(plan));
    if (!hasChanges(plan)) {
      console.log(
        flags.json ? JSON.stringify({ plan, applied: null }, null, 2) : "\nNothing to apply.",
      );
      return EXIT_OK;
    }
    if (!flags.json) console.log("\nApplying:");
    const applied = await applyPlan({
      ...deps,
      onStep: flags.json ? undefined : (step) => console.log(formatApplyStep(step)),
    }, plan);
    console.log(
      flags.json ? JSON.stringify({ plan, applied }, null, 2) : `\n${formatApplySummary(applied)}`,
    );
    return EXIT_OK;
  });
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, (name) => Deno.env.get(name)));
}
