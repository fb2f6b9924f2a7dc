-- unit_economics: the run log of every sync and the record of values Vantage accepted.
-- Applied with the Supabase CLI (`supabase db push`); safe on a fresh database only, like every migration.

create schema if not exists unit_economics;
comment on schema unit_economics is
  'Run log and sent-value record of the unit-economics edge function (Vantage business metric sync).';

-- Nobody but the owner (postgres, which the function connects as) reads or writes here.
revoke all on schema unit_economics from public;

create table unit_economics.sync_runs (
  id bigint generated always as identity primary key,
  trigger text not null check (trigger in ('http', 'cron', 'cli')),
  status text not null check (status in ('running', 'succeeded', 'failed')),
  dry_run boolean not null default false,
  force boolean not null default false,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  -- The running row is the lock (see sync_runs_one_running): the process renews this lease while it
  -- works, so a killed run blocks the next one only until the lease runs out.
  lease_expires_at timestamptz,
  window_from date,
  window_to date,
  -- Per-metric outcome: key, Vantage token, rows read, values sent and unchanged, error.
  metrics jsonb not null default '[]'::jsonb,
  http_status integer,
  error_code text,
  error text,
  request_id text,
  constraint sync_runs_finished_when_done check ((status = 'running') = (finished_at is null)),
  constraint sync_runs_window_ordered check (window_from is null or window_to is null or window_from <= window_to)
);

comment on table unit_economics.sync_runs is
  'One row per sync request that reached the engine: who triggered it, the window, the outcome per metric.';

-- One sync that sends at a time. This holds through Supavisor's transaction mode, where
-- session-level advisory locks do not: the uniqueness lives in the table, not in a session.
create unique index sync_runs_one_running on unit_economics.sync_runs ((true))
  where status = 'running' and not dry_run;

create index sync_runs_started_at on unit_economics.sync_runs (started_at desc);

create table unit_economics.sent_values (
  -- Keyed by the Vantage token, so pointing a metric at another Vantage metric sends everything again.
  metric_token text not null,
  date date not null,
  -- '' is "no label" (Vantage's unlabeled value); a primary key column cannot be null.
  label text not null default '',
  amount numeric not null,
  metric_key text not null,
  run_id bigint references unit_economics.sync_runs (id) on delete set null,
  sent_at timestamptz not null default now(),
  primary key (metric_token, date, label)
);

comment on table unit_economics.sent_values is
  'What Vantage accepted, per business metric token, day and label: the diff base for the next sync.';

create index sent_values_run_id on unit_economics.sent_values (run_id);
