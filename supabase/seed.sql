-- Local and demo data only: a year of example orders and the `total_orders` view that the vendor's
-- demo script reads. Deterministic (hash-based, no random()), relative to today so that
-- "yesterday" always has orders. Weekdays surge, weekends dip, and a few days spike.

create table if not exists public.orders (
  id bigint generated always as identity primary key,
  created_at timestamptz not null,
  amount_cents integer not null check (amount_cents > 0)
);

create index if not exists orders_created_at on public.orders (created_at);

-- One row per UTC day that has orders; the columns the vendor's demo script and DESIGN.md name.
create or replace view public.total_orders as
select (created_at at time zone 'UTC')::date as date,
       count(*)::integer as total_orders
from public.orders
group by 1;

with days as (
  select d::date as day,
         d::date::timestamp at time zone 'UTC' as day_start
  from generate_series(current_date - 365, current_date, interval '1 day') as d
),
per_day as (
  select day, day_start,
         (
           -- weekday base, weekend dip, a little daily noise
           case when extract(isodow from day) in (6, 7) then 70 else 120 end
           + abs(hashtext(day::text)) % 25
         )
         -- a few promotion days (spikes) at fixed distances from today
         * case when current_date - day in (12, 33, 61) then 3 else 1 end as order_count
  from days
),
generated as (
  select day_start + make_interval(secs => n * 86399.0 / order_count) as created_at,
         1500 + abs(hashtext(day::text || ':' || n::text)) % 9000 as amount_cents
  from per_day
  cross join lateral generate_series(0, order_count - 1) as n
)
insert into public.orders (created_at, amount_cents)
select created_at, amount_cents
from generated
-- today is still going: only the orders placed so far
where created_at <= now()
order by created_at;
