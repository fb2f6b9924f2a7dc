/**
 * zod schemas of the Vantage API responses the product reads (from the vendor's Swagger spec), so a
 * response of the wrong shape fails loudly instead of being half-understood.
 *
 * @module
 */
import { z } from "zod";

/** `Errors` model: `{"errors": string[]}`. */
export const errorsSchema = z.object({ errors: z.array(z.string()) });

/** A cost report attached to a business metric, as Vantage returns it. */
export const attachedCostReportSchema = z.object({
  cost_report_token: z.string().nullable(),
  unit_scale: z.string(),
  calculation_type: z.string().optional(),
  label: z.string().optional(),
  label_filter: z.array(z.string()).optional(),
});

/** An attachment of a business metric to a cost report. */
export type AttachedCostReport = z.infer<typeof attachedCostReportSchema>;

/** `BusinessMetric` (values are not embedded since the 2025-02 spec). */
export const businessMetricSchema = z.object({
  token: z.string().min(1),
  title: z.string(),
  created_by_token: z.string().nullable().optional(),
  cost_report_tokens_with_metadata: z.array(attachedCostReportSchema),
  import_type: z.string().nullable().optional(),
  integration_token: z.string().nullable().optional(),
});

/** A validated business metric. */
export type BusinessMetric = z.infer<typeof businessMetricSchema>;

/** The body of a business metric create or update, as this tool writes it. */
export interface BusinessMetricWrite {
  title: string;
  cost_report_tokens_with_metadata: {
    cost_report_token: string;
    unit_scale: string;
    label_filter?: string[];
  }[];
}

/** One value as Vantage returns it: a date-time at UTC midnight and the amount as a string. */
export const vantageValueSchema = z.object({
  date: z.string().min(10),
  amount: z.string(),
  label: z.string().nullable().optional(),
});

/** A value read back from Vantage. */
export type VantageValue = z.infer<typeof vantageValueSchema>;

/** A page of `GET /business_metrics/{token}/values` (links appear on paginated answers). */
export const valuesPageSchema = z.object({
  values: z.array(vantageValueSchema),
  links: z.object({ next: z.string().nullable().optional() }).partial().optional(),
});

const pageLinksSchema = z.object({ next: z.string().nullable().optional() }).partial().optional();

/** One row of `GET /costs`: a day (and grouping) and its amount as a string. */
export const vantageCostSchema = z.object({
  accrued_at: z.string().min(10),
  amount: z.string(),
  currency: z.string(),
});

/** A cost row from Vantage. */
export type VantageCost = z.infer<typeof vantageCostSchema>;

/** A page of `GET /costs`. */
export const costsPageSchema = z.object({
  links: pageLinksSchema,
  costs: z.array(vantageCostSchema),
});

/** One row of `GET /unit_costs`. */
export const vantageUnitCostSchema = z.object({
  business_metric_token: z.string(),
  unit_cost_amount: z.string(),
  business_metric_amount: z.string(),
  scale: z.union([z.string(), z.number()]),
  date: z.string().min(10),
});

/** A unit cost row from Vantage. */
export type VantageUnitCost = z.infer<typeof vantageUnitCostSchema>;

/** A page of `GET /unit_costs`. */
export const unitCostsPageSchema = z.object({
  links: pageLinksSchema,
  unit_costs: z.array(vantageUnitCostSchema),
});

/** The part of a `CostReport` this tool reads. */
export const costReportSchema = z.object({ token: z.string(), title: z.string() });

/** A cost report. */
export type CostReport = z.infer<typeof costReportSchema>;
