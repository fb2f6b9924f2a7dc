-- Which Vantage business metric each declared metric is bound to, as recorded by `deno task apply`,
-- so that no token needs pasting anywhere. A token in the metric's environment variable wins.

create table unit_economics.metric_bindings (
  metric_key text primary key,
  token text not null,
  -- The Vantage title when bound, for people reading the table.
  title text not null,
  bound_at timestamptz not null default now()
);

comment on table unit_economics.metric_bindings is
  'Declared metric key -> Vantage business metric token, recorded by apply; the environment variable wins.';
