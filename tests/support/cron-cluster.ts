/**
 * A fresh PostgreSQL cluster of its own for tests that need pg_cron to really run jobs (in the
 * `postgres` database, as on Supabase) or that run pgTAP: made the way `deno task db:start` makes
 * the developer's (dev/db/local-database.ts), from an empty folder each time.
 *
 * Folder `.local/postgres-cron-test`, port UNIT_ECONOMICS_CRON_TEST_DB_PORT (default 54331): one
 * such cluster at a time, so tests that use it must not run concurrently with each other.
 *
 * @module
 */
import postgres from "postgres";
import { stopCluster } from "../../dev/db/cluster.ts";
import { clusterLocation, envPort } from "../../dev/db/local.ts";
import { startLocalDatabase } from "../../dev/db/local-database.ts";

/** Folder of the pg_cron test cluster (data/ and postgres.log), repo-relative. */
const CRON_CLUSTER_DIR = Deno.env.get("UNIT_ECONOMICS_CRON_TEST_DB_DIR") ||
  ".local/postgres-cron-test";
/** Port of the pg_cron test cluster unless UNIT_ECONOMICS_CRON_TEST_DB_PORT says otherwise. */
const DEFAULT_CRON_TEST_PORT = 54331;

/** A running pg_cron test cluster. */
export interface CronCluster {
  /** Superuser URL of its `postgres` database, where pg_cron runs the jobs. */
  url: string;
  /** Superuser connection to it (at most 4 sessions); `stop()` closes it. */
  sql: postgres.Sql;
  /** Closes `sql` and stops the server (its folder stays, for the log; the next start wipes it). */
  stop(): Promise<void>;
}

/**
 * Starts a new cluster from nothing: initdb, fast settings, pg_cron preloaded with
 * `cron.database_name = 'postgres'` and `cron.host = '127.0.0.1'`, the Supabase roles and Vault,
 * the pg_net stand-in, the migrations applied by the Supabase CLI, the seed; pgTAP can be created
 * (`create extension if not exists pgtap`). Takes about 2 s.
 *
 * @throws Error naming what is missing (PostgreSQL, a package, the stand-ins) or where to look.
 *
 * @example
 * ```ts
 * const cluster = await startCronCluster();
 * try {
 *   const [job] = await cluster.sql`select schedule from cron.job`;
 * } finally {
 *   await cluster.stop();
 * }
 * ```
 */
export async function startCronCluster(): Promise<CronCluster> {
  const location = clusterLocation(
    CRON_CLUSTER_DIR,
    envPort("UNIT_ECONOMICS_CRON_TEST_DB_PORT", DEFAULT_CRON_TEST_PORT),
  );
  const { url } = await startLocalDatabase(location, { fresh: true, fast: true });
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  try {
    const [pgtap] = await sql`select 1 from pg_available_extensions where name = 'pgtap'`;
    if (!pgtap) throw new Error("pgTAP is not available: install postgresql-15-pgtap");
  } catch (error) {
    await sql.end();
    await stopCluster(location.dataDir);
    throw error;
  }
  return {
    url,
    sql,
    stop: async () => {
      await sql.end();
      await stopCluster(location.dataDir);
    },
  };
}
