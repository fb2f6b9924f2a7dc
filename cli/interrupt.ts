/**
 * Ctrl-C (SIGINT) and SIGTERM for long runs: the first asks the engine to stop before its next
 * batch, so the run is recorded as `interrupted` and the next run can start at once; a second one
 * exits immediately (the run's lease then frees the lock within 45 s).
 *
 * @module
 */
import { EXIT_INTERRUPTED } from "./exit-code.ts";

const SIGNALS: Deno.Signal[] = ["SIGINT", "SIGTERM"];

/** An abort signal tied to SIGINT/SIGTERM, and the way to stop listening. */
export interface Interruption {
  signal: AbortSignal;
  dispose(): void;
}

/**
 * Starts listening for SIGINT and SIGTERM.
 *
 * @example
 * ```ts
 * const interruption = interruptOnSignals();
 * try { await runSync({ ...deps, signal: interruption.signal }, request); } finally { interruption.dispose(); }
 * ```
 */
export function interruptOnSignals(): Interruption {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) Deno.exit(EXIT_INTERRUPTED);
    console.error("\ninterrupting after the current batch; press Ctrl-C again to stop at once");
    controller.abort();
  };
  for (const name of SIGNALS) Deno.addSignalListener(name, handler);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of SIGNALS) Deno.removeSignalListener(name, handler);
    },
  };
}
