import assert from "node:assert/strict";
import { formatApplyStep, formatApplySummary, formatPlan } from "../../cli/plan-format.ts";
import type { Plan, PlanAction } from "../../functions/_shared/plan/plan.ts";

const action = (fields: Partial<PlanAction> & Pick<PlanAction, "kind" | "metricKey">) => ({
  title: fields.metricKey,
  token: null,
  tokenSource: null,
  changes: { attachments: [] },
  attachments: [],
  binding: null,
  notes: [],
  ...fields,
});

const PLAN: Plan = {
  prune: false,
  actions: [
    action({
      kind: "create",
      metricKey: "orders",
      title: "Orders",
      binding: "record",
      changes: {
        attachments: [{
          action: "add",
          costReportToken: "rprt_a",
          to: { unitScale: "per_unit", labelFilter: null },
        }],
      },
      notes: ["no token yet"],
    }),
    action({
      kind: "update",
      metricKey: "revenue",
      title: "Revenue",
      token: "bsnss_mtrc_2",
      changes: {
        title: { from: "Rev", to: "Revenue" },
        attachments: [
          {
            action: "change",
            costReportToken: "rprt_a",
            from: { unitScale: "per_unit", labelFilter: null },
            to: { unitScale: "per_thousand", labelFilter: null },
          },
          {
            action: "change",
            costReportToken: "rprt_b",
            from: { unitScale: "per_unit", labelFilter: ["eu"] },
            to: { unitScale: "per_unit", labelFilter: ["eu", ""] },
          },
          {
            action: "remove",
            costReportToken: "rprt_c",
            from: { unitScale: "per_hundred", labelFilter: ["us"] },
          },
        ],
      },
    }),
    action({ kind: "no_change", metricKey: "active_customers", token: "bsnss_mtrc_3" }),
    action({ kind: "delete", metricKey: "legacy", token: "bsnss_mtrc_4", binding: "forget" }),
    action({
      kind: "keep_unmanaged",
      metricKey: "old",
      token: "bsnss_mtrc_5",
      notes: ["not declared; kept (apply --prune deletes it)"],
    }),
  ],
  summary: { create: 1, update: 1, delete: 1, unchanged: 2 },
  warnings: [{ metricKey: "orders", variable: "X", message: "orders: set X" }],
};

Deno.test("a plan reads like terraform plan: one block per metric, warnings, summary line", () => {
  assert.equal(
    formatPlan(PLAN),
    [
      '+ create orders "Orders"',
      "    + attach rprt_a (unit_scale per_unit)",
      "    # no token yet",
      '~ update revenue "Revenue" (bsnss_mtrc_2)',
      '    ~ title "Rev" -> "Revenue"',
      "    ~ rprt_a: unit_scale per_unit -> per_thousand",
      '    ~ rprt_b: label_filter ["eu"] -> ["eu",""]',
      '    - detach rprt_c (unit_scale per_hundred, label_filter ["us"])',
      '= active_customers "active_customers" (bsnss_mtrc_3): no changes',
      '- delete legacy "legacy" (bsnss_mtrc_4)',
      '= old "old" (bsnss_mtrc_5): not declared; kept (apply --prune deletes it)',
      "",
      "Warnings:",
      "  ! orders: set X",
      "",
      "Plan: 1 to create, 1 to change, 1 to delete.",
    ].join("\n"),
  );
});

Deno.test("a plan without changes says so above the summary line", () => {
  const plan: Plan = {
    prune: false,
    actions: [action({ kind: "no_change", metricKey: "orders", token: "bsnss_mtrc_1" })],
    summary: { create: 0, update: 0, delete: 0, unchanged: 1 },
    warnings: [],
  };
  assert.match(
    formatPlan(plan),
    /\n\nNo changes: Vantage matches the declared metrics\.\nPlan: 0 to create, 0 to change, 0 to delete\.$/,
  );
});

Deno.test("apply steps and the closing line are readable", () => {
  const step = { metricKey: "orders", title: "Orders", token: "bsnss_mtrc_1" };
  assert.equal(
    formatApplyStep({ kind: "created", ...step }),
    '+ created orders "Orders": bsnss_mtrc_1',
  );
  assert.equal(
    formatApplyStep({ kind: "deleted", ...step, note: "already gone in Vantage" }),
    '- deleted orders "Orders" (bsnss_mtrc_1) (already gone in Vantage)',
  );
  assert.equal(
    formatApplyStep({ kind: "recorded", ...step }),
    "  recorded binding orders -> bsnss_mtrc_1",
  );
  assert.equal(
    formatApplySummary({
      steps: [],
      summary: { created: 1, updated: 2, deleted: 0, recorded: 1, forgotten: 2 },
    }),
    "Apply complete: 1 created, 2 changed, 0 deleted; 1 binding recorded, 2 bindings forgotten.",
  );
});
