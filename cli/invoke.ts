/**
 * `deno task invoke`: an ad-hoc sync through the deployed (or locally served) function, with
 * supabase-js's `functions.invoke`, taking the same flags as `deno task sync`. Needs `SUPABASE_URL`
 * (the project URL, or `http://127.0.0.1:54321` for `deno task serve`) and
 * `UNIT_ECONOMICS_SYNC_SECRET`; `SUPABASE_ANON_KEY` or `SUPABASE_PUBLISHABLE_KEY` is sent as the
 * `apikey` header when set.
 *
 * @module
 */
import {
  createClient,
  FunctionsFetchError,
  FunctionsHttpError,
  FunctionsRelayError,
} from "@supabase/supabase-js";
import { FUNCTION_SLUG } from "../functions/unit-economics/app.ts";
import type { SyncResult } from "../functions/_shared/sync.ts";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, exitCodeFor } from "./exit-code.ts";
import { parseSyncFlags, SYNC_USAGE } from "./sync-flags.ts";
import { formatSyncSummary } from "./summary.ts";

// supabase-js insists on a key; the function itself checks only the sync secret (verify_jwt off).
const PLACEHOLDER_KEY = "unit-economics-invoke";

/**
 * Runs the command with `args` and the environment; resolves with the exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await main(["--date", "2026-11-27"], (name) => Deno.env.get(name)));
 * ```
 */
export async function main(
  args: string[],
  env: (name: string) => string | undefined,
): Promise<number> {
  let flags;
  try {
    flags = parseSyncFlags(args);
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${SYNC_USAGE}`);
    return EXIT_USAGE;
  }
  if (flags.help) {
    console.log(`Usage: deno task invoke [options]\n\n${SYNC_USAGE}`);
    return EXIT_OK;
  }
  const url = env("SUPABASE_URL");
  const secret = env("UNIT_ECONOMICS_SYNC_SECRET");
  for (const [name, value] of [["SUPABASE_URL", url], ["UNIT_ECONOMICS_SYNC_SECRET", secret]]) {
    if (!value) {
      console.error(`error: misconfigured: ${name} is not set`);
      return EXIT_USAGE;
    }
  }
  const key = env("SUPABASE_ANON_KEY") || env("SUPABASE_PUBLISHABLE_KEY") || PLACEHOLDER_KEY;
  const client = createClient(url!, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  const { data, error } = await client.functions.invoke(`${FUNCTION_SLUG}/sync`, {
    method: "POST",
    body: { ...flags.body, trigger: "http" },
    headers: { Authorization: `Bearer ${secret}` },
  });

  let status = 200;
  let body: unknown = data;
  if (error instanceof FunctionsHttpError) {
    const response = error.context as Response;
    status = response.status;
    body = await response.json().catch(() => ({
      error: { code: "invalid_response", message: `HTTP ${status}` },
    }));
  } else if (error instanceof FunctionsFetchError || error instanceof FunctionsRelayError) {
    console.error(`error: could not reach ${url}/functions/v1/${FUNCTION_SLUG}: ${error.message}`);
    return EXIT_FAILED;
  } else if (error) {
    console.error(`error: ${error.message}`);
    return EXIT_FAILED;
  }
  print(body, flags.json);
  const code = (body as { error?: { code?: string } } | null)?.error?.code;
  return exitCodeFor(status, code);
}

function print(body: unknown, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(body, null, 2));
    return;
  }
  const result = body as Partial<SyncResult> & { error?: { code: string; message: string } };
  if (typeof result?.runId === "number") console.log(formatSyncSummary(result as SyncResult));
  else if (result?.error) console.error(`error: ${result.error.code}: ${result.error.message}`);
  else console.log(JSON.stringify(body));
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, (name) => Deno.env.get(name)));
}
