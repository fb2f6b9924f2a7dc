/**
 * Least privilege, end to end: the function connects as its own role (here a LOGIN member of
 * `unit_economics_function`, as production's `alter role … login password …` makes it), every route
 * works with that role's rights, and what the role must not do fails with "permission denied".
 * A source without a grant answers a 422 that names the grant to add; the role as the migration
 * leaves it (NOLOGIN) answers a 503 that says to give it LOGIN and a password. The grants
 * themselves are pgTAP-tested in supabase/tests/function_role.test.sql.
 */
import assert from "node:assert/strict";
import { createApp } from "../../functions/unit-economics/app.ts";
import { ask, assertWithinContract, AUTH, BASE } from "./contract.ts";
import { recordOutcome } from "../support/reliability.ts";
import { FUNCTION_ROLE, FUNCTION_TEST_USER } from "../support/database.ts";
import { ORDERS_ONLY, ORDERS_TOKEN, TEST_SECRET, utcDay, withStack } from "../support/stack.ts";

/** What the function's role must not do, each refused with SQLSTATE 42501. */
const FORBIDDEN: [string, string][] = [
  ["read Vault's decrypted secrets", "select * from vault.decrypted_secrets"],
  ["read Vault's secrets", "select * from vault.secrets"],
  ["trigger a sync through pg_net", "select unit_economics.invoke_sync()"],
  ["read pg_cron's invocations", "select * from unit_economics.cron_invocations"],
  ["read the cron history", "select * from unit_economics.cron_history"],
  ["read the table behind a source", "select * from public.orders"],
  [
    "insert into a public table",
    "insert into public.orders (created_at, amount_cents, customer_id, region) values (now(), 1, 1, 'x')",
  ],
  ["update a public table", "update public.orders set amount_cents = 1"],
  ["delete from a public table", "delete from public.orders"],
  ["truncate a public table", "truncate public.orders"],
  ["replace a source view", "create or replace view public.total_orders as select 1 as date"],
  ["create a table in public", "create table public.intruder (id int)"],
  ["create a table in its schema", "create table unit_economics.intruder (id int)"],
  ["drop its tables", "drop table unit_economics.sent_values"],
  ["alter its tables", "alter table unit_economics.sync_runs add column x int"],
  ["truncate its tables", "truncate unit_economics.sent_values"],
  ["delete the run log", "delete from unit_economics.sync_runs"],
  ["create a function", "create function public.f() returns int language sql as 'select 1'"],
  ["create a schema", "create schema intruder"],
  ["create a role", "create role intruder"],
  ["become the superuser", "set role postgres"],
  ["read server files", "select pg_read_file('PG_VERSION')"],
  ["run a program", "copy (select 1) to program 'true'"],
  ["create an extension", "create extension if not exists pgtap"],
];

Deno.test("the function runs as its least-privilege role and cannot step outside it", () =>
  withStack(async (stack) => {
    const app = stack.function.app;
    // Every route works with the role's rights.
    const routes: [string, RequestInit?][] = [
      ["sync", { method: "POST", body: JSON.stringify({ metrics: ["orders"] }) }],
      [
        "sync",
        {
          method: "POST",
          body: JSON.stringify({ date: utcDay(-2), metrics: ["orders"], force: true }),
        },
      ],
      ["runs?limit=5"],
      // 503 with its report: the other metric has never synced, so it is stale.
      ["status"],
      ["plan", { method: "POST", body: "{}" }],
      ["unit-costs"],
      ["report"],
      ["report-link", { method: "POST", body: "{}" }],
    ];
    for (const [route, init] of routes) {
      const answer = await ask(app, `${BASE}/${route}`, { ...init, headers: AUTH });
      assertWithinContract(answer, route);
      const expected = route === "status" ? 503 : 200;
      assert.equal(answer.status, expected, `${route}: ${answer.text.slice(0, 300)}`);
    }
    assert.equal(stack.vantage.emulator.state.values(ORDERS_TOKEN).length, 7);

    // …connected as the function's login role, a member of the function role and nothing else.
    const sessions = await stack.db.sql<{ usename: string }[]>`
      select usename from pg_stat_activity
      where datname = ${stack.db.name} and application_name = 'unit-economics'`;
    assert.ok(sessions.length > 0, "the function holds a connection");
    assert.deepEqual([...new Set(sessions.map((s) => s.usename))], [FUNCTION_TEST_USER]);
    const memberships = await stack.db.sql<{ role: string }[]>`
      select r.rolname as role from pg_auth_members m join pg_roles r on r.oid = m.roleid
      where m.member = ${FUNCTION_TEST_USER}::regrole`;
    assert.deepEqual(memberships.map((m) => m.role), [FUNCTION_ROLE]);

    // What it must not do.
    const refused: string[] = [];
    for (const [what, statement] of FORBIDDEN) {
      await assert.rejects(
        stack.db.functionSql.unsafe(statement),
        (error: { code?: string; message: string }) => {
          assert.equal(error.code, "42501", `${what}: ${error.message}`);
          return true;
        },
        what,
      );
      refused.push(what);
    }

    // A source the role was not granted: a 422 that names the grant; once granted, it syncs.
    await stack.db.sql`create view public.ungranted as
      select (current_date - 1) as day, 3 as amount`;
    const ungranted = { metrics: ["ungranted"] };
    const denied = await stack.sync(ungranted);
    assert.equal(denied.status, 422);
    const [outcome] = denied.body.metrics as { error: { code: string; message: string } }[];
    assert.equal(outcome.error.code, "source_unavailable");
    assert.match(
      outcome.error.message,
      /grant select on public\.ungranted to unit_economics_function/,
    );
    await stack.db.grantSource("public.ungranted");
    assert.equal((await stack.sync(ungranted)).status, 200);

    // The role as the migration leaves it cannot log in: a 503 that says what to do.
    const nologin = new URL(stack.db.url);
    nologin.username = FUNCTION_ROLE;
    const { app: unconfigured, close } = createApp({
      env: (name) =>
        ({ UNIT_ECONOMICS_SYNC_SECRET: TEST_SECRET, UNIT_ECONOMICS_DB_URL: nologin.href })[name],
      logSink: () => {},
    });
    try {
      const answer = await ask(unconfigured, `${BASE}/runs`, { headers: AUTH });
      assertWithinContract(answer, "runs as the NOLOGIN role");
      assert.equal(answer.status, 503);
      assert.match(
        (answer.json as { error: { message: string } }).error.message,
        /refused the login \(28000: role "unit_economics_function" is not permitted to log in\).*needs LOGIN and a password/,
      );
    } finally {
      await close();
    }

    await recordOutcome({
      section: "least privilege",
      scenario: "function-role",
      title: "The function's database role: what it can and cannot do",
      expected: "every route works as unit_economics_function (SELECT on the declared sources, " +
        "its own tables only); everything else is refused; a missing grant is a 422 naming it",
      observed:
        `8 routes answered as designed as ${FUNCTION_TEST_USER} (member of ${FUNCTION_ROLE} ` +
        `only); ${refused.length} forbidden operations refused with 42501 (${
          refused.join(", ")
        }); an ungranted source answered 422 naming the grant, then synced once granted`,
      details: { refused },
    });
  }, {
    env: { UNGRANTED_METRIC_ID: ORDERS_TOKEN },
    metrics: [
      ...ORDERS_ONLY,
      {
        key: "ungranted",
        title: "Ungranted",
        source: { relation: "ungranted", dateColumn: "day", valueColumn: "amount" },
        tokenVariable: "UNGRANTED_METRIC_ID",
      },
    ],
  }));
