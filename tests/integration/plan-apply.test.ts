/**
 * Plan and apply against the Vantage emulator and a real database: create, attach, change scale,
 * nothing to do on the second run, recreate what was deleted outside, `--prune`, the environment
 * winning over bindings, failures, `POST /plan`, and the CLIs as a user runs them.
 */
import assert from "node:assert/strict";
import { readConfig } from "../../functions/_shared/config.ts";
import { connectDatabase } from "../../functions/_shared/database.ts";
import { AppError } from "../../functions/_shared/errors.ts";
import { DECLARED_METRICS, type MetricDeclaration } from "../../functions/_shared/metrics.ts";
import { applyPlan } from "../../functions/_shared/plan/apply.ts";
import type { PlanDependencies } from "../../functions/_shared/plan/context.ts";
import {
  hasChanges,
  NOT_DECLARED_KEPT,
  type Plan,
  planChanges,
} from "../../functions/_shared/plan/plan.ts";
import { createApp } from "../../functions/unit-economics/app.ts";
import { recordBinding } from "../../functions/_shared/bindings.ts";
import { formatPlan } from "../../cli/plan-format.ts";
import { DEFAULT_EMULATOR_TOKEN, SEEDED_COST_REPORT } from "../../dev/vantage/emulator.ts";
import { unreachableDatabaseUrl } from "../support/database.ts";
import {
  createEmulatorMetrics,
  EMULATOR_METRICS,
  ORDERS_ONLY,
  ORDERS_TOKEN,
  TEST_SECRET,
  type TestStack,
  withStack,
} from "../support/stack.ts";

const REPORT = SEEDED_COST_REPORT.token;
/** No metric token variables: a fresh account, as far as this tool knows. */
const FRESH = {
  ORDERS_METRIC_ID: "",
  REVENUE_METRIC_ID: "",
  ACTIVE_CUSTOMERS_METRIC_ID: "",
  ORDERS_COST_REPORT_TOKEN: REPORT,
};
const FRESH_STACK = { env: FRESH, metrics: DECLARED_METRICS };
const auth = { authorization: `Bearer ${TEST_SECRET}` };

/** Plan dependencies with the stack's environment (its metrics bound by variable), `env` on top. */
function planDeps(
  stack: TestStack,
  env: Record<string, string>,
  metrics: readonly MetricDeclaration[] = DECLARED_METRICS,
): PlanDependencies {
  const all: Record<string, string> = {
    VANTAGE_API_URL: stack.vantage.url,
    VANTAGE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
    UNIT_ECONOMICS_DB_URL: stack.db.functionUrl,
    ...createEmulatorMetrics(stack.vantage.emulator),
    ...env,
  };
  const read = (name: string) => all[name] || undefined;
  return { config: readConfig(read, metrics), env: read, sql: stack.db.functionSql };
}

async function bindings(stack: TestStack): Promise<Record<string, string>> {
  const rows = await stack.db.sql<{ metric_key: string; token: string }[]>`
    select metric_key, token from unit_economics.metric_bindings`;
  return Object.fromEntries(rows.map((row) => [row.metric_key, row.token]));
}

function kinds(plan: Plan): Record<string, string> {
  return Object.fromEntries(plan.actions.map((action) => [action.metricKey, action.kind]));
}

function writes(stack: TestStack, since = 0) {
  return stack.vantage.emulator.requests.slice(since).filter((request) => request.method !== "GET");
}

/** Sends a request to the emulator in process, as someone working in Vantage's UI would. */
async function vantageRequest(stack: TestStack, method: string, path: string, body?: unknown) {
  const response = await stack.vantage.emulator.fetch(
    new Request(`${stack.vantage.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}`,
        "content-type": "application/json",
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  await response.body?.cancel();
  assert.ok(response.ok, `${method} ${path}: ${response.status}`);
}

/** The declarations with one metric's first attachment changed. */
function withAttachment(
  declarations: readonly MetricDeclaration[],
  key: string,
  change: Record<string, unknown>,
): MetricDeclaration[] {
  return declarations.map((metric) =>
    metric.key === key
      ? {
        ...metric,
        vantage: { costReports: [{ ...metric.vantage!.costReports![0], ...change }] },
      }
      : metric
  );
}

Deno.test("apply on a fresh account creates every metric with its attachments; sync then finds them by binding", () =>
  withStack(async (stack) => {
    const deps = planDeps(stack, FRESH);
    const plan = await planChanges(deps, { prune: false });
    assert.deepEqual(plan.summary, { create: 3, update: 0, delete: 0, unchanged: 0 });
    assert.deepEqual(plan.warnings, []);
    const revenue = plan.actions.find((action) => action.metricKey === "revenue")!;
    assert.deepEqual(revenue.changes.attachments, [{
      action: "add",
      costReportToken: REPORT,
      to: { unitScale: "per_thousand", labelFilter: null },
    }]);
    assert.match(
      formatPlan(plan),
      /^\+ create orders "Orders"\n {4}\+ attach rprt_emulator0000001/,
    );
    assert.match(formatPlan(plan), /Plan: 3 to create, 0 to change, 0 to delete\.$/);

    const result = await applyPlan(deps, plan);
    assert.equal(result.summary.created, 3);
    assert.equal(result.summary.recorded, 3);
    const bound = await bindings(stack);
    const seeded = new Set<string>(EMULATOR_METRICS.map((metric) => metric.token));
    for (const metric of DECLARED_METRICS) {
      const token = bound[metric.key];
      assert.ok(token && !seeded.has(token), `${metric.key} got a new metric`);
      const created = stack.vantage.emulator.state.metric(token)!;
      assert.equal(created.title, metric.title);
      assert.deepEqual(created.cost_report_tokens_with_metadata, [{
        cost_report_token: REPORT,
        unit_scale: metric.vantage!.costReports![0].unitScale,
        calculation_type: "unit_cost",
      }]);
    }

    // No token variable is set: the function's sync resolves every token from the bindings.
    const sync = await stack.sync({});
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    for (const outcome of sync.body.metrics as { key: string; token: string; sent: number }[]) {
      assert.equal(outcome.token, bound[outcome.key]);
      assert.ok(outcome.sent > 0);
      assert.ok(stack.vantage.emulator.state.values(outcome.token).length > 0);
    }
  }, FRESH_STACK));

Deno.test("a second plan right after apply has nothing to do, and a second apply writes nothing", () =>
  withStack(async (stack) => {
    const deps = planDeps(stack, FRESH);
    await applyPlan(deps, await planChanges(deps, { prune: false }));
    const before = stack.vantage.emulator.requests.length;
    const again = await planChanges(deps, { prune: false });
    assert.equal(hasChanges(again), false);
    assert.deepEqual(again.summary, { create: 0, update: 0, delete: 0, unchanged: 3 });
    assert.ok(again.actions.every((action) => action.kind === "no_change" && !action.binding));
    assert.match(formatPlan(again), /No changes.*\nPlan: 0 to create, 0 to change, 0 to delete\.$/);
    const result = await applyPlan(deps, again);
    assert.deepEqual(result.steps, []);
    assert.deepEqual(writes(stack, before), []);
  }, FRESH_STACK));

Deno.test("attach, then change a declared unit scale: plan shows ~ and apply updates Vantage", () =>
  withStack(async (stack) => {
    // The stack's Orders metric is bound by ORDERS_METRIC_ID and attached to nothing yet.
    const env = { ORDERS_COST_REPORT_TOKEN: REPORT };
    const attach = await planChanges(planDeps(stack, env, ORDERS_ONLY), { prune: false });
    assert.deepEqual(kinds(attach), { orders: "update" });
    assert.equal(attach.actions[0].binding, "record");
    await applyPlan(planDeps(stack, env, ORDERS_ONLY), attach);
    assert.equal(
      stack.vantage.emulator.state.metric(ORDERS_TOKEN)!.cost_report_tokens_with_metadata[0]
        .unit_scale,
      "per_unit",
    );

    const rescaled = withAttachment(ORDERS_ONLY, "orders", {
      unitScale: "per_thousand",
      labelFilter: ["eu", ""],
    });
    const deps = planDeps(stack, env, rescaled);
    const plan = await planChanges(deps, { prune: false });
    assert.deepEqual(plan.summary, { create: 0, update: 1, delete: 0, unchanged: 0 });
    assert.equal(plan.actions[0].binding, null, "the token was recorded by the first apply");
    const text = formatPlan(plan);
    assert.match(text, /^~ update orders "Orders" \(bsnss_mtrc_0rders0000000001\)$/m);
    assert.match(
      text,
      /^ {4}~ rprt_emulator0000001: unit_scale per_unit -> per_thousand, label_filter \(all labels\) -> \["eu",""\]$/m,
    );
    assert.match(text, /Plan: 0 to create, 1 to change, 0 to delete\.$/);
    await applyPlan(deps, plan);
    assert.deepEqual(
      stack.vantage.emulator.state.metric(ORDERS_TOKEN)!.cost_report_tokens_with_metadata,
      [{
        cost_report_token: REPORT,
        unit_scale: "per_thousand",
        calculation_type: "unit_cost",
        label_filter: ["eu", ""],
      }],
    );
    assert.equal(hasChanges(await planChanges(deps, { prune: false })), false);
  }));

Deno.test("undeclared attachments are removed, and title drift is corrected", () =>
  withStack(async (stack) => {
    const other = stack.vantage.emulator.addCostReport({ title: "Compute only" });
    await vantageRequest(stack, "PUT", `/business_metrics/${ORDERS_TOKEN}`, {
      title: "orders (renamed in the UI)",
      cost_report_tokens_with_metadata: [{ cost_report_token: other.token }],
    });
    const deps = planDeps(stack, { ORDERS_COST_REPORT_TOKEN: REPORT }, ORDERS_ONLY);
    const plan = await planChanges(deps, { prune: false });
    const text = formatPlan(plan);
    assert.match(text, /~ title "orders \(renamed in the UI\)" -> "Orders"/);
    assert.match(text, /\+ attach rprt_emulator0000001 \(unit_scale per_unit\)/);
    assert.match(text, new RegExp(`- detach ${other.token} \\(unit_scale per_unit\\)`));
    await applyPlan(deps, plan);
    const metric = stack.vantage.emulator.state.metric(ORDERS_TOKEN)!;
    assert.equal(metric.title, "Orders");
    assert.deepEqual(metric.cost_report_tokens_with_metadata.map((a) => a.cost_report_token), [
      REPORT,
    ]);
  }));

Deno.test("an unset cost report variable skips that attachment with a warning and removes nothing", () =>
  withStack(async (stack) => {
    const deps = planDeps(stack, FRESH);
    await applyPlan(deps, await planChanges(deps, { prune: false }));
    const unset = planDeps(stack, { ...FRESH, ORDERS_COST_REPORT_TOKEN: "" });
    const plan = await planChanges(unset, { prune: false });
    assert.deepEqual(plan.summary, { create: 0, update: 0, delete: 0, unchanged: 3 });
    assert.equal(plan.warnings.length, 3);
    assert.ok(plan.warnings.every((warning) => warning.variable === "ORDERS_COST_REPORT_TOKEN"));
    assert.match(formatPlan(plan), /Warnings:\n {2}! orders: .*set it to the cost report's token/);
  }, FRESH_STACK));

Deno.test("a recorded metric deleted in Vantage outside this tool is created again", () =>
  withStack(async (stack) => {
    const deps = planDeps(stack, FRESH);
    await applyPlan(deps, await planChanges(deps, { prune: false }));
    const old = (await bindings(stack)).orders;
    await vantageRequest(stack, "DELETE", `/business_metrics/${old}`);

    const plan = await planChanges(deps, { prune: false });
    assert.deepEqual(kinds(plan), {
      orders: "create",
      revenue: "no_change",
      active_customers: "no_change",
    });
    assert.match(plan.actions[0].notes[0], new RegExp(`${old} is unknown to Vantage`));
    await applyPlan(deps, plan);
    const fresh = (await bindings(stack)).orders;
    assert.notEqual(fresh, old);
    assert.equal(stack.vantage.emulator.state.metric(fresh)?.title, "Orders");
    assert.equal(hasChanges(await planChanges(deps, { prune: false })), false);
  }, FRESH_STACK));

Deno.test("--prune deletes the metric of a removed declaration; without it the metric is kept and listed", () =>
  withStack(async (stack) => {
    const all = planDeps(stack, FRESH);
    await applyPlan(all, await planChanges(all, { prune: false }));
    const removedToken = (await bindings(stack)).active_customers;
    const fewer = planDeps(
      stack,
      FRESH,
      DECLARED_METRICS.filter((metric) => metric.key !== "active_customers"),
    );

    const kept = await planChanges(fewer, { prune: false });
    const keep = kept.actions.find((action) => action.metricKey === "active_customers")!;
    assert.equal(keep.kind, "keep_unmanaged");
    assert.equal(keep.token, removedToken);
    assert.deepEqual(kept.summary, { create: 0, update: 0, delete: 0, unchanged: 3 });
    assert.match(
      formatPlan(kept),
      /^= active_customers "Active Customers" \(\S+\): not declared; kept \(apply --prune deletes it\)$/m,
    );
    assert.equal(keep.notes[0], NOT_DECLARED_KEPT);
    await applyPlan(fewer, kept);
    assert.ok(stack.vantage.emulator.state.metric(removedToken), "kept without --prune");

    const pruned = await planChanges(fewer, { prune: true });
    assert.deepEqual(pruned.summary, { create: 0, update: 0, delete: 1, unchanged: 2 });
    assert.match(formatPlan(pruned), /^- delete active_customers "Active Customers"/m);
    const result = await applyPlan(fewer, pruned);
    assert.deepEqual(result.steps.map((step) => step.kind), ["deleted", "forgotten"]);
    assert.equal(stack.vantage.emulator.state.metric(removedToken), undefined);
    assert.equal((await bindings(stack)).active_customers, undefined);
    // Metrics this tool never bound (the stack's own three) are untouched.
    for (const metric of EMULATOR_METRICS) {
      assert.ok(stack.vantage.emulator.state.metric(metric.token));
    }
    assert.equal(hasChanges(await planChanges(fewer, { prune: true })), false);
  }, FRESH_STACK));

Deno.test("a binding left by a renamed key is only forgotten while a declared metric uses its token", () =>
  withStack(async (stack) => {
    await recordBinding(stack.db.sql, {
      metricKey: "legacy_orders",
      token: ORDERS_TOKEN,
      title: "Orders",
    });
    const deps = planDeps(stack, {}, ORDERS_ONLY);
    const kept = await planChanges(deps, { prune: false });
    assert.equal(kinds(kept).legacy_orders, "keep_unmanaged");
    assert.match(kept.actions[1].notes[0], /bound to declared metric orders: never deleted/);

    const pruned = await planChanges(deps, { prune: true });
    assert.equal(pruned.summary.delete, 0);
    assert.equal(kinds(pruned).legacy_orders, "no_change");
    assert.equal(pruned.actions[1].binding, "forget");
    await applyPlan(deps, pruned);
    assert.ok(stack.vantage.emulator.state.metric(ORDERS_TOKEN), "still in Vantage");
    assert.deepEqual(await bindings(stack), { orders: ORDERS_TOKEN });
  }));

Deno.test("the environment token wins over a recorded binding, and apply records it", () =>
  withStack(async (stack) => {
    const stale = stack.vantage.emulator.createMetric({ title: "Orders" });
    await recordBinding(stack.db.sql, { metricKey: "orders", token: stale.token, title: "Orders" });
    const deps = planDeps(stack, {}, ORDERS_ONLY);
    const plan = await planChanges(deps, { prune: false });
    assert.equal(plan.actions[0].token, ORDERS_TOKEN);
    assert.equal(plan.actions[0].tokenSource, "environment");
    assert.equal(plan.actions[0].binding, "record");
    assert.match(formatPlan(plan), /# apply records this token \(from ORDERS_METRIC_ID\)/);
    await applyPlan(deps, plan);
    assert.equal((await bindings(stack)).orders, ORDERS_TOKEN);

    // A variable naming a metric Vantage does not know is a configuration error, not a create:
    // the variable would keep winning, and every apply would create another metric.
    const typo = planDeps(stack, { ORDERS_METRIC_ID: "bsnss_mtrc_typo" }, ORDERS_ONLY);
    await assert.rejects(
      planChanges(typo, { prune: false }),
      (error: AppError) =>
        error.code === "misconfigured" && /ORDERS_METRIC_ID is bsnss_mtrc_typo/.test(error.message),
    );
  }));

Deno.test("a failure stops apply with the metric and step named; what was done stays recorded", () =>
  withStack(async (stack) => {
    const broken = withAttachment(DECLARED_METRICS, "revenue", {
      tokenVariable: undefined,
      token: "rprt_missing0000001",
    });
    const deps = planDeps(stack, FRESH, broken);
    const plan = await planChanges(deps, { prune: false });
    assert.deepEqual(plan.summary, { create: 3, update: 0, delete: 0, unchanged: 0 });
    await assert.rejects(applyPlan(deps, plan), (error: AppError) => {
      assert.equal(error.code, "vantage_rejected");
      assert.match(
        error.message,
        /^revenue: creating business metric "Revenue" in Vantage failed: Vantage answered 404/,
      );
      const details = error.details as { metricKey: string; applied: { kind: string }[] };
      assert.equal(details.metricKey, "revenue");
      assert.deepEqual(details.applied.map((step) => step.kind), ["created", "recorded"]);
      return true;
    });
    assert.deepEqual(Object.keys(await bindings(stack)), ["orders"]);
    const next = await planChanges(deps, { prune: false });
    assert.deepEqual(kinds(next), {
      orders: "no_change",
      revenue: "create",
      active_customers: "create",
    });
  }, FRESH_STACK));

Deno.test("the database going away during apply names the metric and the token to set meanwhile", () =>
  withStack(async (stack) => {
    const sql = connectDatabase(stack.db.functionUrl);
    const deps = { ...planDeps(stack, FRESH, ORDERS_ONLY), sql };
    const plan = await planChanges(deps, { prune: false });
    await sql.end();
    await assert.rejects(applyPlan(deps, plan), (error: AppError) => {
      assert.equal(error.code, "database_unavailable");
      const [created] = stack.vantage.emulator.state.metrics().filter((metric) =>
        metric.token !== ORDERS_TOKEN && metric.title === "Orders"
      );
      assert.ok(created, "the metric was created before the database failed");
      assert.match(
        error.message,
        new RegExp(
          `^orders: the database is unreachable .* while recording ${created.token}, just created in Vantage \\(until it is recorded, set ORDERS_METRIC_ID=${created.token}`,
        ),
      );
      return true;
    });
  }, FRESH_STACK));

Deno.test("POST /plan answers the plan as JSON and never applies", () =>
  withStack(async (stack) => {
    const response = await fetch(`${stack.url}/plan`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ prune: true }),
    });
    assert.equal(response.status, 200);
    const plan = await response.json();
    assert.equal(plan.prune, true);
    assert.deepEqual(plan.summary, { create: 0, update: 1, delete: 0, unchanged: 0 });
    assert.equal(plan.actions[0].kind, "update");
    assert.equal(plan.actions[0].changes.attachments[0].action, "add");
    assert.deepEqual(writes(stack), []);
    assert.deepEqual(await bindings(stack), {});

    const empty = await fetch(`${stack.url}/plan`, { method: "POST", headers: auth });
    assert.equal(empty.status, 200);
    assert.equal((await empty.json()).prune, false);
  }, { env: { ORDERS_COST_REPORT_TOKEN: REPORT } }));

Deno.test("POST /plan: 401 without the secret, 400 on a bad body, 502 when Vantage fails", () =>
  withStack(async (stack) => {
    const post = (body: string, headers: Record<string, string> = auth) =>
      fetch(`${stack.url}/plan`, { method: "POST", headers, body });
    const anonymous = await post("{}", {});
    assert.equal(anonymous.status, 401);
    assert.equal((await anonymous.json()).error.code, "unauthorized");
    for (
      const [body, message] of [
        ['{"apply": true}', /unknown key\(s\) "apply"/],
        ['{"prune": "yes"}', /prune/],
        ["{not json", /not valid JSON/],
      ] as const
    ) {
      const response = await post(body);
      assert.equal(response.status, 400, body);
      const { error } = await response.json();
      assert.equal(error.code, "invalid_body");
      assert.match(error.message, message);
    }
    stack.vantage.emulator.failNext(1, 403);
    const refused = await post("{}");
    assert.equal(refused.status, 502);
    const { error } = await refused.json();
    assert.equal(error.code, "vantage_rejected");
    assert.match(error.message, /^orders: reading business metric \S+ from Vantage failed/);
  }));

Deno.test("POST /plan: 500 without VANTAGE_API_TOKEN, 503 when the database is down", async () => {
  const env: Record<string, string> = {
    UNIT_ECONOMICS_SYNC_SECRET: TEST_SECRET,
    UNIT_ECONOMICS_DB_URL: unreachableDatabaseUrl(),
  };
  const { app, close } = createApp({
    env: (name) => env[name],
    metrics: ORDERS_ONLY,
    logSink() {},
  });
  try {
    const plan = () => app.request("/unit-economics/plan", { method: "POST", headers: auth });
    const misconfigured = await plan();
    assert.equal(misconfigured.status, 500);
    const { error } = await misconfigured.json();
    assert.equal(error.code, "misconfigured");
    assert.match(error.message, /VANTAGE_API_TOKEN/);
  } finally {
    await close();
  }
  env.VANTAGE_API_TOKEN = DEFAULT_EMULATOR_TOKEN;
  const down = createApp({ env: (name) => env[name], metrics: ORDERS_ONLY, logSink() {} });
  try {
    const response = await down.app.request("/unit-economics/plan", {
      method: "POST",
      headers: auth,
    });
    assert.equal(response.status, 503);
    assert.equal((await response.json()).error.code, "database_unavailable");
  } finally {
    await down.close();
  }
});

const CLI = {
  plan: new URL("../../cli/plan.ts", import.meta.url).pathname,
  apply: new URL("../../cli/apply.ts", import.meta.url).pathname,
};

async function runCli(
  stack: TestStack,
  command: keyof typeof CLI,
  args: string[] = [],
  env: Record<string, string> = {},
) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI[command], ...args],
    env: {
      UNIT_ECONOMICS_DB_URL: stack.db.functionUrl,
      VANTAGE_API_URL: stack.vantage.url,
      VANTAGE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
      ORDERS_COST_REPORT_TOKEN: REPORT,
      ...createEmulatorMetrics(stack.vantage.emulator),
      ...env,
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  const result = {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
  assert.ok(!`${result.stdout}${result.stderr}`.includes(DEFAULT_EMULATOR_TOKEN), "no secrets");
  return result;
}

Deno.test("deno task plan and apply: readable output, idempotent, exit 0", () =>
  withStack(async (stack) => {
    const plan = await runCli(stack, "plan");
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /^~ update orders "Orders" \(bsnss_mtrc_0rders0000000001\)$/m);
    assert.match(plan.stdout, /^ {4}\+ attach rprt_emulator0000001 \(unit_scale per_thousand\)$/m);
    assert.match(plan.stdout, /Plan: 0 to create, 3 to change, 0 to delete\.\n$/);
    assert.deepEqual(writes(stack), [], "plan changes nothing");

    const json = await runCli(stack, "plan", ["--json", "--prune"]);
    assert.equal(json.code, 0);
    const parsed = JSON.parse(json.stdout);
    assert.equal(parsed.prune, true);
    assert.equal(parsed.summary.update, 3);

    const apply = await runCli(stack, "apply");
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(
      apply.stdout,
      /Applying:\n~ updated orders "Orders" \(bsnss_mtrc_0rders0000000001\)/,
    );
    assert.match(apply.stdout, /^ {2}recorded binding orders -> bsnss_mtrc_0rders0000000001$/m);
    assert.match(
      apply.stdout,
      /Apply complete: 0 created, 3 changed, 0 deleted; 3 bindings recorded\.\n$/,
    );

    const before = stack.vantage.emulator.requests.length;
    const again = await runCli(stack, "apply");
    assert.equal(again.code, 0);
    assert.match(
      again.stdout,
      /No changes: .*\nPlan: 0 to create, 0 to change, 0 to delete\.\n\nNothing to apply\.\n$/,
    );
    assert.deepEqual(writes(stack, before), []);
  }));

Deno.test("deno task plan and apply exit 2 on bad flags or configuration, 1 when Vantage refuses", () =>
  withStack(async (stack) => {
    const flag = await runCli(stack, "plan", ["--prnue"]);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /error: .*prnue[\s\S]*Usage: deno task plan/);

    const help = await runCli(stack, "apply", ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--prune/);

    const noToken = await runCli(stack, "apply", [], { VANTAGE_API_TOKEN: "" });
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /^error: misconfigured: VANTAGE_API_TOKEN is not set/m);

    const unknownReport = await runCli(stack, "apply", [], {
      ORDERS_COST_REPORT_TOKEN: "rprt_unknown0000001",
    });
    assert.equal(unknownReport.code, 1);
    assert.match(
      unknownReport.stderr,
      /^error: vantage_rejected: orders: updating business metric bsnss_mtrc_0rders0000000001 in Vantage failed: Vantage answered 404/m,
    );
    assert.deepEqual(await bindings(stack), {}, "nothing was done before the failure");
  }));
