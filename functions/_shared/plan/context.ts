/**
 * What `plan` and `apply` share: their dependencies, the Vantage client they talk through, and
 * errors that name the metric and the step that failed.
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";
import type { Config, Environment } from "../config.ts";
import { isDatabaseUnavailable, type Sql } from "../database.ts";
import { AppError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { type VantageClient, vantageClientFromConfig } from "../vantage/client.ts";

/** What `planChanges` and `applyPlan` need from their caller. */
export interface PlanDependencies {
  config: Config;
  /** Reads the variables that declarations name (`tokenVariable` of cost reports). */
  env: Environment;
  sql: Sql;
  /** Defaults to a client built from the configuration. */
  vantage?: VantageClient;
  clock?: Clock;
  logger?: Logger;
}

/**
 * The Vantage client of `deps`, or one built from the configuration (call `requireSetting(config,
 * "VANTAGE_API_TOKEN")` first).
 *
 * @example
 * ```ts
 * const vantage = vantageClientFor(deps);
 * ```
 */
export function vantageClientFor(deps: PlanDependencies): VantageClient {
  return deps.vantage ?? vantageClientFromConfig(deps.config, deps);
}

/**
 * When a plan or apply started now must be done, as the run deadline bounds a sync.
 *
 * @example
 * ```ts
 * await vantage.getBusinessMetric(token, deadlineFor(deps));
 * ```
 */
export function deadlineFor(deps: PlanDependencies): number {
  return (deps.clock ?? systemClock).now() + deps.config.runDeadlineMs;
}

/**
 * Runs one step of one metric; a failure becomes an {@link AppError} of the same code whose
 * message starts with the metric key and the step ("orders: creating … failed: …"). An unreachable
 * database becomes 503. Unexpected errors pass through untouched, so their stack is logged.
 *
 * @example
 * ```ts
 * const metric = await forMetric("orders", "reading bsnss_… from Vantage", () =>
 *   vantage.getBusinessMetric(token, deadline));
 * ```
 */
export async function forMetric<T>(
  metricKey: string,
  doing: string,
  work: () => Promise<T>,
  details: Record<string, unknown> = {},
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      const reason = (error as { code?: string }).code ?? (error as Error).name;
      throw new AppError(
        "database_unavailable",
        `${metricKey}: the database is unreachable (${reason}) while ${doing}. Check UNIT_ECONOMICS_DB_URL and that Postgres is up.`,
        { cause: error, details: { metricKey, ...details } },
      );
    }
    if (!(error instanceof AppError)) throw error;
    const own = error.details && typeof error.details === "object" ? error.details : {};
    throw new AppError(error.code, `${metricKey}: ${doing} failed: ${error.message}`, {
      cause: error,
      details: { ...own, metricKey, ...details },
    });
  }
}
