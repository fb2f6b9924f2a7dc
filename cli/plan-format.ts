/**
 * The readable forms of a plan and of what apply did, in the style of `terraform plan`:
 * `+` create, `~` update, `-` delete, `=` nothing to change.
 *
 * @module
 */
import {
  type AttachmentChange,
  type AttachmentSettings,
  sameLabelFilter,
} from "../functions/_shared/plan/attachments.ts";
import type { ApplyResult, ApplyStep } from "../functions/_shared/plan/apply.ts";
import { hasChanges, type Plan, type PlanAction } from "../functions/_shared/plan/plan.ts";

const INDENT = "    ";

/**
 * Formats a plan: one block per metric, the warnings, and the summary line.
 *
 * @example
 * ```ts
 * console.log(formatPlan(plan));
 * // ~ update revenue "Revenue" (bsnss_mtrc_…)
 * //     ~ rprt_…: unit_scale per_unit -> per_thousand
 * //
 * // Plan: 0 to create, 1 to change, 0 to delete.
 * ```
 */
export function formatPlan(plan: Plan): string {
  const lines = plan.actions.flatMap(formatAction);
  if (plan.warnings.length > 0) {
    lines.push("", "Warnings:", ...plan.warnings.map((warning) => `  ! ${warning.message}`));
  }
  const { create, update, delete: remove } = plan.summary;
  lines.push("");
  if (!hasChanges(plan)) lines.push("No changes: Vantage matches the declared metrics.");
  lines.push(`Plan: ${create} to create, ${update} to change, ${remove} to delete.`);
  return lines.join("\n");
}

/**
 * Formats one step of apply as it happens.
 *
 * @example
 * ```ts
 * formatApplyStep({ kind: "created", metricKey: "orders", title: "Orders", token: "bsnss_mtrc_1" });
 * // '+ created orders "Orders": bsnss_mtrc_1'
 * ```
 */
export function formatApplyStep(step: ApplyStep): string {
  const who = `${step.metricKey} "${step.title}"`;
  const note = step.note ? ` (${step.note})` : "";
  switch (step.kind) {
    case "created":
      return `+ created ${who}: ${step.token}${note}`;
    case "updated":
      return `~ updated ${who} (${step.token})${note}`;
    case "deleted":
      return `- deleted ${who} (${step.token})${note}`;
    case "recorded":
      return `  recorded binding ${step.metricKey} -> ${step.token}${note}`;
    case "forgotten":
      return `  forgot binding ${step.metricKey} (${step.token})${note}`;
  }
}

/**
 * The closing line of apply.
 *
 * @example
 * ```ts
 * formatApplySummary(result); // "Apply complete: 1 created, 0 changed, 0 deleted; 1 binding recorded."
 * ```
 */
export function formatApplySummary(result: ApplyResult): string {
  const { created, updated, deleted, recorded, forgotten } = result.summary;
  const bindings = [
    recorded > 0 ? `${plural(recorded, "binding")} recorded` : "",
    forgotten > 0 ? `${plural(forgotten, "binding")} forgotten` : "",
  ].filter(Boolean);
  return `Apply complete: ${created} created, ${updated} changed, ${deleted} deleted${
    bindings.length > 0 ? `; ${bindings.join(", ")}` : ""
  }.`;
}

function formatAction(action: PlanAction): string[] {
  const who = `${action.metricKey} "${action.title}"`;
  const token = action.token ? ` (${action.token})` : "";
  const notes = action.notes.map((note) => `${INDENT}# ${note}`);
  switch (action.kind) {
    case "create":
      return [`+ create ${who}`, ...action.changes.attachments.map(formatAttachment), ...notes];
    case "update":
      return [
        `~ update ${who}${token}`,
        ...(action.changes.title
          ? [`${INDENT}~ title "${action.changes.title.from}" -> "${action.changes.title.to}"`]
          : []),
        ...action.changes.attachments.map(formatAttachment),
        ...notes,
      ];
    case "delete":
      return [`- delete ${who}${token}`, ...notes];
    case "no_change":
      return [`= ${who}${token}: no changes`, ...notes];
    case "keep_unmanaged":
      return [`= ${who}${token}: ${action.notes.join("; ")}`];
  }
}

function formatAttachment(change: AttachmentChange): string {
  switch (change.action) {
    case "add":
      return `${INDENT}+ attach ${change.costReportToken} (${describe(change.to)})`;
    case "remove":
      return `${INDENT}- detach ${change.costReportToken} (${describe(change.from)})`;
    case "change": {
      const { from, to } = change;
      const parts = [
        from.unitScale === to.unitScale ? "" : `unit_scale ${from.unitScale} -> ${to.unitScale}`,
        sameLabelFilter(from.labelFilter, to.labelFilter)
          ? ""
          : `label_filter ${labels(from)} -> ${labels(to)}`,
      ].filter(Boolean);
      return `${INDENT}~ ${change.costReportToken}: ${parts.join(", ")}`;
    }
  }
}

function describe(settings: AttachmentSettings): string {
  const filter = settings.labelFilter ? `, label_filter ${labels(settings)}` : "";
  return `unit_scale ${settings.unitScale}${filter}`;
}

function labels(settings: AttachmentSettings): string {
  return settings.labelFilter ? JSON.stringify(settings.labelFilter) : "(all labels)";
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
