/**
 * `deno task serve` as a subprocess, for tests that need the function served the way a developer
 * (and pg_net, and supabase-js) reaches it.
 *
 * @module
 */
import { freePort } from "./database.ts";

/** A running `deno task serve`. */
export interface ServedFunction {
  /** Project-style base URL, e.g. `http://127.0.0.1:PORT` (what SUPABASE_URL would be). */
  projectUrl: string;
  /** The function's base URL, `…/functions/v1/unit-economics`. */
  functionUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts `deno task serve` with `env` on a free port and waits until `/health` answers.
 *
 * @example
 * ```ts
 * const served = await startServe({ UNIT_ECONOMICS_DB_URL: url });
 * try { await fetch(`${served.functionUrl}/health`); } finally { await served.stop(); }
 * ```
 */
export async function startServe(env: Record<string, string>): Promise<ServedFunction> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "serve"],
    cwd: new URL("../..", import.meta.url).pathname,
    env: { ...env, PORT: String(port) },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const projectUrl = `http://127.0.0.1:${port}`;
  const functionUrl = `${projectUrl}/functions/v1/unit-economics`;
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await child.status;
  };
  for (let tries = 0; tries < 150; tries++) {
    const health = await fetch(`${functionUrl}/health`).catch(() => undefined);
    if (health) {
      await health.body?.cancel();
      if (health.ok) return { projectUrl, functionUrl, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error("deno task serve did not answer /health within 15 s");
}
