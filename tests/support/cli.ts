/**
 * The CLIs as a user runs them: a subprocess with nothing in its environment but what it is
 * given, its output captured.
 *
 * @module
 */
import { DEFAULT_EMULATOR_TOKEN } from "../../dev/vantage/emulator.ts";
import { createEmulatorMetrics, type TestStack } from "./stack.ts";

/** What a CLI run printed and how it exited. */
export interface CliOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `deno run -A <module> …args` with exactly `env`; `module` is repo-relative (`cli/sync.ts`).
 *
 * @example
 * ```ts
 * const { code, stdout } = await runCliModule("cli/sync.ts", ["--json"], stackCliEnv(stack));
 * ```
 */
export async function runCliModule(
  module: string,
  args: string[],
  env: Record<string, string>,
): Promise<CliOutput> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(`../../${module}`, import.meta.url).pathname, ...args],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/**
 * The environment that points a CLI at a test stack: the database as the function's role, the
 * emulator, and every declared metric bound to its emulator token; `overrides` last ("" unsets).
 *
 * @example
 * ```ts
 * await runCliModule("cli/verify.ts", [], stackCliEnv(stack, { VANTAGE_API_TOKEN: "" }));
 * ```
 */
export function stackCliEnv(
  stack: TestStack,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    UNIT_ECONOMICS_DB_URL: stack.db.functionUrl,
    VANTAGE_API_URL: stack.vantage.url,
    VANTAGE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
    ...createEmulatorMetrics(stack.vantage.emulator),
    ...overrides,
  };
}
