/**
 * Running the command-line tools that manage PostgreSQL (initdb, pg_ctl, the Supabase CLI):
 * output captured, never inherited, so nothing of theirs reaches the caller's stdout.
 *
 * @module
 */

/** The operating-system user that owns PostgreSQL clusters when this runs as root. */
export const POSTGRES_OS_USER = "postgres";

/** What a finished command left: its exit status and its decoded output. */
export interface RunResult {
  /** Whether the command exited with status 0. */
  success: boolean;
  /** The exit status (a killed command reports 128 + the signal number). */
  code: number;
  /** Everything the command wrote to stdout. */
  stdout: string;
  /** Everything the command wrote to stderr. */
  stderr: string;
}

/** Options of {@linkcode run}. */
export interface RunOptions {
  /** Working folder of the command; default the current one. */
  cwd?: string;
  /**
   * Run as the `postgres` OS user when the current user is root, since PostgreSQL refuses to run
   * as root. The working folder is then `/`, which that user can always enter.
   */
  asPostgresUser?: boolean;
  /** Kill the command after this many milliseconds and reject with an error that says so. */
  timeoutMs?: number;
}

/** Whether this process runs as root (always false where the OS has no user ids). */
export function isRoot(): boolean {
  return Deno.uid() === 0;
}

/**
 * Runs a command to completion with stdin closed and stdout/stderr captured.
 *
 * @throws Error naming the command when it is not installed or runs past `timeoutMs`.
 *
 * @example
 * ```ts
 * const { stdout } = await run("pg_config", ["--bindir"]);
 * ```
 */
export async function run(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const asOther = options.asPostgresUser === true && isRoot();
  const controller = new AbortController();
  const timer = options.timeoutMs === undefined
    ? undefined
    : setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const output = await new Deno.Command(asOther ? "runuser" : command, {
      args: asOther ? ["-u", POSTGRES_OS_USER, "--", command, ...args] : args,
      cwd: asOther ? "/" : options.cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: controller.signal,
    }).output();
    if (controller.signal.aborted) {
      throw new Error(`${command} did not finish within ${options.timeoutMs} ms and was stopped`);
    }
    const decoder = new TextDecoder();
    return {
      success: output.success,
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`${asOther ? "runuser" : command} is not installed (not found on PATH)`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
