/**
 * How one metric's failure is reported by sync and verify alike: expected errors as they are,
 * unexpected ones logged with their stack and answered as `internal_error`, and Vantage's 404 for
 * the metric explained by where its token came from.
 *
 * @module
 */
import type { MetricBinding } from "./bindings.ts";
import { AppError, type ErrorBody, toAppError } from "./errors.ts";
import type { Logger } from "./log.ts";
import type { MetricDefinition } from "./metrics.ts";
import { statusOf } from "./vantage/client.ts";

/**
 * The contract's error body for a metric that failed with `error`.
 *
 * @example
 * ```ts
 * outcome.error = metricFailure(error, metric, bindings[metric.key], logger);
 * ```
 */
export function metricFailure(
  error: unknown,
  metric: MetricDefinition,
  binding: MetricBinding | null | undefined,
  logger: Logger,
): ErrorBody["error"] {
  const failure = toAppError(error);
  if (failure.code === "internal_error") {
    logger.error("unexpected error", {
      metric: metric.key,
      error: String(error),
      stack: (error as Error)?.stack,
    });
  }
  return withTokenHint(failure, metric, binding).toBody().error;
}

/** Vantage's 404 for a metric means its token is wrong: say where the token came from. */
function withTokenHint(
  error: AppError,
  metric: MetricDefinition,
  binding: MetricBinding | null | undefined,
): AppError {
  if (error.code !== "vantage_rejected" || statusOf(error) !== 404 || !binding) return error;
  const origin = binding.source === "environment"
    ? `${metric.tokenVariable} is ${binding.token}: is that the token of the business metric "${metric.title}"?`
    : `the token ${binding.token} was recorded by \`deno task apply\`; run it again to create the metric anew`;
  return new AppError(error.code, `${error.message}; ${origin}`, { details: error.details });
}
