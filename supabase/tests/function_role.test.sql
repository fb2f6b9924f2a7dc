-- pgTAP: the function's role (migration *_function_role.sql) has what the engine needs and no more.
-- Run with pg_prove against a database where the migrations and the seed were applied
-- (tests/integration/pgtap.test.ts).
begin;
create extension if not exists pgtap;
select plan(43);

-- The role
select has_role('unit_economics_function', 'the function has a role of its own');
select ok(
  (select not rolcanlogin from pg_roles where rolname = 'unit_economics_function'),
  'it cannot log in until a password is set outside the migrations (no password in SQL files)');
select ok(
  (select not (rolsuper or rolcreaterole or rolcreatedb or rolreplication or rolbypassrls)
   from pg_roles where rolname = 'unit_economics_function'),
  'it is no superuser and cannot create roles or databases, replicate or bypass row level security');
select is(
  (select count(*)::integer from pg_auth_members m join pg_roles r on r.oid = m.roleid
   where m.member = 'unit_economics_function'::regrole),
  0, 'it inherits from no other role');

-- Its own schema: exactly what the engine's statements need
select schema_privs_are('unit_economics', 'unit_economics_function', array['USAGE'],
  'usage on unit_economics, and no CREATE: it cannot change the schema');
select table_privs_are('unit_economics', 'sync_runs', 'unit_economics_function',
  array['SELECT', 'INSERT', 'UPDATE'], 'sync_runs: read, start and finish runs, never delete');
select table_privs_are('unit_economics', 'sent_values', 'unit_economics_function',
  array['SELECT', 'INSERT', 'UPDATE', 'DELETE'], 'sent_values: the diff base, deleted in mirror mode');
select table_privs_are('unit_economics', 'metric_bindings', 'unit_economics_function',
  array['SELECT', 'INSERT', 'UPDATE', 'DELETE'], 'metric_bindings: recorded and forgotten by apply');
select table_privs_are('unit_economics', 'anomaly_notifications', 'unit_economics_function',
  array['SELECT', 'INSERT'], 'anomaly_notifications: only added');
select table_privs_are('unit_economics', 'cron_invocations', 'unit_economics_function',
  array[]::text[], 'nothing on cron_invocations (pg_cron''s side)');
select table_privs_are('unit_economics', 'cron_history', 'unit_economics_function',
  array[]::text[], 'nothing on cron_history');
select ok(not has_function_privilege('unit_economics_function',
  'unit_economics.invoke_sync(jsonb)', 'execute'), 'it cannot call invoke_sync');
select is(
  (select count(*)::integer from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'unit_economics' and c.relkind in ('r', 'v', 'm', 'p')
     and has_table_privilege('unit_economics_function', c.oid, 'TRUNCATE, REFERENCES, TRIGGER')),
  0, 'no TRUNCATE, REFERENCES or TRIGGER on any table of unit_economics');

-- Vault
select ok(not has_schema_privilege('unit_economics_function', 'vault', 'usage'),
  'no usage on schema vault');
select ok(not has_table_privilege('unit_economics_function', 'vault.decrypted_secrets', 'select'),
  'it cannot read vault.decrypted_secrets');
select ok(not has_table_privilege('unit_economics_function', 'vault.secrets', 'select'),
  'it cannot read vault.secrets');

-- public: read the declared sources, nothing else
select schema_privs_are('public', 'unit_economics_function', array['USAGE'],
  'usage on public, and no CREATE');
select table_privs_are('public', 'total_orders', 'unit_economics_function', array['SELECT'],
  'SELECT on public.total_orders (the orders metric)');
select table_privs_are('public', 'daily_revenue', 'unit_economics_function', array['SELECT'],
  'SELECT on public.daily_revenue (the revenue metric)');
select table_privs_are('public', 'daily_active_customers', 'unit_economics_function',
  array['SELECT'], 'SELECT on public.daily_active_customers (the active customers metric)');
select table_privs_are('public', 'orders', 'unit_economics_function', array[]::text[],
  'nothing on public.orders: the views read it with their owner''s rights');
select is(
  (select count(*)::integer from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'p', 'f')
     and has_table_privilege('unit_economics_function', c.oid,
       'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')),
  0, 'it can write no table or view in public');

-- The same, as the role itself: what it can and cannot do
set local role unit_economics_function;
select is(current_user::text, 'unit_economics_function', 'now acting as the function role');
select lives_ok(
  $$select count(*) from public.total_orders where date > current_date - 7$$,
  'it reads public.total_orders');
select lives_ok(
  $$select count(*) from public.daily_revenue union all select count(*) from public.daily_active_customers$$,
  'it reads public.daily_revenue and public.daily_active_customers');
select lives_ok(
  $$insert into unit_economics.sync_runs (trigger, status, lease_expires_at)
    values ('http', 'running', now() + interval '1 minute')$$,
  'it starts a run (the identity column needs no sequence grant)');
select lives_ok(
  $$update unit_economics.sync_runs set status = 'succeeded', finished_at = now(),
      lease_expires_at = null where status = 'running'$$,
  'it finishes a run');
select lives_ok(
  $$insert into unit_economics.sent_values (metric_token, date, amount, metric_key, run_id)
    select 'bsnss_mtrc_pgtap', current_date - 1, 1, 'orders', max(id) from unit_economics.sync_runs
    on conflict (metric_token, date, label) do update set amount = excluded.amount$$,
  'it records a sent value (an upsert)');
select lives_ok(
  $$delete from unit_economics.sent_values where metric_token = 'bsnss_mtrc_pgtap'$$,
  'it deletes a sent value (mirror mode)');
select lives_ok(
  $$insert into unit_economics.metric_bindings (metric_key, token, title)
    values ('pgtap', 'bsnss_mtrc_pgtap', 'pgTAP') on conflict (metric_key) do update set title = excluded.title$$,
  'it records a binding');
select throws_ok($$select * from vault.decrypted_secrets$$, '42501', null,
  'reading vault.decrypted_secrets is refused');
select throws_ok($$select unit_economics.invoke_sync()$$, '42501', null,
  'calling invoke_sync is refused');
select throws_ok($$select * from unit_economics.cron_invocations$$, '42501', null,
  'reading cron_invocations is refused');
select throws_ok($$select * from public.orders$$, '42501', null,
  'reading public.orders directly is refused');
select throws_ok(
  $$insert into public.orders (created_at, amount_cents, customer_id, region)
    values (now(), 1, 1, 'x')$$,
  '42501', null, 'writing public.orders is refused');
select throws_ok($$delete from public.orders$$, '42501', null, 'deleting from public.orders is refused');
select throws_ok($$create table public.pgtap_intruder (id int)$$, '42501', null,
  'creating a table in public is refused');
select throws_ok($$create table unit_economics.pgtap_intruder (id int)$$, '42501', null,
  'creating a table in unit_economics is refused');
select throws_ok($$drop table unit_economics.sent_values$$, '42501', null,
  'dropping its own tables is refused (it owns none)');
select throws_ok($$alter table unit_economics.sync_runs add column pgtap int$$, '42501', null,
  'altering its own tables is refused');
select throws_ok($$truncate unit_economics.sent_values$$, '42501', null,
  'truncating sent_values is refused');
select throws_ok($$delete from unit_economics.sync_runs$$, '42501', null,
  'deleting the run log is refused');
select throws_ok($$create or replace view public.total_orders as select 1 as date$$, '42501', null,
  'replacing a source view is refused');
reset role;

select * from finish();
rollback;
