-- pgTAP: the daily pg_cron job, invoke_sync's errors and the grants.
-- Run with pg_prove against a database where the migrations were applied (tests/integration/pgtap.test.ts).
begin;
create extension if not exists pgtap;
select plan(20);

-- The job
select is(
  (select count(*)::integer from cron.job where jobname = 'unit-economics-daily-sync'), 1,
  'one pg_cron job named unit-economics-daily-sync');
select is(
  (select schedule from cron.job where jobname = 'unit-economics-daily-sync'), '15 0 * * *',
  'it runs daily at 00:15 UTC, once yesterday is complete');
select is(
  (select command from cron.job where jobname = 'unit-economics-daily-sync'),
  'select unit_economics.invoke_sync()',
  'it calls unit_economics.invoke_sync()');
select ok(
  (select active from cron.job where jobname = 'unit-economics-daily-sync'),
  'the job is active');
select is(
  (select database from cron.job where jobname = 'unit-economics-daily-sync'), current_database()::text,
  'the job runs in this database');

-- invoke_sync: a clear error naming the missing Vault secret
delete from vault.secrets where name in ('unit_economics_project_url', 'unit_economics_sync_secret');
select throws_ok(
  'select unit_economics.invoke_sync()', 'P0002',
  'Vault secret "unit_economics_project_url" is missing or empty',
  'without the project URL secret invoke_sync names it');
select vault.create_secret('http://127.0.0.1:9', 'unit_economics_project_url');
select throws_ok(
  'select unit_economics.invoke_sync()', 'P0002',
  'Vault secret "unit_economics_sync_secret" is missing or empty',
  'without the sync secret invoke_sync names it');
select vault.create_secret('', 'unit_economics_sync_secret');
select throws_ok(
  'select unit_economics.invoke_sync()', 'P0002',
  'Vault secret "unit_economics_sync_secret" is missing or empty',
  'an empty secret counts as missing');
select throws_ok(
  $$select unit_economics.invoke_sync('[1, 2]'::jsonb)$$, '22023', null,
  'a body that is not a JSON object is refused');

-- invoke_sync: signature, definer rights, a fixed search_path
select function_returns('unit_economics', 'invoke_sync', array['jsonb'], 'bigint',
  'invoke_sync(jsonb) returns the pg_net request id');
select is_definer('unit_economics', 'invoke_sync', array['jsonb'],
  'invoke_sync runs with its owner''s rights, so callers need no access to Vault');
select ok(
  (select proconfig @> array['search_path=""'] from pg_proc
   where oid = 'unit_economics.invoke_sync(jsonb)'::regprocedure),
  'invoke_sync pins an empty search_path');

-- Grants: only the owner and service_role may trigger a sync or read the secrets
select function_privs_are('unit_economics', 'invoke_sync', array['jsonb'], 'anon', array[]::text[],
  'anon cannot call invoke_sync');
select function_privs_are('unit_economics', 'invoke_sync', array['jsonb'], 'authenticated', array[]::text[],
  'authenticated cannot call invoke_sync');
select function_privs_are('unit_economics', 'invoke_sync', array['jsonb'], 'service_role', array['EXECUTE'],
  'service_role can call invoke_sync');
select ok(not has_function_privilege('public', 'unit_economics.invoke_sync(jsonb)', 'execute'),
  'PUBLIC cannot call invoke_sync');
select ok(not has_table_privilege('anon', 'vault.decrypted_secrets', 'select'),
  'anon cannot read the decrypted secrets');
select ok(not has_table_privilege('authenticated', 'vault.decrypted_secrets', 'select'),
  'authenticated cannot read the decrypted secrets');
select schema_privs_are('unit_economics', 'anon', array[]::text[],
  'anon has no access to schema unit_economics');
select ok(not has_table_privilege('authenticated', 'unit_economics.cron_history', 'select'),
  'authenticated cannot read cron_history');

select * from finish();
rollback;
