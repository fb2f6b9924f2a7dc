/**
 * Creating and updating business metrics from validated bodies, shared by the API routes and
 * the emulator's `createMetric` test helper.
 *
 * @module
 */

import { apiError } from "./errors.ts";
import type { MetricBody } from "./schemas.ts";
import {
  type BusinessMetric,
  EMULATOR_USER_TOKEN,
  type EmulatorStore,
  randomHex,
} from "./state.ts";

/**
 * Creates a metric (token `bsnss_mtrc_<16 hex>` unless given) with the body's attachments and
 * values.
 *
 * @example
 * ```ts
 * const metric = createMetric(store, { title: "Orders" });
 * metric.token; // "bsnss_mtrc_…"
 * ```
 */
export function createMetric(
  store: EmulatorStore,
  body: MetricBody & { title: string },
  token = `bsnss_mtrc_${randomHex(8)}`,
): BusinessMetric {
  return updateMetric(store, {
    token,
    title: body.title,
    created_by_token: EMULATOR_USER_TOKEN,
    cost_report_tokens_with_metadata: [],
    import_type: "csv",
    integration_token: "",
  }, body);
}

/**
 * Applies a body to a metric: title and attachments replaced when given, values upserted by
 * (date, label) with `amount: null` deleting. Checks everything before changing anything.
 *
 * @example
 * ```ts
 * updateMetric(store, metric, { values: [{ date: "2024-01-01", label: null, amount: "5.0" }] });
 * ```
 */
export function updateMetric(
  store: EmulatorStore,
  metric: BusinessMetric,
  body: MetricBody,
): BusinessMetric {
  const attachments = body.cost_report_tokens_with_metadata;
  for (const { cost_report_token } of attachments ?? []) {
    if (!store.costReport(cost_report_token)) {
      throw apiError(404, `CostReport ${cost_report_token} not found`);
    }
  }
  const updated = {
    ...metric,
    title: body.title ?? metric.title,
    cost_report_tokens_with_metadata: attachments ?? metric.cost_report_tokens_with_metadata,
  };
  store.saveMetric(updated);
  store.applyValueChanges(metric.token, "actual", body.values ?? []);
  store.applyValueChanges(metric.token, "forecasted", body.forecasted_values ?? []);
  return updated;
}
