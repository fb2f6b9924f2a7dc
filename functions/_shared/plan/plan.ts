/**
 * `plan`: what `apply` would change in Vantage so that it matches the declared metrics, as
 * `terraform plan` shows it. Reads the bindings and each bound business metric; changes nothing.
 *
 * @module
 */
import { z } from "zod";
import {
  loadRecordedBindings,
  type MetricBinding,
  type RecordedBinding,
  resolveBindings,
} from "../bindings.ts";
import { requireSetting } from "../config.ts";
import { withDatabase } from "../database.ts";
import { AppError } from "../errors.ts";
import type { MetricDefinition } from "../metrics.ts";
import type { VantageClient } from "../vantage/client.ts";
import {
  type AttachmentChange,
  type AttachmentWarning,
  diffAttachments,
  resolveAttachments,
  type ResolvedAttachments,
  type WriteAttachment,
} from "./attachments.ts";
import { deadlineFor, forMetric, type PlanDependencies, vantageClientFor } from "./context.ts";

/** Schema of `POST /plan`'s body; unknown keys are refused. */
export const planRequestSchema = z.strictObject({
  /** Plan as `apply --prune` would: delete the Vantage metrics of removed declarations. */
  prune: z.boolean().default(false),
});

/** Options of {@link planChanges}. */
export type PlanOptions = z.infer<typeof planRequestSchema>;

/** What `apply` does to one metric. */
export type ActionKind = "create" | "update" | "delete" | "no_change" | "keep_unmanaged";

/** One metric's line of the plan. */
export interface PlanAction {
  kind: ActionKind;
  metricKey: string;
  title: string;
  /** The Vantage business metric token, null when apply creates one. */
  token: string | null;
  /** Where the token came from: the metric's variable, or a binding `apply` recorded. */
  tokenSource: MetricBinding["source"] | null;
  changes: {
    title?: { from: string; to: string };
    attachments: AttachmentChange[];
  };
  /** The metric's cost report attachments after apply (Vantage replaces the whole list). */
  attachments: WriteAttachment[];
  /** What apply does to the metric's row in `unit_economics.metric_bindings`. */
  binding: "record" | "forget" | null;
  /** Why, in words. */
  notes: string[];
}

/** What `apply` would do, as JSON. */
export interface Plan {
  prune: boolean;
  actions: PlanAction[];
  /** Vantage business metrics to create, change and delete; `unchanged` counts the rest. */
  summary: { create: number; update: number; delete: number; unchanged: number };
  warnings: AttachmentWarning[];
}

/** What `keep_unmanaged` says, so people know how to get rid of it. */
export const NOT_DECLARED_KEPT = "not declared; kept (apply --prune deletes it)";

/**
 * Plans the changes that make Vantage match the declared metrics. Throws an AppError naming the
 * metric when Vantage or the database fails (502 / 503), and `misconfigured` (500) when a token
 * variable names a metric Vantage does not know.
 *
 * @example
 * ```ts
 * const plan = await planChanges({ config, env: (name) => Deno.env.get(name), sql }, { prune: false });
 * plan.summary; // { create: 1, update: 0, delete: 0, unchanged: 2 }
 * ```
 */
export async function planChanges(deps: PlanDependencies, options: PlanOptions): Promise<Plan> {
  requireSetting(deps.config, "metrics");
  requireSetting(deps.config, "VANTAGE_API_TOKEN");
  const vantage = vantageClientFor(deps);
  const deadlineMs = deadlineFor(deps);
  const { recorded, bindings } = await withDatabase("reading metric bindings", async () => ({
    recorded: await loadRecordedBindings(deps.sql),
    bindings: await resolveBindings(deps.sql, deps.config),
  }));

  const actions: PlanAction[] = [];
  const warnings: AttachmentWarning[] = [];
  for (const metric of deps.config.metrics) {
    const resolved = resolveAttachments(metric, deps.env);
    warnings.push(...resolved.warnings);
    const context = {
      metric,
      binding: bindings[metric.key],
      row: recorded.find((row) => row.metricKey === metric.key),
      resolved,
    };
    actions.push(await planMetric(context, vantage, deadlineMs));
  }
  const boundTokens = new Map(
    Object.entries(bindings).flatMap(([key, binding]) => binding ? [[binding.token, key]] : []),
  );
  const declared = new Set(deps.config.metrics.map((metric) => metric.key));
  for (const row of recorded) {
    if (declared.has(row.metricKey)) continue;
    actions.push(planUndeclared(row, boundTokens.get(row.token), options.prune));
  }
  return { prune: options.prune, actions, summary: summarize(actions), warnings };
}

/**
 * True when applying `plan` would change anything, in Vantage or in the recorded bindings.
 *
 * @example
 * ```ts
 * if (!hasChanges(plan)) console.log("Nothing to apply.");
 * ```
 */
export function hasChanges(plan: Plan): boolean {
  return plan.actions.some((action) =>
    action.kind === "create" || action.kind === "update" || action.kind === "delete" ||
    action.binding !== null
  );
}

interface MetricContext {
  metric: MetricDefinition;
  binding: MetricBinding | null;
  row: RecordedBinding | undefined;
  resolved: ResolvedAttachments;
}

async function planMetric(
  { metric, binding, row, resolved }: MetricContext,
  vantage: VantageClient,
  deadlineMs: number,
): Promise<PlanAction> {
  if (!binding) {
    return createAction(
      metric,
      resolved,
      `no token yet (neither ${metric.tokenVariable} nor a binding recorded by apply)`,
    );
  }
  const current = await forMetric(
    metric.key,
    `reading business metric ${binding.token} from Vantage`,
    () => vantage.getBusinessMetric(binding.token, deadlineMs),
  );
  if (!current) {
    if (binding.source === "environment") {
      // Creating one would not help: the variable wins, so every plan would create another.
      throw new AppError(
        "misconfigured",
        `${metric.key}: ${metric.tokenVariable} is ${binding.token}, which Vantage does not know (deleted, or a typo): correct it, or unset it so that apply creates "${metric.title}" and records the new token`,
        { details: { variable: metric.tokenVariable, metricKey: metric.key } },
      );
    }
    return createAction(
      metric,
      resolved,
      `the recorded token ${binding.token} is unknown to Vantage (deleted outside this tool): created again`,
    );
  }

  const diff = diffAttachments(resolved.attachments, current.cost_report_tokens_with_metadata, {
    keepUndeclared: !resolved.complete,
  });
  const title = current.title === metric.title
    ? undefined
    : { from: current.title, to: metric.title };
  const record = row?.token !== binding.token || row.title !== metric.title;
  const notes = record
    ? [
      binding.source === "environment"
        ? `apply records this token (from ${metric.tokenVariable}), so the metric stays bound without it`
        : "apply records the new title with its binding",
    ]
    : [];
  return {
    kind: title || diff.changes.length > 0 ? "update" : "no_change",
    metricKey: metric.key,
    title: metric.title,
    token: binding.token,
    tokenSource: binding.source,
    changes: { ...(title ? { title } : {}), attachments: diff.changes },
    attachments: diff.target,
    binding: record ? "record" : null,
    notes,
  };
}

function createAction(
  metric: MetricDefinition,
  resolved: ResolvedAttachments,
  why: string,
): PlanAction {
  const diff = diffAttachments(resolved.attachments, []);
  return {
    kind: "create",
    metricKey: metric.key,
    title: metric.title,
    token: null,
    tokenSource: null,
    changes: { attachments: diff.changes },
    attachments: diff.target,
    binding: "record",
    notes: [why],
  };
}

/**
 * A binding whose declaration is gone. Only such bindings are ever deleted: a Vantage metric this
 * tool did not bind is never touched. One whose token a declared metric uses now is only forgotten.
 */
function planUndeclared(
  row: RecordedBinding,
  usedBy: string | undefined,
  prune: boolean,
): PlanAction {
  const base = {
    metricKey: row.metricKey,
    title: row.title,
    token: row.token,
    tokenSource: "apply" as const,
    changes: { attachments: [] },
    attachments: [],
  };
  if (usedBy) {
    return {
      ...base,
      kind: prune ? "no_change" : "keep_unmanaged",
      binding: prune ? "forget" : null,
      notes: [
        `not declared, but its Vantage metric is bound to declared metric ${usedBy}: never deleted; ${
          prune ? "apply forgets this binding" : "apply --prune forgets this binding"
        }`,
      ],
    };
  }
  return prune
    ? { ...base, kind: "delete", binding: "forget", notes: ["not declared; deleted by --prune"] }
    : { ...base, kind: "keep_unmanaged", binding: null, notes: [NOT_DECLARED_KEPT] };
}

function summarize(actions: readonly PlanAction[]): Plan["summary"] {
  const count = (kind: ActionKind) => actions.filter((action) => action.kind === kind).length;
  return {
    create: count("create"),
    update: count("update"),
    delete: count("delete"),
    unchanged: count("no_change") + count("keep_unmanaged"),
  };
}
