/**
 * The exit codes the CLIs use: 0 done, 1 the sync failed (retrying later may help), 2 the request
 * or the configuration must be fixed first, 130 interrupted.
 *
 * @module
 */

/** Exit code for a successful sync. */
export const EXIT_OK = 0;
/** Exit code when the sync failed: Vantage, the database, bad source rows, another run. */
export const EXIT_FAILED = 1;
/** Exit code when the user must fix the request or the configuration. */
export const EXIT_USAGE = 2;
/** Exit code when the run was interrupted (Ctrl-C), as shells report SIGINT. */
export const EXIT_INTERRUPTED = 130;

/**
 * The exit code for an outcome, from the HTTP status and error code of the contract.
 *
 * @example
 * ```ts
 * exitCodeFor(500, "misconfigured"); // 2
 * exitCodeFor(409, "sync_already_running"); // 1
 * ```
 */
export function exitCodeFor(status: number, code?: string): number {
  if (status >= 200 && status < 300) return EXIT_OK;
  if (code === "interrupted") return EXIT_INTERRUPTED;
  if (code === "misconfigured") return EXIT_USAGE;
  if (status >= 400 && status < 500 && status !== 409 && status !== 422) return EXIT_USAGE;
  return EXIT_FAILED;
}
