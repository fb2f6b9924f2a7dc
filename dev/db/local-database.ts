/**
 * A local PostgreSQL set up as a Supabase project's database: the cluster (pg_cron preloaded),
 * the pg_net and Vault stand-ins, the Supabase roles, the migrations applied by the Supabase CLI
 * and the seed. `deno task db:start` and the tests' pg_cron cluster both come from here.
 *
 * @module
 */
import postgres from "postgres";
import { ensureCluster, stopCluster } from "./cluster.ts";
import type { ClusterLocation } from "./local.ts";
import { applyMigrations, loadSeed } from "./migrate.ts";
import { installStandInExtensions, prepareSupabaseDatabase } from "./supabase-compat.ts";

/** Options of {@linkcode startLocalDatabase}. */
export interface LocalDatabaseOptions {
  /**
   * Start from nothing: stop a server running in the data folder, delete the folder and the log
   * file, and initdb again. Default false (reuse what is there).
   */
  fresh?: boolean;
  /** Trade crash safety for speed (see `ClusterOptions.fast`); for throwaway clusters only. */
  fast?: boolean;
  /** Where progress messages go, one line each; default nowhere. */
  log?: (message: string) => void;
}

/** A running local database, ready for the function and for pg_cron. */
export interface LocalDatabase extends ClusterLocation {
  /** Superuser URL of its `postgres` database, e.g. `postgresql://postgres@127.0.0.1:54322/postgres`. */
  url: string;
}

/**
 * Starts (or reuses) the cluster at `location` and brings its `postgres` database to what a
 * Supabase project has: the stand-in extensions installed into the server, the Supabase roles and
 * Vault, the migrations that it lacks (`supabase db push`), and the seed unless it already ran.
 * The server runs on, detached, after this returns.
 *
 * @throws ClusterError (from dev/db/cluster.ts) naming what is missing or where to look; Error
 * when the Supabase CLI or the seed fails (the CLI's output goes to stderr first).
 *
 * @example
 * ```ts
 * const { url } = await startLocalDatabase(clusterLocation(".local/postgres", 54322), {
 *   log: (message) => console.error(message),
 * });
 * ```
 */
export async function startLocalDatabase(
  location: ClusterLocation,
  options: LocalDatabaseOptions = {},
): Promise<LocalDatabase> {
  const log = options.log ?? (() => {});
  const { dataDir, logFile, port } = location;
  if (options.fresh === true) {
    await stopCluster(dataDir);
    await Deno.remove(dataDir, { recursive: true }).catch(ignoreNotFound);
    await Deno.remove(logFile).catch(ignoreNotFound);
  }
  log(`PostgreSQL in ${dataDir} on port ${port} (log: ${logFile})`);
  const { url } = await ensureCluster({ dataDir, port, logFile, fast: options.fast });
  const { copied } = await installStandInExtensions();
  if (copied.length > 0) log(`installed the pg_net and Vault stand-ins: ${copied.join(", ")}`);
  log("preparing the Supabase roles, schemas and Vault");
  await prepareSupabaseDatabase(url);
  log("applying migrations (supabase db push)");
  await applyMigrations(url);
  if (await seedLoaded(url)) {
    log("seed already loaded");
  } else {
    log("loading supabase/seed.sql");
    await loadSeed(url);
  }
  return { url, dataDir, logFile, port };
}

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

function ignoreNotFound(error: unknown): void {
  if (!(error instanceof Deno.errors.NotFound)) throw error;
}
