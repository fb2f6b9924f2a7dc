/**
 * zod schemas of the Vantage API responses the product reads (from the vendor's Swagger spec), so a
 * response of the wrong shape fails loudly instead of being half-understood.
 *
 * @module
 */
import { z } from "zod";

/** `Errors` model: `{"errors": string[]}`. */
export const errorsSchema = z.object({ errors: z.array(z.string()) });

/** A cost report attached to a business metric. */
export const attachedCostReportSchema = z.object({
  cost_report_token: z.string().nullable(),
  unit_scale: z.string(),
  calculation_type: z.string().optional(),
  label: z.string().optional(),
  label_filter: z.array(z.string()).optional(),
});

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
