/**
 * Cost report attachments: the ones a metric declares, resolved against the environment, and how
 * they differ from the ones Vantage has. Pure functions, so the heart of `plan` is tested without
 * a database or a network.
 *
 * @module
 */
import type { Environment } from "../config.ts";
import type { MetricDefinition, UnitScale } from "../metrics.ts";
import type { BusinessMetric } from "../vantage/schemas.ts";

const COST_REPORT_TOKEN = /^rprt_[A-Za-z0-9]+$/;

/** An attachment as declared, with its cost report token known. */
export interface DesiredAttachment {
  costReportToken: string;
  unitScale: UnitScale;
  /** Labels that count on the report; null counts every label. */
  labelFilter: string[] | null;
}

/** An attachment as Vantage returns it. */
export type ActualAttachment = BusinessMetric["cost_report_tokens_with_metadata"][number];

/** The settings of an attachment that `plan` compares. */
export interface AttachmentSettings {
  unitScale: string;
  /** null: every label counts. */
  labelFilter: string[] | null;
}

/** One difference between the declared and the actual attachments of a metric. */
export type AttachmentChange =
  | { action: "add"; costReportToken: string; to: AttachmentSettings }
  | {
    action: "change";
    costReportToken: string;
    from: AttachmentSettings;
    to: AttachmentSettings;
  }
  | { action: "remove"; costReportToken: string; from: AttachmentSettings };

/**
 * One item of `cost_report_tokens_with_metadata` as `apply` writes it. `calculation_type` and
 * `label` are not declared here, so an attachment that stays keeps the values Vantage has.
 */
export interface WriteAttachment {
  cost_report_token: string;
  unit_scale: string;
  label_filter?: string[];
  calculation_type?: string;
  label?: string;
}

/** A warning about a declared attachment that `plan` had to skip. */
export interface AttachmentWarning {
  metricKey: string;
  /** The environment variable to set, when that is the fix. */
  variable?: string;
  message: string;
}

/** The declared attachments of a metric with their tokens, and the ones that could not be resolved. */
export interface ResolvedAttachments {
  attachments: DesiredAttachment[];
  warnings: AttachmentWarning[];
  /** False when a declared attachment was skipped: which report it meant is then unknown. */
  complete: boolean;
}

/**
 * The attachments a metric declares, with `tokenVariable`s read from `env`. An unset or malformed
 * variable skips that attachment with a warning naming the variable.
 *
 * @example
 * ```ts
 * const { attachments, warnings } = resolveAttachments(metric, (name) => Deno.env.get(name));
 * attachments[0]; // { costReportToken: "rprt_…", unitScale: "per_unit", labelFilter: null }
 * ```
 */
export function resolveAttachments(
  metric: Pick<MetricDefinition, "key" | "vantage">,
  env: Environment,
): ResolvedAttachments {
  const attachments: DesiredAttachment[] = [];
  const warnings: AttachmentWarning[] = [];
  let complete = true;
  for (const declared of metric.vantage.costReports) {
    const variable = declared.tokenVariable;
    const token = declared.token ?? env(variable!)?.trim();
    if (!token || !COST_REPORT_TOKEN.test(token)) {
      warnings.push({
        metricKey: metric.key,
        variable,
        message: `${metric.key}: the ${declared.unitScale} cost report attachment is skipped: ${
          token ? `${variable} is not a cost report token` : `${variable} is not set`
        }; set it to the cost report's token (rprt_…). Until then, attachments of this metric that are not declared are left as they are.`,
      });
      complete = false;
      continue;
    }
    if (attachments.some((attachment) => attachment.costReportToken === token)) {
      warnings.push({
        metricKey: metric.key,
        message:
          `${metric.key}: cost report ${token} is declared twice; the first declaration counts`,
      });
      continue;
    }
    attachments.push({
      costReportToken: token,
      unitScale: declared.unitScale,
      labelFilter: normalizeLabelFilter(declared.labelFilter),
    });
  }
  return { attachments, warnings, complete };
}

/** The attachment changes of one metric and the full list it has afterwards. */
export interface AttachmentDiff {
  changes: AttachmentChange[];
  /** Every attachment after apply, in declaration order, then kept undeclared ones. */
  target: WriteAttachment[];
}

/**
 * Compares declared attachments with Vantage's, by cost report token: declared but missing → add;
 * unit scale or label filter different → change; attached but not declared → remove, unless
 * `keepUndeclared` (a declared attachment could not be resolved, and may be that one).
 * `calculation_type` is not compared: this tool leaves it as Vantage has it.
 *
 * @example
 * ```ts
 * const { changes } = diffAttachments(
 *   [{ costReportToken: "rprt_a", unitScale: "per_thousand", labelFilter: null }],
 *   [{ cost_report_token: "rprt_a", unit_scale: "per_unit" }],
 * );
 * // [{ action: "change", costReportToken: "rprt_a",
 * //    from: { unitScale: "per_unit", labelFilter: null },
 * //    to: { unitScale: "per_thousand", labelFilter: null } }]
 * ```
 */
export function diffAttachments(
  desired: readonly DesiredAttachment[],
  actual: readonly ActualAttachment[],
  { keepUndeclared = false }: { keepUndeclared?: boolean } = {},
): AttachmentDiff {
  // An attachment without a cost report token cannot be compared, nor written back.
  const attached = actual.filter((item): item is ActualAttachment & { cost_report_token: string } =>
    Boolean(item.cost_report_token)
  );
  const changes: AttachmentChange[] = [];
  const target: WriteAttachment[] = [];
  for (const wanted of desired) {
    const to = { unitScale: wanted.unitScale, labelFilter: wanted.labelFilter };
    const current = attached.find((item) => item.cost_report_token === wanted.costReportToken);
    if (!current) {
      changes.push({ action: "add", costReportToken: wanted.costReportToken, to });
      target.push(toWrite(wanted.costReportToken, to));
      continue;
    }
    const from = settingsOf(current);
    if (!sameSettings(from, to)) {
      changes.push({ action: "change", costReportToken: wanted.costReportToken, from, to });
    }
    target.push({ ...unmanagedFields(current), ...toWrite(wanted.costReportToken, to) });
  }
  const declared = new Set(desired.map((wanted) => wanted.costReportToken));
  for (const item of attached) {
    if (declared.has(item.cost_report_token)) continue;
    if (keepUndeclared) {
      target.push({
        ...unmanagedFields(item),
        ...toWrite(item.cost_report_token, settingsOf(item)),
      });
    } else {
      changes.push({
        action: "remove",
        costReportToken: item.cost_report_token,
        from: settingsOf(item),
      });
    }
  }
  return { changes, target };
}

/**
 * A label filter in one canonical form: absent and empty both count every label (as in Vantage).
 *
 * @example
 * ```ts
 * normalizeLabelFilter([]); // null
 * normalizeLabelFilter(["us", "eu"]); // ["us", "eu"]
 * ```
 */
export function normalizeLabelFilter(
  filter: readonly string[] | null | undefined,
): string[] | null {
  return filter && filter.length > 0 ? [...filter] : null;
}

/**
 * True when two attachments count the same: same unit scale, same labels in any order.
 *
 * @example
 * ```ts
 * sameSettings(
 *   { unitScale: "per_unit", labelFilter: ["eu", "us"] },
 *   { unitScale: "per_unit", labelFilter: ["us", "eu"] },
 * ); // true
 * ```
 */
export function sameSettings(a: AttachmentSettings, b: AttachmentSettings): boolean {
  return a.unitScale === b.unitScale && sameLabelFilter(a.labelFilter, b.labelFilter);
}

/**
 * True when two label filters count the same labels (order and repeats do not matter).
 *
 * @example
 * ```ts
 * sameLabelFilter(["us", "eu", "eu"], ["eu", "us"]); // true
 * sameLabelFilter(null, ["eu"]); // false
 * ```
 */
export function sameLabelFilter(a: string[] | null, b: string[] | null): boolean {
  const key = (filter: string[] | null) =>
    JSON.stringify(filter ? [...new Set(filter)].sort() : null);
  return key(a) === key(b);
}

function settingsOf(item: ActualAttachment): AttachmentSettings {
  return { unitScale: item.unit_scale, labelFilter: normalizeLabelFilter(item.label_filter) };
}

function toWrite(costReportToken: string, settings: AttachmentSettings): WriteAttachment {
  return {
    cost_report_token: costReportToken,
    unit_scale: settings.unitScale,
    ...(settings.labelFilter ? { label_filter: settings.labelFilter } : {}),
  };
}

function unmanagedFields(
  item: ActualAttachment,
): Pick<WriteAttachment, "calculation_type" | "label"> {
  return {
    ...(item.calculation_type ? { calculation_type: item.calculation_type } : {}),
    ...(item.label ? { label: item.label } : {}),
  };
}
