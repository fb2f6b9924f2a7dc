import assert from "node:assert/strict";
import {
  type ActualAttachment,
  type DesiredAttachment,
  diffAttachments,
  normalizeLabelFilter,
  resolveAttachments,
  sameSettings,
} from "../../functions/_shared/plan/attachments.ts";
import { parseMetricDefinitions } from "../../functions/_shared/metrics.ts";

const REPORT_A = "rprt_aaaa";
const REPORT_B = "rprt_bbbb";

const wanted = (
  costReportToken: string,
  unitScale: DesiredAttachment["unitScale"] = "per_unit",
  labelFilter: string[] | null = null,
): DesiredAttachment => ({ costReportToken, unitScale, labelFilter });

const attached = (
  cost_report_token: string | null,
  unit_scale = "per_unit",
  extra: Partial<ActualAttachment> = {},
): ActualAttachment => ({ cost_report_token, unit_scale, calculation_type: "unit_cost", ...extra });

function metricWith(costReports: unknown[]) {
  const [metric] = parseMetricDefinitions([{
    key: "orders",
    title: "Orders",
    source: { relation: "total_orders", dateColumn: "date", valueColumn: "total_orders" },
    tokenVariable: "ORDERS_METRIC_ID",
    vantage: { costReports: costReports as never },
  }]);
  return metric;
}

Deno.test("a declared attachment missing in Vantage is added", () => {
  const { changes, target } = diffAttachments([wanted(REPORT_A)], []);
  assert.deepEqual(changes, [{
    action: "add",
    costReportToken: REPORT_A,
    to: { unitScale: "per_unit", labelFilter: null },
  }]);
  assert.deepEqual(target, [{ cost_report_token: REPORT_A, unit_scale: "per_unit" }]);
});

Deno.test("a different unit scale is a change from the old to the new scale", () => {
  const { changes, target } = diffAttachments(
    [wanted(REPORT_A, "per_thousand")],
    [attached(REPORT_A, "per_unit")],
  );
  assert.deepEqual(changes, [{
    action: "change",
    costReportToken: REPORT_A,
    from: { unitScale: "per_unit", labelFilter: null },
    to: { unitScale: "per_thousand", labelFilter: null },
  }]);
  assert.equal(target[0].unit_scale, "per_thousand");
});

Deno.test("a different label filter is a change; order and an empty filter do not matter", () => {
  assert.equal(
    diffAttachments([wanted(REPORT_A, "per_unit", ["eu"])], [attached(REPORT_A)]).changes[0]
      .action,
    "change",
  );
  assert.deepEqual(
    diffAttachments(
      [wanted(REPORT_A, "per_unit", ["us", "eu"])],
      [attached(REPORT_A, "per_unit", { label_filter: ["eu", "us"] })],
    ).changes,
    [],
  );
  assert.deepEqual(
    diffAttachments([wanted(REPORT_A)], [attached(REPORT_A, "per_unit", { label_filter: [] })])
      .changes,
    [],
  );
});

Deno.test("an attachment Vantage has but nobody declared is removed", () => {
  const { changes, target } = diffAttachments([wanted(REPORT_A)], [
    attached(REPORT_A),
    attached(REPORT_B, "per_hundred", { label_filter: ["eu"] }),
  ]);
  assert.deepEqual(changes, [{
    action: "remove",
    costReportToken: REPORT_B,
    from: { unitScale: "per_hundred", labelFilter: ["eu"] },
  }]);
  assert.deepEqual(target.map((item) => item.cost_report_token), [REPORT_A]);
});

Deno.test("with keepUndeclared, undeclared attachments stay as they are", () => {
  const { changes, target } = diffAttachments([], [attached(REPORT_B, "per_hundred")], {
    keepUndeclared: true,
  });
  assert.deepEqual(changes, []);
  assert.deepEqual(target, [{
    cost_report_token: REPORT_B,
    unit_scale: "per_hundred",
    calculation_type: "unit_cost",
  }]);
});

Deno.test("calculation_type and label are not compared, and kept as Vantage has them", () => {
  const { changes, target } = diffAttachments([wanted(REPORT_A, "per_million")], [
    attached(REPORT_A, "per_unit", { calculation_type: "gross_margin", label: "Margin" }),
  ]);
  assert.equal(changes.length, 1);
  assert.deepEqual(target, [{
    cost_report_token: REPORT_A,
    unit_scale: "per_million",
    calculation_type: "gross_margin",
    label: "Margin",
  }]);
  assert.deepEqual(
    diffAttachments([wanted(REPORT_A)], [attached(REPORT_A, "per_unit", {
      calculation_type: "raw_business_metric",
    })]).changes,
    [],
  );
});

Deno.test("attachments without a cost report token are ignored", () => {
  assert.deepEqual(diffAttachments([], [attached(null)]), { changes: [], target: [] });
});

Deno.test("label filters are normalized and compared as sets", () => {
  assert.equal(normalizeLabelFilter(undefined), null);
  assert.equal(normalizeLabelFilter([]), null);
  assert.deepEqual(normalizeLabelFilter(["", "eu"]), ["", "eu"]);
  assert.ok(
    sameSettings({ unitScale: "per_unit", labelFilter: ["a", "b", "a"] }, {
      unitScale: "per_unit",
      labelFilter: ["b", "a"],
    }),
  );
  assert.ok(
    !sameSettings({ unitScale: "per_unit", labelFilter: null }, {
      unitScale: "per_unit",
      labelFilter: [""],
    }),
  );
});

Deno.test("token variables are read from the environment; an unset one is skipped with a warning", () => {
  const metric = metricWith([
    { tokenVariable: "ORDERS_COST_REPORT_TOKEN", unitScale: "per_thousand", labelFilter: ["eu"] },
    { token: REPORT_B },
  ]);
  const set = resolveAttachments(
    metric,
    (name) => name === "ORDERS_COST_REPORT_TOKEN" ? ` ${REPORT_A} ` : undefined,
  );
  assert.deepEqual(set.attachments, [
    wanted(REPORT_A, "per_thousand", ["eu"]),
    wanted(REPORT_B),
  ]);
  assert.equal(set.complete, true);
  assert.deepEqual(set.warnings, []);

  const unset = resolveAttachments(metric, () => undefined);
  assert.deepEqual(unset.attachments, [wanted(REPORT_B)]);
  assert.equal(unset.complete, false);
  assert.equal(unset.warnings.length, 1);
  assert.equal(unset.warnings[0].variable, "ORDERS_COST_REPORT_TOKEN");
  assert.match(unset.warnings[0].message, /^orders: .*ORDERS_COST_REPORT_TOKEN is not set/);
});

Deno.test("a token variable that holds no cost report token is skipped too", () => {
  const metric = metricWith([{ tokenVariable: "ORDERS_COST_REPORT_TOKEN" }]);
  const resolved = resolveAttachments(metric, () => "bsnss_mtrc_oops");
  assert.deepEqual(resolved.attachments, []);
  assert.match(
    resolved.warnings[0].message,
    /ORDERS_COST_REPORT_TOKEN is not a cost report token/,
  );
});

Deno.test("the same cost report declared twice counts once, with a warning", () => {
  const metric = metricWith([{ token: REPORT_A }, { token: REPORT_A, unitScale: "per_hundred" }]);
  const resolved = resolveAttachments(metric, () => undefined);
  assert.deepEqual(resolved.attachments, [wanted(REPORT_A)]);
  assert.equal(resolved.complete, true);
  assert.match(resolved.warnings[0].message, /declared twice/);
});
