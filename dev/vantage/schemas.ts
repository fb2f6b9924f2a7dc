/**
 * Request-body schemas of the business-metric endpoints (`createBusinessMetric`,
 * `updateBusinessMetric`), validated on bodies parsed by `parseJsonExact` (amounts arrive as `JsonNumber`).
 *
 * @module
 */

import { z } from "zod";
import { parseDay } from "./dates.ts";
import { canonicalDecimal } from "./decimal.ts";
import { JsonNumber } from "./json.ts";
import {
  type AttachedCostReport,
  CALCULATION_TYPES,
  UNIT_SCALES,
  type UnitScale,
  type ValueChange,
} from "./state.ts";

const UNIT_SCALE_NAMES = Object.keys(UNIT_SCALES) as [UnitScale, ...UnitScale[]];

// Messages read after the field name: "values[0].amount must be a number".
function expected(what: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? "is required" : `must be ${what}`;
}

const text = z.string({ error: expected("a string") });

const valueItem = z.object({
  date: text.transform((input, ctx) => {
    const day = parseDay(input);
    if (!day) ctx.addIssue({ code: "custom", message: "must be a date (YYYY-MM-DD) or date-time" });
    return day ?? "";
  }),
  // `null` deletes the point, as the per-unit-costs guide documents.
  amount: z.instanceof(JsonNumber, { error: expected("a number or null") }).nullable()
    .transform((input, ctx) => {
      if (input === null) return null;
      const amount = canonicalDecimal(input.source);
      if (amount === undefined) ctx.addIssue({ code: "custom", message: "is out of range" });
      return amount ?? null;
    }),
  // "" and null both mean unlabeled; they are one key.
  label: z.string({ error: expected("a string or null") }).nullish().transform((label) =>
    label ? label : null
  ),
});

const valueList = z.array(valueItem, { error: expected("an array") })
  .transform((items): ValueChange[] => items);

const attachedCostReport = z.object({
  cost_report_token: text,
  unit_scale: z.enum(UNIT_SCALE_NAMES, { error: `must be one of ${UNIT_SCALE_NAMES.join(", ")}` })
    .default("per_unit"),
  calculation_type: z.enum(CALCULATION_TYPES, {
    error: `must be one of ${CALCULATION_TYPES.join(", ")}`,
  }).default("unit_cost"),
  label: z.string({ error: expected("a string") }).nullish(),
  label_filter: z.array(text, { error: expected("an array of strings") }).nullish(),
  label_filters: z.record(z.string(), z.array(text).min(1), {
    error: expected("an object of string arrays"),
  }).nullish(),
}, { error: expected("an object") }).transform((
  { label, label_filter, label_filters, ...attached },
): AttachedCostReport => ({
  // These keys are x-omitempty in responses: a null sent is a key left out.
  ...attached,
  ...(label != null && { label }),
  ...(label_filter != null && { label_filter }),
  ...(label_filters != null && { label_filters }),
}));

const integrationFields = z.record(z.string(), z.unknown(), { error: expected("an object") });

const metricFields = {
  cost_report_tokens_with_metadata: z.array(attachedCostReport, { error: expected("an array") })
    .optional(),
  values: valueList.optional(),
  forecasted_values: valueList.optional(),
  // Accepted so that valid bodies pass; the emulator imports nothing from integrations.
  datadog_metric_fields: integrationFields.optional(),
  cloudwatch_fields: integrationFields.optional(),
  snowflake_metric_fields: integrationFields.optional(),
};

const bodyError = { error: "The request body must be a JSON object" };

/**
 * `createBusinessMetric`: `title` required.
 *
 * @example
 * ```ts
 * createMetricBody.parse({ title: "Orders" }).title; // "Orders"
 * ```
 */
export const createMetricBody = z.object({
  title: text.trim().min(1, "can't be blank"),
  ...metricFields,
}, bodyError);

/**
 * `updateBusinessMetric`: every key optional; an omitted key leaves that part untouched.
 *
 * @example
 * ```ts
 * updateMetricBody.parse({}); // {}
 * ```
 */
export const updateMetricBody = z.object({
  title: text.trim().min(1, "can't be blank").optional(),
  ...metricFields,
}, bodyError);

/**
 * A validated create or update body.
 *
 * @example
 * ```ts
 * const body: MetricBody = updateMetricBody.parse({ title: "Orders" });
 * ```
 */
export type MetricBody = z.infer<typeof updateMetricBody>;
