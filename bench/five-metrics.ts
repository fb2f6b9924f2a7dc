/**
 * The five metrics of the backfill benchmark: the three the seed declares (orders, revenue per
 * region, active customers) and two more declared here, over views that only the benchmark's
 * database has (average order value, orders per region). Imported by the function process of the
 * backfill, so it imports nothing but the declarations.
 *
 * @module
 */
import type postgres from "postgres";
import { DECLARED_METRICS, type MetricDeclaration } from "../functions/_shared/metrics.ts";

/** The two metrics only the benchmark declares, with their emulator tokens and variables. */
export const EXTRA_METRICS = [
  {
    declaration: {
      key: "average_order_value",
      title: "Average Order Value",
      source: {
        relation: "daily_average_order_value",
        dateColumn: "date",
        valueColumn: "average_order_value",
      },
      range: { min: 0 },
      tokenVariable: "AVERAGE_ORDER_VALUE_METRIC_ID",
    },
    token: "bsnss_mtrc_avgordervalue0001",
  },
  {
    declaration: {
      key: "orders_by_region",
      title: "Orders by Region",
      source: {
        relation: "daily_orders_by_region",
        dateColumn: "date",
        valueColumn: "orders",
        labelColumn: "region",
      },
      range: { min: 0, integers: true },
      tokenVariable: "ORDERS_BY_REGION_METRIC_ID",
    },
    token: "bsnss_mtrc_ordersbyregion001",
  },
] as const satisfies readonly { declaration: MetricDeclaration; token: string }[];

/** All five declarations, the seed's first. */
export const FIVE_METRICS: readonly MetricDeclaration[] = [
  ...DECLARED_METRICS,
  ...EXTRA_METRICS.map((metric) => metric.declaration),
];

/**
 * Creates the views of the two extra metrics (the seed has the other three).
 *
 * @example
 * ```ts
 * await createExtraViews(db.sql);
 * ```
 */
export async function createExtraViews(sql: postgres.Sql): Promise<void> {
  await sql`
    create or replace view public.daily_average_order_value as
    select (created_at at time zone 'UTC')::date as date,
           round(avg(amount_cents) / 100.0, 2) as average_order_value
    from public.orders
    group by 1
  `;
  await sql`
    create or replace view public.daily_orders_by_region as
    select (created_at at time zone 'UTC')::date as date,
           region,
           count(*)::integer as orders
    from public.orders
    group by 1, 2
  `;
}
