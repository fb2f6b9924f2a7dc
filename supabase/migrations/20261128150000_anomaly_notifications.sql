-- Cost-per-unit anomalies already posted to the webhook, so each one is announced once.

create table unit_economics.anomaly_notifications (
  metric_key text not null,
  cost_report_token text not null,
  date date not null,
  direction text not null check (direction in ('up', 'down')),
  cost_per_unit numeric not null,
  baseline numeric not null,
  notified_at timestamptz not null default now(),
  run_id bigint references unit_economics.sync_runs (id) on delete set null,
  primary key (metric_key, cost_report_token, date)
);

comment on table unit_economics.anomaly_notifications is
  'Anomalies a sync posted to UNIT_ECONOMICS_ANOMALY_WEBHOOK_URL; one post per metric, cost report and day.';
