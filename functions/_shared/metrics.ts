/**
 * The business metrics this deployment keeps in Vantage, declared in code and checked with zod when
 * the function starts, so a wrong declaration names its field instead of failing a sync at 3 a.m.
 *
 * @module
 */
import { z } from "zod";
import { isTimeZone } from "./dates.ts";

// Identifiers are quoted by the driver anyway; this keeps declarations to plain, unsurprising names.
const identifier = z.string().regex(
  /^[A-Za-z_][A-Za-z0-9_]{0,62}$/,
  "must be a plain SQL identifier",
);

/** Where a metric's daily values come from: one row per day (and label) in a table or view. */
export const metricSourceSchema = z.object({
  schema: identifier.default("public"),
  relation: identifier,
  dateColumn: identifier,
  valueColumn: identifier,
});

/** Schema of one metric declaration. */
export const metricDefinitionSchema = z.object({
  /** Stable key used in requests (`metrics: ["orders"]`) and run rows. */
  key: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be lower_snake_case"),
  /** The Vantage business metric's title. */
  title: z.string().min(1).max(200),
  source: metricSourceSchema,
  /** Days are complete in this IANA time zone. */
  timeZone: z.string().refine(isTimeZone, "must be an IANA time zone such as UTC or Europe/Berlin")
    .default("UTC"),
  /** Complete days re-read on every default sync, so late rows are caught. */
  lookbackDays: z.int().min(1).max(366).default(7),
  /** A day without a source row: not sent (`skip`), or sent as 0 (`zero`). */
  missingDays: z.enum(["skip", "zero"]).default("skip"),
  /** Refuse fractional values (counts such as orders). Negative values are always refused. */
  integerValues: z.boolean().default(false),
  /** Environment variable that holds the Vantage business metric token. */
  tokenVariable: z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be an environment variable name"),
});

/** A validated metric declaration. */
export type MetricDefinition = z.infer<typeof metricDefinitionSchema>;

/** A metric declaration as written, before defaults are applied. */
export type MetricDeclaration = z.input<typeof metricDefinitionSchema>;

/** The metrics declared for this deployment, before validation. */
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
    timeZone: "UTC",
    lookbackDays: 7,
    missingDays: "skip",
    integerValues: true,
    tokenVariable: "ORDERS_METRIC_ID",
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
