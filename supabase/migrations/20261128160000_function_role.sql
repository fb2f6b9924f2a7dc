-- The database role the function (and the CLI) connects as, with only what the engine needs: its
-- own tables in schema unit_economics, and SELECT on the declared metric sources. It cannot read
-- Vault, call invoke_sync (which can), see pg_cron's invocations, write a public table, or change
-- any schema.
--
-- NOLOGIN here, because a password never goes in a migration. To use it (README, "Least
-- privilege"), once per project in the SQL editor:
--   alter role unit_economics_function with login password '<generated>';
-- then connect through Supavisor in transaction mode as user unit_economics_function.<project-ref>
-- on port 6543 (postgres.js already runs with prepare: false).
--
-- Sources: a declared metric's relation needs `grant select on <schema>.<relation> to
-- unit_economics_function` (and `grant usage on schema <schema>` outside public). That grant goes
-- where the relation is created: the seed grants the example views, a project's own migration
-- grants its own. Through a view, the role needs nothing on the tables behind it.

do $$
begin
  if not exists (select from pg_catalog.pg_roles where rolname = 'unit_economics_function') then
    begin
      create role unit_economics_function
        nologin noinherit nosuperuser nocreatedb nocreaterole noreplication nobypassrls;
    exception when duplicate_object or unique_violation then
      null; -- created meanwhile by a migration of another database in this cluster
    end;
  end if;
end
$$;

comment on role unit_economics_function is
  'The unit-economics function: its own tables in unit_economics, SELECT on the declared sources.';

grant usage on schema unit_economics to unit_economics_function;

-- Exactly what the engine's statements need (functions/_shared: runs, sent-values, bindings,
-- status, unit-costs/notify). Rows are never deleted from sync_runs, and notifications are only
-- added. Identity columns need no sequence grant. A new table needs its own grant here.
grant select, insert, update on unit_economics.sync_runs to unit_economics_function;
grant select, insert, update, delete on unit_economics.sent_values to unit_economics_function;
grant select, insert, update, delete on unit_economics.metric_bindings to unit_economics_function;
grant select, insert on unit_economics.anomaly_notifications to unit_economics_function;

-- To find the sources; SELECT on each one is granted where it is created (see above).
grant usage on schema public to unit_economics_function;
