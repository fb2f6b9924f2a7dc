-- pg_cron calls the unit-economics function every day through pg_net, with the project URL and the
-- sync secret read from Supabase Vault. Every invocation is recorded, and the view
-- unit_economics.cron_history puts pg_cron's run, pg_net's response and the function's run row side
-- by side, because a pg_cron "succeeded" only means that the request was queued.

create extension if not exists pg_cron with schema pg_catalog;
create schema if not exists extensions;
create extension if not exists pg_net with schema extensions;
create extension if not exists supabase_vault with schema vault;

-- The function's run rows are found by the X-Request-Id header that invoke_sync sends.
create index if not exists sync_runs_request_id on unit_economics.sync_runs (request_id);

create table unit_economics.cron_invocations (
  pg_net_request_id bigint primary key,
  -- Sent as X-Request-Id; the function stores it on its run row (sync_runs.request_id).
  request_id text not null unique,
  -- Transaction start and backend: they match the pg_cron run (cron.job_run_details) that called.
  invoked_at timestamptz not null default now(),
  backend_pid integer not null default pg_backend_pid(),
  invoked_by text not null default current_user,
  body jsonb not null
);

comment on table unit_economics.cron_invocations is
  'Every call of unit_economics.invoke_sync: the pg_net request and the X-Request-Id the function records.';

-- Longest wait for the function's answer: its run deadline (120 s) plus time to answer, under the
-- Edge Functions' 150 s request idle timeout.
create or replace function unit_economics.invoke_sync(body jsonb default '{}'::jsonb)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  project_url text;
  sync_secret text;
  payload jsonb;
  request_id text := 'pg-' || gen_random_uuid()::text;
  net_request_id bigint;
begin
  if body is null or jsonb_typeof(body) <> 'object' then
    raise exception 'invoke_sync takes a JSON object (the POST /sync body), got %', coalesce(jsonb_typeof(body), 'NULL')
      using errcode = '22023';
  end if;
  select decrypted_secret into project_url
  from vault.decrypted_secrets where name = 'unit_economics_project_url';
  if coalesce(project_url, '') = '' then
    raise exception 'Vault secret "unit_economics_project_url" is missing or empty'
      using errcode = 'P0002',
            hint = 'select vault.create_secret(''https://<project-ref>.supabase.co'', ''unit_economics_project_url'');';
  end if;
  select decrypted_secret into sync_secret
  from vault.decrypted_secrets where name = 'unit_economics_sync_secret';
  if coalesce(sync_secret, '') = '' then
    raise exception 'Vault secret "unit_economics_sync_secret" is missing or empty'
      using errcode = 'P0002',
            hint = 'select vault.create_secret(''<the function''''s UNIT_ECONOMICS_SYNC_SECRET>'', ''unit_economics_sync_secret'');';
  end if;

  -- pg_cron's runs are the scheduled ones; a caller may still override the trigger.
  payload := jsonb_build_object('trigger', 'cron') || body;
  net_request_id := net.http_post(
    url := rtrim(project_url, '/') || '/functions/v1/unit-economics/sync',
    body := payload,
    headers := jsonb_build_object(
      'Content-Type', 'application/json',
      'Authorization', 'Bearer ' || sync_secret,
      'X-Request-Id', request_id
    ),
    timeout_milliseconds := 145000
  );
  insert into unit_economics.cron_invocations (pg_net_request_id, request_id, body)
  values (net_request_id, request_id, payload);
  return net_request_id;
end;
$$;

comment on function unit_economics.invoke_sync(jsonb) is
  'POSTs the body to the unit-economics function''s /sync through pg_net, with the URL and secret from Vault; returns the pg_net request id.';

-- Only the owner and service_role may trigger syncs; the secrets stay behind security definer.
revoke all on function unit_economics.invoke_sync(jsonb) from public;
do $$
begin
  if exists (select from pg_roles where rolname = 'anon') then
    execute 'revoke all on function unit_economics.invoke_sync(jsonb) from anon';
    execute 'revoke all on schema unit_economics from anon';
  end if;
  if exists (select from pg_roles where rolname = 'authenticated') then
    execute 'revoke all on function unit_economics.invoke_sync(jsonb) from authenticated';
    execute 'revoke all on schema unit_economics from authenticated';
  end if;
  if exists (select from pg_roles where rolname = 'service_role') then
    execute 'grant usage on schema unit_economics to service_role';
    execute 'grant execute on function unit_economics.invoke_sync(jsonb) to service_role';
  end if;
end;
$$;

create view unit_economics.cron_history as
with cron_runs as (
  select d.jobid, j.jobname, d.runid, d.job_pid, d.status, d.return_message, d.start_time, d.end_time
  from cron.job_run_details d
  left join cron.job j on j.jobid = d.jobid
  where j.jobname = 'unit-economics-daily-sync' or d.command like '%unit_economics.invoke_sync%'
)
select
  coalesce(c.start_time, i.invoked_at) as started_at,
  c.jobname as cron_job,
  c.runid as cron_run_id,
  c.status as cron_status,
  c.return_message as cron_message,
  c.end_time as cron_finished_at,
  i.pg_net_request_id,
  i.request_id,
  r.status_code as http_status,
  r.timed_out as http_timed_out,
  r.error_msg as http_error,
  left(r.content, 500) as http_body,
  s.id as sync_run_id,
  s.status as sync_status,
  s.error_code as sync_error_code,
  s.error as sync_error,
  case
    when c.status = 'failed' then 'cron_failed'
    when i.request_id is null and c.status in ('starting', 'running') then 'running'
    when i.request_id is null then 'not_invoked'
    when s.status = 'succeeded' then 'succeeded'
    when s.status = 'failed' then 'sync_failed'
    when s.status = 'running' then 'running'
    when r.timed_out then 'timed_out'
    when r.error_msg is not null then 'unreachable'
    when r.status_code >= 400 then 'http_error'
    when r.id is null then 'pending'
    else 'no_run_row'
  end as outcome
from cron_runs c
full join unit_economics.cron_invocations i
  on i.backend_pid = c.job_pid
 and i.invoked_at >= c.start_time - interval '1 second'
 and (c.end_time is null or i.invoked_at <= c.end_time)
left join net._http_response r on r.id = i.pg_net_request_id
left join unit_economics.sync_runs s on s.request_id = i.request_id
order by 1 desc;

comment on view unit_economics.cron_history is
  'Each scheduled or manual invoke_sync: pg_cron''s run, pg_net''s response and the function''s run row; outcome is succeeded only when the function recorded a succeeded run.';

revoke all on unit_economics.cron_history from public;

-- Daily at 00:15 UTC, when yesterday is complete in UTC; cron.schedule with a name replaces a job
-- of that name, so this is safe to run again.
select cron.schedule(
  'unit-economics-daily-sync',
  '15 0 * * *',
  $$select unit_economics.invoke_sync()$$
);
