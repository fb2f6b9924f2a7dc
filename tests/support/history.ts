/**
 * Years of order history for backfill tests: the seed holds one year; this adds deterministic
 * orders (nine a day, three per region) for the years before it.
 *
 * @module
 */
import type postgres from "postgres";

/**
 * Adds orders for every UTC day from `days` days ago up to the seed's first day (365 days ago).
 *
 * @example
 * ```ts
 * await addOrderHistory(db.sql, 1826); // five years in all
 * ```
 */
export async function addOrderHistory(sql: postgres.Sql, days: number): Promise<void> {
  await sql`
    insert into public.orders (created_at, amount_cents, customer_id, region)
    select d::timestamp at time zone 'UTC' + make_interval(mins => n * 97),
           2000 + (n * 37 + extract(doy from d)::integer) % 5000,
           1 + (n * 13 + extract(doy from d)::integer) % 900,
           (array['us-east', 'eu-west', 'ap-south'])[1 + n % 3]
    from generate_series(current_date - ${days}::integer, current_date - 366, interval '1 day') as d,
         generate_series(0, 8) as n
  `;
}
