/**
 * Serves an emulator over real HTTP on 127.0.0.1.
 *
 * @module
 */

import {
  createVantageEmulator,
  type VantageEmulator,
  type VantageEmulatorOptions,
} from "./emulator.ts";
import { EmulatedNetworkError } from "./faults.ts";

/**
 * Where and how to serve.
 *
 * @example
 * ```ts
 * await serveVantageEmulator({ port: 54330, seed: 2 });
 * ```
 */
export interface ServeVantageEmulatorOptions extends VantageEmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Only loopback: the emulator is for this machine. */
  hostname?: "127.0.0.1";
}

/**
 * A served emulator.
 *
 * @example
 * ```ts
 * const { url, emulator, close } = await serveVantageEmulator();
 * ```
 */
export interface ServedVantageEmulator {
  /** The API base URL, e.g. `http://127.0.0.1:54330/v2` (use as `VANTAGE_API_URL`). */
  url: string;
  /** The emulator behind the server, for knobs and assertions. */
  emulator: VantageEmulator;
  /** Stops the server. */
  close(): Promise<void>;
}

// A dropped request must look like a broken connection to an out-of-process client. Deno.serve
// cannot reset a socket, so the response promises more bytes than it sends and the connection
// closes early: the client's body read fails with a network error.
const PROMISED_BYTES = "1024";

/**
 * Starts an emulator and an HTTP server for it; resolves once it listens.
 *
 * @example
 * ```ts
 * const served = await serveVantageEmulator();
 * await fetch(`${served.url}/ping`, { headers: { authorization: "Bearer vntg_tkn_emulator" } });
 * await served.close();
 * ```
 */
export function serveVantageEmulator(
  options: ServeVantageEmulatorOptions = {},
): Promise<ServedVantageEmulator> {
  const emulator = createVantageEmulator(options);
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: options.hostname ?? "127.0.0.1",
      port: options.port ?? 0,
      onListen: ({ port }) =>
        resolve({
          url: `http://127.0.0.1:${port}/v2`,
          emulator,
          close: () => server.shutdown(),
        }),
    }, async (request) => {
      try {
        return await emulator.fetch(request);
      } catch (error) {
        if (!(error instanceof EmulatedNetworkError)) throw error;
        // A stream body, so that Deno keeps the promised length instead of computing its own.
        const body = ReadableStream.from([new TextEncoder().encode("{")]);
        return new Response(body, { headers: { "content-length": PROMISED_BYTES } });
      }
    });
  });
}
