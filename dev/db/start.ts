/**
 * `deno task db:start`: starts (or reuses) the local PostgreSQL cluster, applies the migrations
 * and, the first time only, the seed. Progress goes to stderr; the last line of stdout is the
 * superuser URL, e.g. `postgresql://postgres@127.0.0.1:54322/postgres`. The server runs on,
 * detached, after this returns; its output is in the log file. Running it again is safe.
 *
 * Environment: UNIT_ECONOMICS_DB_PORT (default 54322), UNIT_ECONOMICS_DB_DIR (default
 * `.local/postgres`, holding `data/` and `postgres.log`), PG_BIN_DIR (server binaries).
 *
 * @module
 */
import postgres from "postgres";
import { ensureCluster } from "./cluster.ts";
import { localCluster } from "./local.ts";
import { applyMigrations, loadSeed } from "./migrate.ts";

/** Whether the seed already ran: it creates `public.orders`. */
async function seedLoaded(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select to_regclass('public.orders') is not null as present`;
    return row.present;
  } finally {
    await sql.end();
  }
}

async function main(): Promise<void> {
  const { dataDir, logFile, port } = localCluster();
  console.error(`db:start: PostgreSQL in ${dataDir} on port ${port} (log: ${logFile})`);
  const { url } = await ensureCluster({ dataDir, port, logFile });
  console.error("db:start: applying migrations (supabase db push)");
  await applyMigrations(url);
  if (await seedLoaded(url)) {
    console.error("db:start: seed already loaded");
  } else {
    console.error("db:start: loading supabase/seed.sql");
    await loadSeed(url);
  }
  console.log(url);
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    console.error(`db:start: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
