// The embedded Postgres of the zero-setup demo (dev/embedded-db): PGlite behind pglite-socket, with
// the repo's real migrations and seed, reached by postgres.js through a plain URL.

import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import {
  startEmbeddedPostgres,
  SUPABASE_ONLY_MIGRATIONS,
} from "../dev/embedded-db/embedded-postgres.ts";

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

Deno.test("embedded Postgres serves the migrated, seeded database to postgres.js", async (t) => {
  const db = await startEmbeddedPostgres({ port: 0 });
  // Default pool (max 10): the app's code connects unchanged.
  const sql = postgres(db.url, { onnotice: () => {} });
  try {
    assert.match(db.url, /^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    assert.ok(db.port > 0);
    // Every migration but those that need pg_cron, pg_net or Vault, which PGlite lacks.
    const expected = [...Deno.readDirSync(new URL("../supabase/migrations/", import.meta.url))]
      .map((entry) => entry.name)
      .filter((name) => !SUPABASE_ONLY_MIGRATIONS.test(name))
      .sort();
    assert.ok(expected.length >= 2);
    assert.deepEqual(db.migrations, expected);
    console.log("embedded Postgres startup (ms):", JSON.stringify(roundAll(db.timings)));

    await t.step("the migrations are applied and recorded as the Supabase CLI does", async () => {
      const [{ n }] = await sql`select count(*)::int as n from unit_economics.sync_runs`;
      assert.equal(n, 0);
      const recorded = await sql`
        select version, name from supabase_migrations.schema_migrations order by version`;
      assert.deepEqual(
        recorded.map((row) => `${row.version}_${row.name}.sql`),
        expected,
      );
    });

    await t.step("a run row can be inserted and read back", async () => {
      const [inserted] = await sql`
        insert into unit_economics.sync_runs (trigger, status, window_from, window_to, metrics)
        values ('cli', 'running', '2026-01-01', '2026-01-07', ${sql.json([{ key: "orders" }])})
        returning id`;
      assert.equal(typeof inserted.id, "string"); // bigint comes back as a string
      const [run] = await sql`
        select trigger, status, dry_run, finished_at, metrics, window_to::text as window_to
        from unit_economics.sync_runs where id = ${inserted.id}`;
      assert.deepEqual({ ...run }, {
        trigger: "cli",
        status: "running",
        dry_run: false,
        finished_at: null,
        metrics: [{ key: "orders" }],
        window_to: "2026-01-07",
      });
    });

    await t.step("the partial unique index on ((true)) allows one running run", async () => {
      await assert.rejects(
        sql`insert into unit_economics.sync_runs (trigger, status) values ('http', 'running')`,
        (error: postgres.PostgresError) => error.code === "23505",
      );
      await sql`update unit_economics.sync_runs set status = 'succeeded', finished_at = now()`;
      await sql`insert into unit_economics.sync_runs (trigger, status) values ('http', 'running')`;
    });

    await t.step(
      "total_orders has orders for yesterday (UTC) and nothing after today",
      async () => {
        const now = Date.now();
        const yesterday = await sql`
        select total_orders from public.total_orders where date = ${isoDay(now - DAY_MS)}::date`;
        assert.equal(yesterday.length, 1);
        assert.ok(Number.isInteger(yesterday[0].total_orders) && yesterday[0].total_orders > 0);
        const [{ later }] = await sql`
        select count(*)::int as later from public.total_orders where date > ${isoDay(now)}::date`;
        assert.equal(later, 0);
        const [{ orders }] = await sql`select count(*)::int as orders from public.orders`;
        assert.ok(orders > 30_000, `${orders} seeded orders`);
      },
    );

    await t.step("sequential queries reuse one connection", async () => {
      const [first] = await sql`select ${1}::int + 1 as two`;
      const [second] = await sql`select ${"x"}::text || 'y' as xy`;
      assert.deepEqual([first.two, second.xy], [2, "xy"]);
    });

    await t.step("concurrent connections never mix up each other's queries", async () => {
      const unprepared = postgres(db.url, { max: 5, prepare: false });
      try {
        for (const client of [sql, unprepared]) {
          const results = await Promise.all(
            Array.from(
              { length: 200 },
              (_, i) =>
                i % 2
                  ? client`select ${i}::int as i, ${`odd ${i}`}::text as label`
                  : client`select ${`even ${i}`}::text as label, ${i}::int + 0 as i`,
            ),
          );
          results.forEach(([row], i) =>
            assert.deepEqual({ ...row }, {
              i,
              label: `${i % 2 ? "odd" : "even"} ${i}`,
            })
          );
        }
      } finally {
        await unprepared.end();
      }
    });

    await t.step("transactions on one connection and queries on others both complete", async () => {
      await sql`create temporary table tallies (n int)`;
      const work = Array.from({ length: 10 }, (_, i) => [
        sql.begin(async (tx) => {
          await tx`insert into tallies values (${i})`;
          await tx`select pg_sleep(0.01)`;
          await tx`insert into tallies values (${i})`;
        }),
        sql`select count(*)::int as n from tallies`.then(([{ n }]) => assert.equal(n % 2, 0)),
      ]).flat();
      await Promise.all(work);
      const [{ n }] = await sql`select count(*)::int as n from tallies`;
      assert.equal(n, 20);
    });

    await t.step("a failed transaction rolls back without blocking other connections", async () => {
      await assert.rejects(sql.begin(async (tx) => {
        await tx`insert into unit_economics.sync_runs (trigger, status) values ('cron', 'failed')`;
        await tx`select 1 / 0`;
      }));
      const [{ n }] = await sql`
        select count(*)::int as n from unit_economics.sync_runs where trigger = 'cron'`;
      assert.equal(n, 0);
    });
  } finally {
    await sql.end();
    await db.close();
  }
  await db.close(); // a second close does nothing
});

Deno.test("embedded Postgres applies only the migrations the filter keeps, in name order", async () => {
  const dir = await mkdtemp(join(tmpdir(), "embedded-db-"));
  try {
    await writeFile(join(dir, "20260102000000_second.sql"), "insert into steps values ('second');");
    await writeFile(join(dir, "20260101000000_first.sql"), "create table steps (name text);");
    await writeFile(join(dir, "20260103000000_cron.sql"), "create extension pg_cron;");
    await writeFile(join(dir, "notes.sql"), "this is not SQL, and not a migration file name");

    const db = await startEmbeddedPostgres({
      migrationsDir: dir,
      migrations: (name) => !name.includes("_cron"),
      seedFile: false,
    });
    const sql = postgres(db.url, { max: 1 });
    try {
      assert.deepEqual(db.migrations, ["20260101000000_first.sql", "20260102000000_second.sql"]);
      assert.deepEqual((await sql`select name from steps`).map((row) => row.name), ["second"]);
      const recorded = await sql`
        select version from supabase_migrations.schema_migrations order by version`;
      assert.deepEqual(recorded.map((row) => row.version), ["20260101000000", "20260102000000"]);
      const [{ orders }] = await sql`select to_regclass('public.orders') as orders`;
      assert.equal(orders, null); // seedFile: false
    } finally {
      await sql.end();
      await db.close();
    }

    // Unfiltered, pg_cron is missing in PGlite: the error names the file, and nothing is left open.
    await assert.rejects(
      startEmbeddedPostgres({ migrationsDir: dir, seedFile: false }),
      (error: Error) => error.message.includes("20260103000000_cron.sql"),
    );
  } finally {
    await rm(dir, { recursive: true });
  }
});

function roundAll(values: object): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([key, ms]) => [key, Math.round(ms)]));
}
