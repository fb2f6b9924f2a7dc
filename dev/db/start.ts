/**
 * `deno task db:start`: starts (or reuses) the local PostgreSQL cluster, installs the pg_net and
 * Vault stand-ins, prepares the Supabase roles and Vault, applies the migrations and, the first
 * time only, the seed (see dev/db/local-database.ts). Progress goes to stderr; the last line of
 * stdout is the superuser URL, e.g. `postgresql://postgres@127.0.0.1:54322/postgres`. The server
 * runs on, detached, after this returns; its output is in the log file. Running it again is safe.
 *
 * Environment: UNIT_ECONOMICS_DB_PORT (default 54322), UNIT_ECONOMICS_DB_DIR (default
 * `.local/postgres`, holding `data/` and `postgres.log`), PG_BIN_DIR (server binaries).
 *
 * @module
 */
import { localCluster } from "./local.ts";
import { startLocalDatabase } from "./local-database.ts";

if (import.meta.main) {
  try {
    const { url } = await startLocalDatabase(localCluster(), {
      log: (message) => console.error(`db:start: ${message}`),
    });
    console.log(url);
  } catch (error) {
    console.error(`db:start: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
