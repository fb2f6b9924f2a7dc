/**
 * The business metrics this deployment keeps in Vantage, declared in code and checked with zod when
 * the function starts, so a wrong declaration names its field instead of failing a sync at 3 a.m.
 *
 * @module
 */
import { z } from "zod";
import { isTimeZone } from "./dates.ts";
import { AppError } from "./errors.ts";

// Identifiers are quoted by the driver anyway; this keeps declarations to plain, unsurprising names.
const identifier = z.string().regex(
  /^[A-Za-z_][A-Za-z0-9_]{0,62}$/,
  "must be a plain SQL identifier",
);

const environmentVariable = z.string().regex(
  /^[A-Z][A-Z0-9_]*$/,
  "must be an environment variable name",
);

/** Vantage's unit scales: the metric is divided by 1, 100, … before cost per unit is computed. */
export const UNIT_SCALES = [
  "per_unit",
  "per_hundred",
  "per_thousand",
  "per_million",
  "per_billion",
] as const;

/** A unit scale. */
export type UnitScale = (typeof UNIT_SCALES)[number];

/** Where a metric's daily values come from: one row per day (and label) in a table or view. */
export const metricSourceSchema = z.object({
  schema: identifier.default("public"),
  relation: identifier,
  dateColumn: identifier,
  valueColumn: identifier,
  /** Optional: values are sent per (day, label); NULL labels are unlabeled. */
  labelColumn: identifier.optional(),
});

/** Which values a metric accepts; others fail the metric with 422. */
export const valueRangeSchema = z.object({
  min: z.number().finite().default(0),
  max: z.number().finite().optional(),
  /** Refuse fractional values (counts such as orders). */
  integers: z.boolean().default(false),
}).refine((range) => range.max === undefined || range.min <= range.max, {
  message: "min must not be above max",
  path: ["min"],
});

/** A cost report the metric is attached to in Vantage, so Vantage shows cost per unit there. */
export const costReportAttachmentSchema = z.object({
  /** The cost report's token (`rprt_…`) … */
  token: z.string().regex(/^rprt_[A-Za-z0-9]+$/, "must be a cost report token (rprt_…)").optional(),
  /** … or the environment variable that holds it (for tokens that differ per environment). */
  tokenVariable: environmentVariable.optional(),
  unitScale: z.enum(UNIT_SCALES).default("per_unit"),
  /** Only values with these labels count on that report (`""` is unlabeled). */
  labelFilter: z.array(z.string()).optional(),
}).refine((attachment) => Boolean(attachment.token) !== Boolean(attachment.tokenVariable), {
  message: "give exactly one of token or tokenVariable",
});

/** A cost report attachment as declared. */
export type CostReportAttachment = z.infer<typeof costReportAttachmentSchema>;

/** Schema of one metric declaration. */
export const metricDefinitionSchema = z.object({
  /** Stable key used in requests (`metrics: ["orders"]`), run rows and bindings. */
  key: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be lower_snake_case"),
  /** The Vantage business metric's title. */
  title: z.string().min(1).max(200),
  source: metricSourceSchema,
  /** Days are complete in this IANA time zone. */
  timeZone: z.string().refine(
    isTimeZone,
    "must be an IANA time zone such as UTC or Europe/Berlin",
  ).default("UTC"),
  /** Complete days re-read on every default sync, so late rows are caught. */
  lookbackDays: z.int().min(1).max(366).default(7),
  /** A day without a source row: not sent (`skip`), or sent as 0 (`zero`, unlabeled metrics only). */
  missingDays: z.enum(["skip", "zero"]).default("skip"),
  range: valueRangeSchema.default({ min: 0, integers: false }),
  /**
   * `upsert` (default) only adds and changes values in Vantage; `mirror` also deletes a value that
   * was sent before and has disappeared from the source, so Vantage matches the source exactly.
   */
  mode: z.enum(["upsert", "mirror"]).default("upsert"),
  /** Environment variable that may hold the Vantage business metric token (it wins over `apply`'s). */
  tokenVariable: environmentVariable,
  /** The Vantage side that `plan` and `apply` manage. */
  vantage: z.object({
    costReports: z.array(costReportAttachmentSchema).default([]),
  }).default({ costReports: [] }),
}).refine((metric) => !(metric.missingDays === "zero" && metric.source.labelColumn), {
  message: 'missingDays "zero" needs an unlabeled source (no labelColumn)',
  path: ["missingDays"],
});

/** A validated metric declaration. */
export type MetricDefinition = z.infer<typeof metricDefinitionSchema>;

/** A metric declaration as written, before defaults are applied. */
export type MetricDeclaration = z.input<typeof metricDefinitionSchema>;

/**
 * The metrics declared for this deployment, before validation. Add one here, then run
 * `deno task plan`, `deno task apply` and a first backfill (see the README).
 */
export const DECLARED_METRICS: readonly MetricDeclaration[] = [
  {
    key: "orders",
    title: "Orders",
    // The same view and variable as the vendor's demo script.
    source: {
      schema: "public",
      relation: "total_orders",
      dateColumn: "date",
      valueColumn: "total_orders",
    },
    range: { min: 0, integers: true },
    tokenVariable: "ORDERS_METRIC_ID",
    vantage: {
      costReports: [{ tokenVariable: "ORDERS_COST_REPORT_TOKEN", unitScale: "per_unit" }],
    },
  },
  {
    key: "revenue",
    title: "Revenue",
    source: {
      schema: "public",
      relation: "daily_revenue",
      dateColumn: "date",
      valueColumn: "revenue",
      labelColumn: "region",
    },
    range: { min: 0 },
    tokenVariable: "REVENUE_METRIC_ID",
    // Cost per thousand dollars of revenue.
    vantage: {
      costReports: [{ tokenVariable: "ORDERS_COST_REPORT_TOKEN", unitScale: "per_thousand" }],
    },
  },
  {
    key: "active_customers",
    title: "Active Customers",
    source: {
      schema: "public",
      relation: "daily_active_customers",
      dateColumn: "date",
      valueColumn: "active_customers",
    },
    range: { min: 0, integers: true },
    missingDays: "zero",
    tokenVariable: "ACTIVE_CUSTOMERS_METRIC_ID",
    vantage: {
      costReports: [{ tokenVariable: "ORDERS_COST_REPORT_TOKEN", unitScale: "per_unit" }],
    },
  },
];

/**
 * Validates metric declarations; throws an Error whose message names each bad field.
 *
 * @example
 * ```ts
 * const metrics = parseMetricDefinitions(DECLARED_METRICS);
 * metrics[0].lookbackDays; // 7
 * ```
 */
export function parseMetricDefinitions(
  declarations: readonly MetricDeclaration[],
): MetricDefinition[] {
  const parsed = z.array(metricDefinitionSchema).min(1).safeParse(declarations);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      `metrics.${issue.path.join(".")}: ${issue.message}`
    );
    throw new Error(`Invalid metric declaration: ${problems.join("; ")}`);
  }
  const keys = parsed.data.map((metric) => metric.key);
  const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
  if (duplicate) {
    throw new Error(`Invalid metric declaration: key "${duplicate}" is declared twice`);
  }
  return parsed.data;
}

/**
 * The declared metrics a request names (all when it names none); an unknown key is a 400
 * `unknown_metric` that lists the declared ones.
 *
 * @example
 * ```ts
 * selectMetrics(config.metrics, ["orders"]).map((m) => m.key); // ["orders"]
 * ```
 */
export function selectMetrics(
  declared: MetricDefinition[],
  keys: string[] | undefined,
): MetricDefinition[] {
  if (!keys) return declared;
  const unknown = keys.filter((key) => !declared.some((metric) => metric.key === key));
  if (unknown.length > 0) {
    throw new AppError(
      "unknown_metric",
      `Unknown metric ${unknown.map((k) => `"${k}"`).join(", ")}; declared metrics: ${
        declared.map((m) => m.key).join(", ")
      }`,
    );
  }
  return declared.filter((metric) => keys.includes(metric.key));
}
