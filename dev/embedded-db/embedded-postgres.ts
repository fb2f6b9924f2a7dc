/**
 * An in-process Postgres for the zero-setup demo: PGlite (Postgres 18 compiled to WASM) with the
 * repo's migrations and seed, served over TCP on 127.0.0.1 by pglite-socket, so that code written
 * for postgres.js connects to it through an ordinary `postgresql://` URL, unchanged.
 *
 * What to know when pointing postgres.js at it (measured with PGlite 0.5.14, pglite-socket 0.2.17,
 * postgres.js 3.4.9):
 *
 * - No special client options: the defaults work (`ssl` off, the server declines SSLRequest;
 *   `prepare: true`, statement names are random per connection so they never collide in the one
 *   shared backend; `fetch_types: true`). Any user name and password are accepted.
 * - Several connections at once work (a pool's default `max: 10` included): this module raises
 *   pglite-socket's default of one connection to {@link DEFAULT_MAX_CONNECTIONS} and serializes
 *   whole query batches (see `whole-batches.ts`; pglite-socket alone interleaves them and breaks).
 *   A connection beyond `maxConnections` is refused and postgres.js then hangs instead of failing.
 * - It is still one backend, one query at a time: while a connection is inside a transaction
 *   (`sql.begin`), every other connection waits until it commits or rolls back. Code that holds a
 *   transaction open on one connection while it awaits a query on another deadlocks here, where a
 *   real server would only wait for row locks. Session state (`set`, temp tables, advisory locks,
 *   prepared statements) is shared by all connections. A query cancel is ignored.
 * - Only what PGlite ships exists: no pg_cron, pg_net or supabase_vault, and none of Supabase's
 *   roles (`anon`, `authenticated`, `service_role`). The migrations that need them are skipped by
 *   default ({@link SUPABASE_ONLY_MIGRATIONS}).
 *
 * @module
 */

import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withWholeBatches } from "./whole-batches.ts";

/** The interface the server listens on: the loopback only, never the network. */
export const HOST = "127.0.0.1";
/** Connections served at once (pglite-socket's own default is 1). */
export const DEFAULT_MAX_CONNECTIONS = 100;
/**
 * Migrations that need pg_cron, pg_net or Supabase Vault, which PGlite does not have: skipped
 * unless a `migrations` filter says otherwise. The demo calls the function over HTTP itself.
 */
export const SUPABASE_ONLY_MIGRATIONS = /_daily_sync_schedule\.sql$/;

/** The repo's migrations, resolved from this file so that the caller's working folder does not matter. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(
  new URL("../../supabase/migrations/", import.meta.url),
);
/** The repo's seed (example orders and the `public.total_orders` view). */
export const DEFAULT_SEED_FILE = fileURLToPath(new URL("../../supabase/seed.sql", import.meta.url));

/** The Supabase CLI's migration file name: `<timestamp>_<name>.sql`; it skips any other file. */
const MIGRATION_FILE = /^(\d+)_(.*)\.sql$/;

/** Options of {@link startEmbeddedPostgres}; every one has a default that suits the demo. */
export interface EmbeddedPostgresOptions {
  /** TCP port on 127.0.0.1; `0` (the default) lets the OS pick a free one (read it from `url`). */
  port?: number;
  /** Folder of `<timestamp>_<name>.sql` migrations; default the repo's `supabase/migrations`. */
  migrationsDir?: string;
  /**
   * Which migrations to apply, by file name (e.g. `20261128120000_unit_economics_schema.sql`);
   * default all but {@link SUPABASE_ONLY_MIGRATIONS}.
   */
  migrations?: (name: string) => boolean;
  /** SQL file run after the migrations; default the repo's `supabase/seed.sql`; `false` for none. */
  seedFile?: string | false;
  /** Client connections served at once; default {@link DEFAULT_MAX_CONNECTIONS}. */
  maxConnections?: number;
}

/** How long each step of {@link startEmbeddedPostgres} took, in milliseconds. */
export interface EmbeddedPostgresTimings {
  /** Loading the WASM build and running initdb. */
  init: number;
  migrations: number;
  seed: number;
  /** From the call to a server that accepts connections. */
  total: number;
}

/** A running embedded Postgres. */
export interface EmbeddedPostgres {
  /** Superuser URL for postgres.js, e.g. `postgresql://postgres@127.0.0.1:40213/postgres`. */
  url: string;
  /** The port the server listens on (the one chosen by the OS when `port` was 0). */
  port: number;
  /** File names of the migrations applied, in order. */
  migrations: string[];
  timings: EmbeddedPostgresTimings;
  /**
   * Stops the server (dropping connected clients) and frees the database; everything in it is
   * gone. End your postgres.js clients (`await sql.end()`) first. Calling it again does nothing.
   */
  close(): Promise<void>;
}

/**
 * Starts an in-memory Postgres with the repo's migrations and seed applied, listening on
 * 127.0.0.1. Applied migrations are recorded in `supabase_migrations.schema_migrations` as the
 * Supabase CLI does (version and name; `statements` holds the whole file as one element).
 * Takes about 2 to 3.5 seconds and 0.6 to 0.8 GB of memory (RSS) with the year of seeded orders.
 *
 * @example
 * ```ts
 * import postgres from "postgres";
 * import { startEmbeddedPostgres } from "./embedded-postgres.ts";
 *
 * const db = await startEmbeddedPostgres();
 * const sql = postgres(db.url);
 * const [{ n }] = await sql`select count(*)::int as n from public.total_orders`;
 * await sql.end();
 * await db.close();
 * ```
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const started = performance.now();
  const db = await PGlite.create();
  const initialized = performance.now();
  let server: PGLiteSocketServer | undefined;
  try {
    const migrations = await applyMigrations(
      db,
      options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR,
      options.migrations ?? ((name) => !SUPABASE_ONLY_MIGRATIONS.test(name)),
    );
    const migrated = performance.now();

    const seedFile = options.seedFile ?? DEFAULT_SEED_FILE;
    if (seedFile !== false) await runFile(db, seedFile, "seed");
    const seeded = performance.now();

    server = new PGLiteSocketServer({
      db: withWholeBatches(db),
      host: HOST,
      port: options.port ?? 0,
      maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    });
    await server.start();
    const port = Number(server.getServerConn().split(":").at(-1));

    let closing: Promise<void> | undefined;
    const running = server;
    return {
      url: `postgresql://postgres@${HOST}:${port}/postgres`,
      port,
      migrations,
      timings: {
        init: initialized - started,
        migrations: migrated - initialized,
        seed: seeded - migrated,
        total: performance.now() - started,
      },
      close: () => closing ??= stop(running, db),
    };
  } catch (error) {
    await stop(server, db);
    throw error;
  }
}

/** Applies the migrations that `include` accepts, each in its own transaction, in name order. */
async function applyMigrations(
  db: PGlite,
  dir: string,
  include: (name: string) => boolean,
): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => MIGRATION_FILE.test(name) && include(name))
    .sort();
  if (names.length === 0) return names;

  await db.exec(`
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (
      version text not null primary key,
      statements text[],
      name text
    );`);
  for (const name of names) {
    const [, version, title] = MIGRATION_FILE.exec(name)!;
    const path = join(dir, name);
    const text = await readFile(path, "utf8");
    await db.transaction(async (tx) => {
      await explain(`migration ${path}`, tx.exec(text));
      await tx.query(
        "insert into supabase_migrations.schema_migrations (version, statements, name) values ($1, $2, $3)",
        [version, [text], title],
      );
    });
  }
  return names;
}

/** Runs a whole SQL file in one transaction. */
async function runFile(db: PGlite, path: string, what: string): Promise<void> {
  const text = await readFile(path, "utf8");
  await db.transaction((tx) => explain(`${what} ${path}`, tx.exec(text)));
}

/** Names the file in a failing statement's error, keeping Postgres's own error as the cause. */
async function explain<T>(where: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${where}: ${message}`, { cause: error });
  }
}

async function stop(server: PGLiteSocketServer | undefined, db: PGlite): Promise<void> {
  try {
    await server?.stop();
  } finally {
    if (!db.closed) await db.close();
  }
}
