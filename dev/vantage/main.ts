/**
 * CLI: serves the Vantage emulator until interrupted.
 *
 * ```sh
 * deno run -A dev/vantage/main.ts [--port 54330]
 * ```
 *
 * The last two lines of stdout are `VANTAGE_API_URL=…` and `VANTAGE_API_TOKEN=…`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { DEFAULT_EMULATOR_TOKEN } from "./emulator.ts";
import { serveVantageEmulator } from "./serve.ts";

/** The port the emulator listens on unless `--port` says otherwise. */
const DEFAULT_PORT = 54330;

/**
 * Parses the arguments, serves, prints the URL and token, and stops on SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * await main(["--port", "0"]);
 * ```
 */
export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: "string" } } });
  const port = Number(values.port ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer from 0 to 65535, got ${values.port}`);
    Deno.exit(2);
  }
  const served = await serveVantageEmulator({ port });
  const stop = async () => {
    await served.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  console.log(`Vantage emulator listening (knobs under ${new URL("/_emulator/", served.url)})`);
  console.log(`VANTAGE_API_URL=${served.url}`);
  console.log(`VANTAGE_API_TOKEN=${DEFAULT_EMULATOR_TOKEN}`);
}

if (import.meta.main) await main(Deno.args);
