/**
 * Real PostgreSQL databases for integration tests, one per test, each a copy of a template that
 * holds the migrations (applied by the Supabase CLI, as in production) and the seed.
 *
 * The test cluster (`.local/postgres-test`, port UNIT_ECONOMICS_TEST_DB_PORT or 54329) is started
 * on first use and stays up between runs. The template is rebuilt whenever the migrations, the
 * seed, supabase/config.toml or the UTC date (the seed counts from today) change.
 *
 * @module
 */
import postgres from "postgres";
import { ensureCluster } from "../../dev/db/cluster.ts";
import { clusterLocation, envPort } from "../../dev/db/local.ts";
import { applyMigrations, loadSeed } from "../../dev/db/migrate.ts";
import { repoPath } from "../../dev/db/paths.ts";

/** Folder of the test cluster (data/ and postgres.log), repo-relative. */
const TEST_CLUSTER_DIR = ".local/postgres-test";
/** Port of the test cluster unless UNIT_ECONOMICS_TEST_DB_PORT says otherwise. */
const DEFAULT_TEST_PORT = 54329;
/** The database that every test database is copied from. */
const TEMPLATE = "unit_economics_template";
/** Advisory lock key (in the postgres database) held while a process builds the template. */
const TEMPLATE_LOCK = 0x7565_7470; // "uetp"
/** Files whose contents the template depends on, besides supabase/migrations/*.sql. */
const TEMPLATE_INPUTS = ["supabase/seed.sql", "supabase/config.toml"];

/** A database of its own for one test. */
export interface TestDatabase {
  /** Superuser URL of the database. */
  url: string;
  /** Its name, `test_` and random hex. */
  name: string;
  /** Superuser connection to it (at most 2 sessions); `drop()` closes it. */
  sql: postgres.Sql;
  /** Closes `sql` and drops the database, disconnecting whatever else is connected. */
  drop(): Promise<void>;
}

/** Superuser URL of the test cluster's `postgres` database, once cluster and template are ready. */
let testCluster: Promise<string> | undefined;

/**
 * Creates a database of its own for one test: the schema from the migrations and the seed's
 * orders (the UTC day before today has orders; no day after today has any). Costs one copy of the
 * template (about 0.1 s); the first call in a process also starts the cluster and, when the
 * migrations, seed or date changed, rebuilds the template (about 1.5 s).
 *
 * @example
 * ```ts
 * const db = await createTestDatabase();
 * try {
 *   const [{ total }] = await db.sql`select count(*)::int as total from unit_economics.sync_runs`;
 * } finally {
 *   await db.drop();
 * }
 * ```
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  testCluster ??= prepareTestCluster().catch((error) => {
    testCluster = undefined;
    throw error;
  });
  const adminUrl = await testCluster;
  const name = `test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await withConnection(
    adminUrl,
    (admin) => admin`create database ${admin(name)} template ${admin(TEMPLATE)}`,
  );
  const url = databaseUrl(adminUrl, name);
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  return {
    url,
    name,
    sql,
    drop: async () => {
      await sql.end();
      await withConnection(
        adminUrl,
        (admin) => admin`drop database if exists ${admin(name)} with (force)`,
      );
    },
  };
}

/**
 * A postgres URL that refuses connections: a free port on 127.0.0.1 where nothing listens, for
 * "database is down" tests.
 *
 * @example
 * ```ts
 * Deno.env.set("UNIT_ECONOMICS_DB_URL", unreachableDatabaseUrl());
 * ```
 */
export function unreachableDatabaseUrl(): string {
  return `postgresql://postgres@127.0.0.1:${freePort()}/postgres`;
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (the OS's choice).
 *
 * @example
 * ```ts
 * Deno.env.set("UNIT_ECONOMICS_DB_PORT", String(freePort()));
 * ```
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  listener.close();
  return listener.addr.port;
}

/** Starts (or reuses) the test cluster and makes sure its template is current. */
async function prepareTestCluster(): Promise<string> {
  const { dataDir, logFile, port } = clusterLocation(
    TEST_CLUSTER_DIR,
    envPort("UNIT_ECONOMICS_TEST_DB_PORT", DEFAULT_TEST_PORT),
  );
  const { url } = await ensureCluster({ dataDir, port, logFile, fast: true });
  await withConnection(url, (admin) => ensureTemplate(admin, databaseUrl(url, TEMPLATE)));
  return url;
}

/**
 * Rebuilds the template unless its comment holds the current fingerprint. Holds an advisory lock
 * meanwhile, so that of several test processes one builds and the others wait and reuse.
 */
async function ensureTemplate(admin: postgres.Sql, templateUrl: string): Promise<void> {
  const fingerprint = await templateFingerprint();
  // `admin` has one session, so the lock and the statements below share it; closing it unlocks.
  await admin`select pg_advisory_lock(${TEMPLATE_LOCK})`;
  const [current] = await admin`
    select shobj_description(oid, 'pg_database') as fingerprint
    from pg_database where datname = ${TEMPLATE}`;
  if (current?.fingerprint === fingerprint) return;
  if (current) {
    await admin`alter database ${admin(TEMPLATE)} is_template false`;
    await admin`drop database ${admin(TEMPLATE)} with (force)`;
  }
  await admin`create database ${admin(TEMPLATE)}`;
  await applyMigrations(templateUrl);
  await loadSeed(templateUrl);
  // Hex digits only: safe to inline (utility statements take no parameters).
  await admin.unsafe(`comment on database ${TEMPLATE} is '${fingerprint}'`);
  // No sessions on a template: a lingering one would make every copy of it fail.
  await admin`alter database ${admin(TEMPLATE)} with is_template true allow_connections false`;
}

/** SHA-256 of the UTC date and of every file the template is built from. */
async function templateFingerprint(): Promise<string> {
  const migrations = (await Array.fromAsync(Deno.readDir(repoPath("supabase/migrations"))))
    .filter((entry) => entry.isFile && entry.name.endsWith(".sql"))
    .map((entry) => `supabase/migrations/${entry.name}`)
    .sort();
  const parts = [new Date().toISOString().slice(0, 10)];
  for (const file of [...migrations, ...TEMPLATE_INPUTS]) {
    parts.push(file, await Deno.readTextFile(repoPath(file)));
  }
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\0")));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Runs `fn` on a one-session connection to `url`, closed afterwards. */
async function withConnection<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

/** The same server URL with another database name. */
function databaseUrl(url: string, database: string): string {
  const result = new URL(url);
  result.pathname = `/${database}`;
  return result.href;
}
