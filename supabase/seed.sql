-- Local and demo data only: a year of example orders, the `total_orders` view that the vendor's
-- demo script reads, and two more example sources: revenue per region (a labelled metric) and
-- active customers. Deterministic (hash-based, no random()), relative to today so that
-- "yesterday" always has orders. Weekdays surge, weekends dip, and a few days spike.

create table if not exists public.orders (
  id bigint generated always as identity primary key,
  created_at timestamptz not null,
  amount_cents integer not null check (amount_cents > 0),
  customer_id integer not null,
  region text not null
);

create index if not exists orders_created_at on public.orders (created_at);
-- The views group by the UTC day: this index lets a sync read a few days without scanning every
-- order (bench/RESULTS.md: about 7.5 ms per metric without it, 1 ms with it).
create index if not exists orders_utc_day on public.orders (((created_at at time zone 'UTC')::date));

-- One row per UTC day that has orders; the columns the vendor's demo script and DESIGN.md name.
create or replace view public.total_orders as
select (created_at at time zone 'UTC')::date as date,
       count(*)::integer as total_orders
from public.orders
group by 1;

-- Revenue in USD per UTC day and region: the region becomes the Vantage label.
create or replace view public.daily_revenue as
select (created_at at time zone 'UTC')::date as date,
       region,
       round(sum(amount_cents) / 100.0, 2) as revenue
from public.orders
group by 1, 2;

-- Distinct customers who ordered, per UTC day.
create or replace view public.daily_active_customers as
select (created_at at time zone 'UTC')::date as date,
       count(distinct customer_id)::integer as active_customers
from public.orders
group by 1;

-- The function's role (migration *_function_role.sql) reads the three declared sources, and
-- nothing else here: not even public.orders, which the views read with their owner's rights.
grant select on public.total_orders, public.daily_revenue, public.daily_active_customers
  to unit_economics_function;

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
         1500 + abs(hashtext(day::text || ':' || n::text)) % 9000 as amount_cents,
         1 + abs(hashtext('customer:' || day::text || ':' || n::text)) % 4000 as customer_id,
         (array['us-east', 'us-east', 'eu-west', 'ap-south'])[
           1 + abs(hashtext('region:' || day::text || ':' || n::text)) % 4
         ] as region
  from per_day
  cross join lateral generate_series(0, order_count - 1) as n
)
insert into public.orders (created_at, amount_cents, customer_id, region)
select created_at, amount_cents, customer_id, region
from generated
-- today is still going: only the orders placed so far
where created_at <= now()
order by created_at;
