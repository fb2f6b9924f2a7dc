/**
 * Builds the cost-per-unit report of one metric over a window: the metric's daily amounts from its
 * source, each attached cost report's daily cost from Vantage (every page), Vantage's own unit
 * costs beside ours where its plan offers them, and anomaly flags against a trailing baseline.
 * Loaded lazily by the routes and the CLI, so the sync path never pays for it.
 *
 * @module
 */
import { resolveBindings } from "../bindings.ts";
import type { Clock } from "../clock.ts";
import { type Config, requireSetting } from "../config.ts";
import { type Sql, withDatabase } from "../database.ts";
import { addDays, type IsoDate, todayIn } from "../dates.ts";
import { AppError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { toMetricValues } from "../metric-values.ts";
import { type MetricDefinition, selectMetrics } from "../metrics.ts";
import { readSourceRows } from "../source.ts";
import { statusOf, type VantageClient, vantageClientFromConfig } from "../vantage/client.ts";
import type { AttachedCostReport } from "../vantage/schemas.ts";
import type { DayWindow } from "../window.ts";
import { DEFAULT_ANOMALY_RULE, flagAnomalies } from "./anomalies.ts";
import { SCALE_DIVISORS, unitCostDays } from "./arithmetic.ts";
import type { UnitCostReport, UnitCostSeries } from "./model.ts";

/** What the report is built from. */
export interface ReportDependencies {
  config: Config;
  sql: Sql;
  vantage?: VantageClient;
  clock: Clock;
  logger?: Logger;
}

/** Which metric and days. */
export interface ReportRequest {
  metric: string;
  window: DayWindow;
}

/**
 * The report, or an AppError: unknown metric (400), a metric without a Vantage token (409
 * `metric_unbound`), invalid source rows (422), Vantage (502) or the database (503) failing.
 *
 * @example
 * ```ts
 * const report = await buildUnitCostReport(deps, { metric: "orders", window: { from, to } });
 * report.series[0].days.filter((day) => day.anomaly);
 * ```
 */
export async function buildUnitCostReport(
  deps: ReportDependencies,
  request: ReportRequest,
): Promise<UnitCostReport> {
  requireSetting(deps.config, "metrics");
  const [metric] = selectMetrics(deps.config.metrics, [request.metric]);
  const bindings = await withDatabase(
    "reading metric bindings",
    () => resolveBindings(deps.sql, deps.config),
  );
  const token = bindings[metric.key]?.token;
  if (!token) {
    throw new AppError(
      "metric_unbound",
      `Metric "${metric.key}" has no Vantage business metric yet: run \`deno task apply\` or set ${metric.tokenVariable}`,
    );
  }
  const vantage = deps.vantage ?? vantageClientFromConfig(deps.config, deps);
  const deadlineMs = deps.clock.now() + deps.config.runDeadlineMs;
  const vantageMetric = await vantage.getBusinessMetric(token, deadlineMs);
  if (!vantageMetric) {
    throw new AppError(
      "vantage_rejected",
      `Vantage does not know the business metric ${token} of "${metric.key}"; run \`deno task apply\``,
    );
  }

  // The baseline of the first days lies before the window.
  const rule = DEFAULT_ANOMALY_RULE;
  const extended = {
    from: addDays(request.window.from, -rule.baselineDays),
    to: request.window.to,
  };
  const amountsByLabel = await readAmounts(deps, metric, extended);
  const today = todayIn("UTC", deps.clock.now());
  const series: UnitCostSeries[] = [];
  for (const attachment of vantageMetric.cost_report_tokens_with_metadata) {
    if (!attachment.cost_report_token) continue;
    series.push(
      await buildSeries(vantage, deadlineMs, {
        metricToken: token,
        attachment: { ...attachment, cost_report_token: attachment.cost_report_token },
        amountsByLabel,
        extended,
        window: request.window,
        today,
      }),
    );
  }
  return {
    metric: { key: metric.key, title: metric.title, token },
    window: request.window,
    generatedAt: new Date(deps.clock.now()).toISOString(),
    anomalyRule: rule,
    series,
  };
}

type LabelledAmounts = Map<string, Map<IsoDate, number>>;

/** The metric's source amounts per label ("" unlabeled) and day, validated as a sync would. */
async function readAmounts(
  deps: ReportDependencies,
  metric: MetricDefinition,
  window: DayWindow,
): Promise<LabelledAmounts> {
  const rows = await readSourceRows(deps.sql, metric, window, deps.config.sourceTimeoutMs);
  const { values } = toMetricValues(rows, metric, window);
  const byLabel: LabelledAmounts = new Map();
  for (const value of values) {
    if (value.amount === null) continue;
    const days = byLabel.get(value.label) ?? new Map<IsoDate, number>();
    days.set(value.date, Number(value.amount));
    byLabel.set(value.label, days);
  }
  return byLabel;
}

interface SeriesInputs {
  metricToken: string;
  attachment: AttachedCostReport & { cost_report_token: string };
  amountsByLabel: LabelledAmounts;
  extended: DayWindow;
  window: DayWindow;
  today: IsoDate;
}

async function buildSeries(
  vantage: VantageClient,
  deadlineMs: number,
  inputs: SeriesInputs,
): Promise<UnitCostSeries> {
  const { attachment, extended } = inputs;
  const reportToken = attachment.cost_report_token;
  const unitScale =
    (attachment.unit_scale in SCALE_DIVISORS
      ? attachment.unit_scale
      : "per_unit") as keyof typeof SCALE_DIVISORS;
  const scale = SCALE_DIVISORS[unitScale];
  const labelFilter = attachment.label_filter && attachment.label_filter.length > 0
    ? attachment.label_filter
    : null;

  const costRows = await vantage.listDailyCosts(
    reportToken,
    extended.from,
    extended.to,
    deadlineMs,
  );
  const costs = new Map<IsoDate, number>();
  for (const row of costRows) {
    const day = row.accrued_at.slice(0, 10);
    costs.set(day, (costs.get(day) ?? 0) + Number(row.amount));
  }
  const amounts = new Map<IsoDate, number>();
  for (const [label, days] of inputs.amountsByLabel) {
    if (labelFilter && !labelFilter.includes(label)) continue;
    for (const [day, amount] of days) amounts.set(day, (amounts.get(day) ?? 0) + amount);
  }
  const { figures, available } = await vantageUnitCosts(vantage, deadlineMs, reportToken, inputs);
  const title = await vantage.getCostReport(reportToken, deadlineMs).then((report) =>
    report?.title ?? null
  )
    .catch(() => null); // the title is a nicety; the stricter cost-report rate limit must not fail the report

  const days = flagAnomalies(
    unitCostDays(extended.from, extended.to, {
      costs,
      amounts,
      vantageCostPerUnit: figures,
      scale,
      today: inputs.today,
    }),
  ).filter((day) => day.date >= inputs.window.from);
  const totalCost = sum(days.map((day) => day.cost));
  const totalAmount = sum(days.map((day) => day.amount));
  return {
    costReportToken: reportToken,
    costReportTitle: title,
    unitScale,
    scale,
    labelFilter,
    currency: costRows[0]?.currency ?? "USD",
    days,
    vantageUnitCostsAvailable: available,
    summary: {
      totalCost,
      totalAmount,
      costPerUnit: totalAmount > 0 ? totalCost / (totalAmount / scale) : null,
      anomalies: days.filter((day) => day.anomaly).length,
      provisionalDays: days.filter((day) => day.provisional).length,
    },
  };
}

/** Vantage's own cost per unit for this metric; unavailable on plans without it (402) and the like. */
async function vantageUnitCosts(
  vantage: VantageClient,
  deadlineMs: number,
  reportToken: string,
  inputs: SeriesInputs,
): Promise<{ figures: Map<IsoDate, number>; available: boolean }> {
  const figures = new Map<IsoDate, number>();
  try {
    const rows = await vantage.listDailyUnitCosts(
      reportToken,
      inputs.extended.from,
      inputs.extended.to,
      deadlineMs,
    );
    for (const row of rows) {
      if (row.business_metric_token === inputs.metricToken) {
        figures.set(row.date.slice(0, 10), Number(row.unit_cost_amount));
      }
    }
    return { figures, available: true };
  } catch (error) {
    const status = statusOf(error);
    if (status !== undefined && status >= 400 && status < 500) return { figures, available: false };
    throw error;
  }
}

function sum(values: readonly (number | null)[]): number {
  return values.reduce<number>((total, value) => total + (value ?? 0), 0);
}
