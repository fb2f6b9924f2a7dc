/**
 * `apply`: carries out a {@link Plan} in Vantage and records each metric's token, one step at a
 * time, so that a failure stops with what was done already recorded and the next plan starts
 * from there.
 *
 * @module
 */
import { forgetBinding, recordBinding } from "../bindings.ts";
import { requireSetting } from "../config.ts";
import { AppError } from "../errors.ts";
import type { VantageClient } from "../vantage/client.ts";
import { deadlineFor, forMetric, type PlanDependencies, vantageClientFor } from "./context.ts";
import type { Plan, PlanAction } from "./plan.ts";

/** What one step of apply did. */
export interface ApplyStep {
  kind: "created" | "updated" | "deleted" | "recorded" | "forgotten";
  metricKey: string;
  title: string;
  token: string;
  note?: string;
}

/** Everything apply did, in order. */
export interface ApplyResult {
  steps: ApplyStep[];
  summary: Record<ApplyStep["kind"], number>;
}

/** {@link PlanDependencies}, and who to tell about each step as it is done (the CLI prints them). */
export interface ApplyDependencies extends PlanDependencies {
  onStep?: (step: ApplyStep) => void;
}

/**
 * Applies a plan: creates (POST, then records the new token), updates (PUT of the title and the
 * whole attachment list), deletes (DELETE, then forgets the binding; already gone counts as
 * deleted), and records the token of every declared metric that has one. Stops at the first
 * failure with an AppError naming the metric and the step; its `details.applied` lists what was done.
 *
 * @example
 * ```ts
 * const plan = await planChanges(deps, { prune: false });
 * const result = await applyPlan(deps, plan);
 * result.summary.created; // 1
 * ```
 */
export async function applyPlan(deps: ApplyDependencies, plan: Plan): Promise<ApplyResult> {
  requireSetting(deps.config, "VANTAGE_API_TOKEN");
  const steps: ApplyStep[] = [];
  const context: ActionContext = {
    deps,
    vantage: vantageClientFor(deps),
    deadlineMs: deadlineFor(deps),
    done(step) {
      steps.push(step);
      deps.onStep?.(step);
    },
    step: (metricKey, doing, work) =>
      forMetric(metricKey, doing, work, { applied: structuredClone(steps) }),
  };
  for (const action of plan.actions) await applyAction(context, action);
  const summary = { created: 0, updated: 0, deleted: 0, recorded: 0, forgotten: 0 };
  for (const step of steps) summary[step.kind]++;
  return { steps, summary };
}

interface ActionContext {
  deps: ApplyDependencies;
  vantage: VantageClient;
  deadlineMs: number;
  done(step: ApplyStep): void;
  /** Runs one step of a metric; a failure names both and lists what was applied before. */
  step<T>(metricKey: string, doing: string, work: () => Promise<T>): Promise<T>;
}

async function applyAction(context: ActionContext, action: PlanAction): Promise<void> {
  const { vantage, deadlineMs, deps } = context;
  const { metricKey, title } = action;
  const body = { title, cost_report_tokens_with_metadata: action.attachments };
  let token = action.token;
  let recording = `recording its token ${token}`;
  switch (action.kind) {
    case "create": {
      const created = await context.step(
        metricKey,
        `creating business metric "${title}" in Vantage`,
        () => vantage.createBusinessMetric(body, deadlineMs),
      );
      token = created.token;
      context.done({ kind: "created", metricKey, title, token });
      // Unrecorded, the next apply would create another one: say how to bind it meanwhile.
      const variable = deps.config.metrics.find((metric) => metric.key === metricKey)
        ?.tokenVariable;
      recording =
        `recording ${token}, just created in Vantage (until it is recorded, set ${variable}=${token}, or the next apply creates another)`;
      break;
    }
    case "update":
      await context.step(
        metricKey,
        `updating business metric ${token} in Vantage`,
        () => vantage.updateBusinessMetric(token!, body, deadlineMs),
      );
      context.done({ kind: "updated", metricKey, title, token: token! });
      break;
    case "delete": {
      const alreadyGone = await context.step(
        metricKey,
        `deleting business metric ${token} from Vantage`,
        () => deleteIfPresent(vantage, token!, deadlineMs),
      );
      context.done({
        kind: "deleted",
        metricKey,
        title,
        token: token!,
        ...(alreadyGone ? { note: "already gone in Vantage" } : {}),
      });
      break;
    }
  }
  if (action.binding === "record") {
    await context.step(
      metricKey,
      recording,
      () => recordBinding(deps.sql, { metricKey, token: token!, title }),
    );
    context.done({ kind: "recorded", metricKey, title, token: token! });
  } else if (action.binding === "forget") {
    await context.step(
      metricKey,
      "forgetting its binding",
      () => forgetBinding(deps.sql, metricKey),
    );
    context.done({ kind: "forgotten", metricKey, title, token: token! });
  }
}

/** Deletes a business metric; true when Vantage did not know it any more (nothing to delete). */
async function deleteIfPresent(
  vantage: VantageClient,
  token: string,
  deadlineMs: number,
): Promise<boolean> {
  try {
    await vantage.deleteBusinessMetric(token, deadlineMs);
    return false;
  } catch (error) {
    if (error instanceof AppError && (error.details as { status?: number })?.status === 404) {
      return true;
    }
    throw error;
  }
}
