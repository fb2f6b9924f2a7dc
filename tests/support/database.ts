/**
 * Real PostgreSQL databases for integration tests, one per test, each a copy of a template that
 * holds what a Supabase project's database has (dev/db/supabase-compat.ts: roles, Vault, the pg_net
 * stand-in), the migrations (applied by the Supabase CLI, as in production) and the seed.
 *
 * The product connects to it as the function's role ({@link TestDatabase.functionUrl}), so a
 * statement that needs a right the role lacks fails here as it would in production; set-up and
 * assertions use the superuser connection ({@link TestDatabase.sql}).
 *
 * The test cluster (`.local/postgres-test`, port UNIT_ECONOMICS_TEST_DB_PORT or 54329) is started
 * on first use and stays up between runs. The template is rebuilt whenever the migrations, the
 * seed, supabase/config.toml, the stand-in extensions or the UTC date (the seed counts from today)
 * change.
 *
 * pg_cron refuses `create extension pg_cron` outside `cron.database_name`, and its launcher keeps a
 * session open on that database, which would then refuse to be a template. So the template is
 * built while the cluster runs with `cron.database_name` = the template (and no job may start),
 * and the cluster is restarted with `cron.database_name = 'postgres'` afterwards. The copies keep
 * pg_cron's tables and the scheduled job, but pg_cron never runs their jobs: use
 * tests/support/cron-cluster.ts for that. A rebuild restarts the server, which disconnects every
 * session of other test processes on this cluster; it happens once a day or after a change.
 *
 * @module
 */
import postgres from "postgres";
import { dirname } from "node:path";
import { ensureCluster } from "../../dev/db/cluster.ts";
import { type ClusterLocation, clusterLocation, envPort } from "../../dev/db/local.ts";
import { applyMigrations, loadSeed } from "../../dev/db/migrate.ts";
import { repoPath } from "../../dev/db/paths.ts";
import {
  installStandInExtensions,
  prepareSupabaseDatabase,
  STAND_IN_DIR,
  STAND_IN_EXTENSIONS,
} from "../../dev/db/supabase-compat.ts";

/** Folder of the test cluster (data/ and postgres.log), repo-relative; UNIT_ECONOMICS_TEST_DB_DIR overrides it. */
const TEST_CLUSTER_DIR = Deno.env.get("UNIT_ECONOMICS_TEST_DB_DIR") || ".local/postgres-test";
/** Port of the test cluster unless UNIT_ECONOMICS_TEST_DB_PORT says otherwise. */
const DEFAULT_TEST_PORT = 54329;
/** The database that every test database is copied from. */
const TEMPLATE = "unit_economics_template";
/** Files whose contents the template depends on, besides migrations and stand-in extensions. */
const TEMPLATE_INPUTS = ["supabase/seed.sql", "supabase/config.toml"];
/** The function's role, created NOLOGIN by supabase/migrations/*_function_role.sql. */
export const FUNCTION_ROLE = "unit_economics_function";
/**
 * The LOGIN role the function connects as in tests: a member of {@link FUNCTION_ROLE} with nothing
 * of its own, as `alter role unit_economics_function with login password …` is in production.
 */
export const FUNCTION_TEST_USER = "unit_economics_function_test";
/**
 * Its password (the test cluster trusts local connections, so the server does not check it; it is
 * in {@link TestDatabase.functionUrl} so that masking and secret scans see a password).
 */
export const FUNCTION_TEST_PASSWORD = "fn-test-pw-6b1d0c9e4f2a7385";

/** A database of its own for one test. */
export interface TestDatabase {
  /** Superuser URL of the database: set-up and assertions. */
  url: string;
  /**
   * URL of the same database as {@link FUNCTION_TEST_USER}, who has exactly the function role's
   * rights: what the product under test connects with (`UNIT_ECONOMICS_DB_URL`).
   */
  functionUrl: string;
  /** Its name, `test_` and random hex. */
  name: string;
  /** Superuser connection to it (at most 2 sessions); `drop()` closes it. */
  sql: postgres.Sql;
  /**
   * Connection as the function's role (at most 2 sessions, `prepare: false` as in production), for
   * tests that hand the engine a connection themselves; `drop()` closes it.
   */
  functionSql: postgres.Sql;
  /**
   * Grants the function role SELECT on a source relation a test created (`"public.big_numbers"`),
   * as a project's migration does for its own sources. `create or replace view` keeps the grant;
   * `drop view` loses it.
   */
  grantSource(relation: string): Promise<void>;
  /** Closes `sql` and drops the database, disconnecting whatever else is connected. */
  drop(): Promise<void>;
}

/** Superuser URL of the test cluster's `postgres` database, once cluster and template are ready. */
let testCluster: Promise<string> | undefined;

/**
 * Creates a database of its own for one test: the schema from the migrations and the seed's
 * orders (the UTC day before today has orders; no day after today has any). Costs one copy of the
 * template (about 0.1 s); the first call in a process also starts the cluster and, when the
 * migrations, seed, stand-ins or date changed, rebuilds the template (about 2 s, two server
 * restarts included).
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
  const functionUrl = new URL(url);
  functionUrl.username = FUNCTION_TEST_USER;
  functionUrl.password = FUNCTION_TEST_PASSWORD;
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  // postgres.js connects on the first query: tests that never use it cost nothing.
  const functionSql = postgres(functionUrl.href, { max: 2, prepare: false, onnotice: () => {} });
  return {
    url,
    functionUrl: functionUrl.href,
    name,
    sql,
    functionSql,
    // A utility statement takes no parameters; sql(…) quotes each dotted part as an identifier.
    grantSource: async (relation) => {
      await sql`grant select on ${sql(relation)} to ${sql(FUNCTION_ROLE)}`;
    },
    drop: async () => {
      await functionSql.end();
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
  const location = clusterLocation(
    TEST_CLUSTER_DIR,
    envPort("UNIT_ECONOMICS_TEST_DB_PORT", DEFAULT_TEST_PORT),
  );
  // A lock file, not an advisory lock: building the template restarts the server.
  return await withFileLock(`${location.dataDir}.template.lock`, async () => {
    const { url } = await ensureCluster({ ...location, fast: true });
    await installStandInExtensions();
    const fingerprint = await templateFingerprint();
    const [current] = await withConnection(url, (admin) =>
      admin`
        select shobj_description(oid, 'pg_database') as fingerprint
        from pg_database where datname = ${TEMPLATE}`);
    if (current?.fingerprint !== fingerprint) await buildTemplate(location, url, fingerprint);
    await withConnection(url, (admin) => admin.unsafe(FUNCTION_TEST_USER_SQL));
    return url;
  });
}

/**
 * Creates {@link FUNCTION_TEST_USER} (cluster-wide, once) and makes it a member of the function
 * role, which the template's migrations created. Constants only: safe to inline.
 */
const FUNCTION_TEST_USER_SQL = `
do $$
begin
  if not exists (select from pg_catalog.pg_roles where rolname = '${FUNCTION_TEST_USER}') then
    create role ${FUNCTION_TEST_USER} login inherit password '${FUNCTION_TEST_PASSWORD}';
  end if;
end
$$;
grant ${FUNCTION_ROLE} to ${FUNCTION_TEST_USER};
`;

/**
 * Builds the template from nothing: the Supabase baseline, the migrations and the seed, with
 * pg_cron pointed at it meanwhile; marks it with `fingerprint` once the cluster is back to normal.
 */
async function buildTemplate(
  location: ClusterLocation,
  url: string,
  fingerprint: string,
): Promise<void> {
  await withConnection(url, async (admin) => {
    const [existing] = await admin`select 1 from pg_database where datname = ${TEMPLATE}`;
    if (existing) {
      await admin`alter database ${admin(TEMPLATE)} is_template false`;
      await admin`drop database ${admin(TEMPLATE)} with (force)`;
    }
    await admin`create database ${admin(TEMPLATE)}`;
  });
  const templateUrl = databaseUrl(url, TEMPLATE);
  await ensureCluster({ ...location, fast: true, cronDatabase: TEMPLATE, cronJobs: false });
  try {
    await prepareSupabaseDatabase(templateUrl);
    await applyMigrations(templateUrl);
    await loadSeed(templateUrl);
  } finally {
    await ensureCluster({ ...location, fast: true });
  }
  await withConnection(url, async (admin) => {
    // No sessions on a template: a lingering one would make every copy of it fail.
    await admin`alter database ${admin(TEMPLATE)} with is_template true allow_connections false`;
    // Hex digits only: safe to inline (utility statements take no parameters). Last, so that an
    // interrupted build is rebuilt next time.
    await admin.unsafe(`comment on database ${TEMPLATE} is '${fingerprint}'`);
  });
}

/** SHA-256 of the UTC date and of every file the template is built from. */
async function templateFingerprint(): Promise<string> {
  const migrations = (await Array.fromAsync(Deno.readDir(repoPath("supabase/migrations"))))
    .filter((entry) => entry.isFile && entry.name.endsWith(".sql"))
    .map((entry) => `supabase/migrations/${entry.name}`)
    .sort();
  const standIns: string[] = [];
  for (const extension of STAND_IN_EXTENSIONS) {
    for await (const entry of Deno.readDir(`${STAND_IN_DIR}/${extension}`)) {
      if (entry.isFile) standIns.push(`${STAND_IN_DIR}/${extension}/${entry.name}`);
    }
  }
  const parts = [new Date().toISOString().slice(0, 10)];
  for (const file of [...migrations, ...TEMPLATE_INPUTS, ...standIns.sort()]) {
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

/** Runs `fn` holding an exclusive lock on `lockFile` (released when the file closes). */
async function withFileLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  await Deno.mkdir(dirname(lockFile), { recursive: true });
  const file = await Deno.open(lockFile, { create: true, write: true });
  try {
    await file.lock(true);
    return await fn();
  } finally {
    file.close();
  }
}

/** The same server URL with another database name. */
function databaseUrl(url: string, database: string): string {
  const result = new URL(url);
  result.pathname = `/${database}`;
  return result.href;
}
