/**
 * The local PostgreSQL tooling: test databases (tests/support/database.ts) and the
 * `db:start` / `db:stop` tasks (dev/db/).
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { stopCluster } from "../dev/db/cluster.ts";
import { REPO_ROOT, repoPath } from "../dev/db/paths.ts";
import { createTestDatabase, freePort, unreachableDatabaseUrl } from "./support/database.ts";

/** How long one `deno task db:start` may take on a fresh folder (initdb, CLI, seed). */
const TASK_TIMEOUT_MS = 180_000;

const DAY_MS = 86_400_000;
const utcDate = (time: number) => new Date(time).toISOString().slice(0, 10);

interface TaskOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `deno task <name>` with stdout and stderr piped, as a script that captures its output
 * would, and fails if it has not finished (output closed included) within `timeoutMs`.
 */
async function runTask(
  name: string,
  env: Record<string, string>,
  timeoutMs = TASK_TIMEOUT_MS,
): Promise<TaskOutput> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", name],
    cwd: REPO_ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill();
      reject(new Error(`deno task ${name} did not return within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const output = await Promise.race([child.output(), timeout]);
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("createTestDatabase: migrations applied by the Supabase CLI, seed loaded", async () => {
  const db = await createTestDatabase();
  try {
    const tables = await db.sql`
      select table_name from information_schema.tables
      where table_schema = 'unit_economics' and table_type = 'BASE TABLE' order by table_name`;
    assert.deepEqual(tables.map((row) => row.table_name), [
      "anomaly_notifications",
      "cron_invocations",
      "metric_bindings",
      "sent_values",
      "sync_runs",
    ]);

    const files = await Array.fromAsync(Deno.readDir(repoPath("supabase/migrations")));
    const versions = files.filter((file) => file.name.endsWith(".sql"))
      .map((file) => file.name.split("_")[0]).sort();
    const recorded = await db.sql`
      select version from supabase_migrations.schema_migrations order by version`;
    assert.deepEqual(recorded.map((row) => row.version), versions);

    const today = utcDate(Date.now());
    const yesterday = utcDate(Date.now() - DAY_MS);
    const [day] = await db.sql`
      select total_orders from public.total_orders where date = ${yesterday}::date`;
    assert.ok(day?.total_orders > 0, `no orders on ${yesterday}`);
    const [future] = await db.sql`
      select count(*)::int as days from public.total_orders where date > ${today}::date`;
    assert.equal(future.days, 0);
  } finally {
    await db.drop();
  }
});

Deno.test("createTestDatabase: the Supabase baseline, the stand-ins and the daily job", async () => {
  const db = await createTestDatabase();
  try {
    const extensions = await db.sql`
      select extname, extnamespace::regnamespace::text as schema from pg_extension
      where extname in ('pg_cron', 'pg_net', 'supabase_vault') order by extname`;
    assert.deepEqual(extensions.map((row) => [row.extname, row.schema]), [
      ["pg_cron", "pg_catalog"],
      ["pg_net", "extensions"],
      ["supabase_vault", "vault"],
    ]);
    const roles = await db.sql`
      select rolname, rolcanlogin, rolbypassrls from pg_roles
      where rolname in ('anon', 'authenticated', 'service_role', 'authenticator') order by rolname`;
    assert.deepEqual(roles.map((row) => [row.rolname, row.rolcanlogin, row.rolbypassrls]), [
      ["anon", false, false],
      ["authenticated", false, false],
      ["authenticator", true, false],
      ["service_role", false, true],
    ]);
    const [job] = await db.sql`
      select schedule, command from cron.job where jobname = 'unit-economics-daily-sync'`;
    assert.deepEqual([job.schedule, job.command], [
      "15 0 * * *",
      "select unit_economics.invoke_sync()",
    ]);
    // pg_cron's launcher is back on postgres, so nothing holds the template open.
    const [cron] = await db.sql`select current_setting('cron.database_name') as database`;
    assert.equal(cron.database, "postgres");
  } finally {
    await db.drop();
  }
});

Deno.test("createTestDatabase: databases are isolated, and drop() removes one", async () => {
  const [first, second] = [await createTestDatabase(), await createTestDatabase()];
  try {
    assert.notEqual(first.name, second.name);
    await first
      .sql`insert into unit_economics.sync_runs (trigger, status) values ('cli', 'running')`;
    const count = (db: typeof first) =>
      db.sql`select count(*)::int as runs from unit_economics.sync_runs`.then(([row]) => row.runs);
    assert.equal(await count(first), 1);
    assert.equal(await count(second), 0);

    await first.drop();
    const left = await second.sql`select 1 from pg_database where datname = ${first.name}`;
    assert.equal(left.length, 0);
  } finally {
    await first.drop();
    await second.drop();
  }
});

Deno.test("unreachableDatabaseUrl: nothing accepts connections there", async () => {
  const sql = postgres(unreachableDatabaseUrl(), { max: 1, connect_timeout: 5 });
  try {
    await assert.rejects(sql`select 1`, { code: "ECONNREFUSED" });
  } finally {
    await sql.end();
  }
});

Deno.test("db:start names a missing PostgreSQL binary instead of a stack trace", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ue-db-start-" });
  try {
    const result = await runTask("db:start", {
      UNIT_ECONOMICS_DB_DIR: dir,
      UNIT_ECONOMICS_DB_PORT: String(freePort()),
      PG_BIN_DIR: "/nonexistent/postgresql/bin",
    });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /initdb is missing: not found in \/nonexistent.*PG_BIN_DIR/);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("db:start returns with stdout piped, URL last, and reuses; db:stop stops", async () => {
  // Not the developer's cluster: a folder and a port of this test's own.
  const dir = await Deno.makeTempDir({ prefix: "ue-db-start-" });
  await Deno.chmod(dir, 0o755); // the postgres OS user must reach the data folder inside
  const env = { UNIT_ECONOMICS_DB_DIR: dir, UNIT_ECONOMICS_DB_PORT: String(freePort()) };
  try {
    const first = await runTask("db:start", env);
    assert.equal(first.code, 0, first.stderr);
    const url = first.stdout.trimEnd().split("\n").at(-1);
    assert.equal(url, `postgresql://postgres@127.0.0.1:${env.UNIT_ECONOMICS_DB_PORT}/postgres`);

    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const orders = async () => (await sql`select count(*)::int as n from public.orders`)[0].n;
      const seeded = await orders();
      assert.ok(seeded > 0);
      const [preload] = await sql`select current_setting('shared_preload_libraries') as value`;
      assert.match(preload.value, /pg_cron/);
      const [cron] = await sql`select current_setting('cron.host') as host`;
      assert.equal(cron.host, "127.0.0.1");
      const extensions = await sql`
        select extname from pg_extension
        where extname in ('pg_cron', 'pg_net', 'supabase_vault') order by extname`;
      assert.deepEqual(extensions.map((row) => row.extname), [
        "pg_cron",
        "pg_net",
        "supabase_vault",
      ]);
      const files = await Array.fromAsync(Deno.readDir(repoPath("supabase/migrations")));
      const [applied] = await sql`
        select count(*)::int as n from supabase_migrations.schema_migrations`;
      assert.equal(applied.n, files.filter((file) => file.name.endsWith(".sql")).length);

      const second = await runTask("db:start", env);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout.trimEnd().split("\n").at(-1), url);
      assert.equal(await orders(), seeded, "the seed ran twice");
    } finally {
      await sql.end();
    }

    const stop = await runTask("db:stop", env);
    assert.equal(stop.code, 0, stop.stderr);
    const down = postgres(url, { max: 1, connect_timeout: 5 });
    try {
      await assert.rejects(down`select 1`, { code: "ECONNREFUSED" });
    } finally {
      await down.end();
    }
  } finally {
    await stopCluster(`${dir}/data`);
    await Deno.remove(dir, { recursive: true });
  }
});
