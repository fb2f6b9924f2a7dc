/**
 * The emulator's in-memory account: API tokens, business metrics with their values, and cost
 * reports. One store per emulator; nothing is global.
 *
 * @module
 */

import { AWS_SERVICES, type DailyCost, syntheticCosts, type SyntheticService } from "./costs.ts";
import { utcDay } from "./dates.ts";

/**
 * An API token scope.
 *
 * @example
 * ```ts
 * const scopes: Scope[] = ["read", "write"];
 * ```
 */
export type Scope = "read" | "write";

/**
 * `unit_scale` values and the divisor each one applies to the metric.
 *
 * @example
 * ```ts
 * UNIT_SCALES.per_thousand; // 1000n
 * ```
 */
export const UNIT_SCALES = {
  per_unit: 1n,
  per_hundred: 100n,
  per_thousand: 1_000n,
  per_million: 1_000_000n,
  per_billion: 1_000_000_000n,
} as const;

/**
 * A `unit_scale` value.
 *
 * @example
 * ```ts
 * const scale: UnitScale = "per_million";
 * ```
 */
export type UnitScale = keyof typeof UNIT_SCALES;

/**
 * `calculation_type` values.
 *
 * @example
 * ```ts
 * CALCULATION_TYPES[0]; // "unit_cost"
 * ```
 */
export const CALCULATION_TYPES = [
  "unit_cost",
  "gross_margin",
  "usage_unit_cost",
  "raw_business_metric",
] as const;

/**
 * A `calculation_type` value.
 *
 * @example
 * ```ts
 * const type: CalculationType = "raw_business_metric";
 * ```
 */
export type CalculationType = typeof CALCULATION_TYPES[number];

/**
 * `AttachedCostReportForBusinessMetric`: a metric's attachment to a cost report.
 *
 * @example
 * ```ts
 * const attached: AttachedCostReport = {
 *   cost_report_token: "rprt_emulator0000001",
 *   unit_scale: "per_unit",
 *   calculation_type: "unit_cost",
 * };
 * ```
 */
export interface AttachedCostReport {
  cost_report_token: string;
  unit_scale: UnitScale;
  calculation_type: CalculationType;
  label?: string | null;
  label_filter?: string[] | null;
  label_filters?: Record<string, string[]> | null;
}

/**
 * `BusinessMetric` as the API returns it (values are read separately since 2025).
 *
 * @example
 * ```ts
 * const metric: BusinessMetric | undefined = store.metric("bsnss_mtrc_0000000000000001");
 * ```
 */
export interface BusinessMetric {
  token: string;
  title: string;
  created_by_token: string;
  cost_report_tokens_with_metadata: AttachedCostReport[];
  import_type: "csv";
  integration_token: "";
}

/**
 * One stored value of a metric.
 *
 * @example
 * ```ts
 * const value: MetricValue = { date: "2024-01-03", label: null, amount: "300.0" };
 * ```
 */
export interface MetricValue {
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
  /** `null` for unlabeled (the API treats `""` and `null` alike). */
  label: string | null;
  /** Exact amount in canonical form, e.g. `"300.0"`. */
  amount: string;
}

/**
 * A change to a metric's values: `amount: null` deletes the (date, label) point.
 *
 * @example
 * ```ts
 * const removal: ValueChange = { date: "2024-01-03", label: "web", amount: null };
 * ```
 */
export interface ValueChange {
  date: string;
  label: string | null;
  amount: string | null;
}

/**
 * Historical values or forecasts: the API keeps them apart.
 *
 * @example
 * ```ts
 * store.values(token, "forecasted" satisfies ValueKind);
 * ```
 */
export type ValueKind = "actual" | "forecasted";

/**
 * An API access token known to the emulator.
 *
 * @example
 * ```ts
 * const token: ApiToken | undefined = store.token("vntg_tkn_emulator");
 * ```
 */
export interface ApiToken {
  token: string;
  scopes: Scope[];
  description: string;
  created_at: string;
}

/**
 * A cost report: its costs are the synthetic daily costs of `services`.
 *
 * @example
 * ```ts
 * const report: CostReport = store.addCostReport({ title: "Compute only", services: AWS_SERVICES.slice(0, 1) });
 * ```
 */
export interface CostReport {
  token: string;
  title: string;
  services: readonly SyntheticService[];
  created_at: string;
}

/**
 * The user that owns every emulated token.
 *
 * @example
 * ```ts
 * metric.created_by_token === EMULATOR_USER_TOKEN; // true for every emulated metric
 * ```
 */
export const EMULATOR_USER_TOKEN = "usr_emulator0000001";
/**
 * The single workspace of the emulated account.
 *
 * @example
 * ```ts
 * me.default_workspace_token === EMULATOR_WORKSPACE_TOKEN; // true
 * ```
 */
export const EMULATOR_WORKSPACE_TOKEN = "wrkspc_emulator0000001";
/**
 * The cost report every emulator starts with.
 *
 * @example
 * ```ts
 * fetch(`${url}/costs?cost_report_token=${SEEDED_COST_REPORT.token}`);
 * ```
 */
export const SEEDED_COST_REPORT = { token: "rprt_emulator0000001", title: "All AWS costs" };

/**
 * What a store starts from (and returns to on `reset`).
 *
 * @example
 * ```ts
 * new EmulatorStore({ tokens: { t: ["read"] }, now: Date.now, seed: 1 } satisfies StoreOptions);
 * ```
 */
export interface StoreOptions {
  /** Tokens and their scopes. */
  tokens: Record<string, Scope[]>;
  /** Clock for creation times and "today". */
  now: () => number;
  /** Seed of the synthetic costs. */
  seed: number;
}

/**
 * The mutable account state behind the routes.
 *
 * @example
 * ```ts
 * const store = new EmulatorStore({ tokens: { t: ["read"] }, now: Date.now, seed: 1 });
 * store.costReports()[0].token; // "rprt_emulator0000001"
 * ```
 */
export class EmulatorStore {
  readonly #options: StoreOptions;
  #tokens = new Map<string, ApiToken>();
  #metrics = new Map<string, BusinessMetric>();
  #values = new Map<string, Record<ValueKind, Map<string, MetricValue>>>();
  #reports = new Map<string, CostReport>();

  constructor(options: StoreOptions) {
    this.#options = options;
    this.reset();
  }

  /** Back to the initial tokens and seeded report, with no metrics. */
  reset(): void {
    this.#tokens.clear();
    this.#metrics.clear();
    this.#values.clear();
    this.#reports.clear();
    for (const [token, scopes] of Object.entries(this.#options.tokens)) {
      this.addToken(token, scopes);
    }
    this.addCostReport(SEEDED_COST_REPORT);
  }

  /** "Today" per the injected clock, `YYYY-MM-DD` (UTC). */
  today(): string {
    return utcDay(this.#options.now());
  }

  /** Adds or replaces a token. */
  addToken(token: string, scopes: Scope[]): ApiToken {
    const entry = {
      token,
      scopes: [...scopes],
      description: "Vantage emulator token",
      created_at: this.#timestamp(),
    };
    this.#tokens.set(token, entry);
    return entry;
  }

  /** The token's record, if known. */
  token(token: string): ApiToken | undefined {
    return this.#tokens.get(token);
  }

  /** Every metric, in creation order. */
  metrics(): BusinessMetric[] {
    return [...this.#metrics.values()].map(cloneMetric);
  }

  /** One metric, if it exists. */
  metric(token: string): BusinessMetric | undefined {
    const metric = this.#metrics.get(token);
    return metric && cloneMetric(metric);
  }

  /** Inserts or replaces a metric (its values are kept). */
  saveMetric(metric: BusinessMetric): void {
    this.#metrics.set(metric.token, cloneMetric(metric));
    if (!this.#values.has(metric.token)) {
      this.#values.set(metric.token, { actual: new Map(), forecasted: new Map() });
    }
  }

  /** Deletes a metric and its values; false when it did not exist. */
  deleteMetric(token: string): boolean {
    this.#values.delete(token);
    return this.#metrics.delete(token);
  }

  /** A metric's values, oldest first, unlabeled before labels. Empty for an unknown metric. */
  values(token: string, kind: ValueKind = "actual"): MetricValue[] {
    const stored = this.#values.get(token)?.[kind];
    return [...stored?.values() ?? []].map((value) => ({ ...value })).sort(compareValues);
  }

  /** Applies changes in order: later changes to the same (date, label) win. */
  applyValueChanges(token: string, kind: ValueKind, changes: Iterable<ValueChange>): void {
    const stored = this.#valueMap(token, kind);
    for (const { date, label, amount } of changes) {
      const key = valueKey(date, label);
      if (amount === null) stored.delete(key);
      else stored.set(key, { date, label, amount });
    }
  }

  /** Deletes the values that match; returns how many. */
  deleteValues(token: string, kind: ValueKind, matches: (value: MetricValue) => boolean): number {
    const stored = this.#valueMap(token, kind);
    let deleted = 0;
    for (const [key, value] of stored) {
      if (matches(value)) {
        stored.delete(key);
        deleted += 1;
      }
    }
    return deleted;
  }

  /** Every cost report, in creation order. */
  costReports(): CostReport[] {
    return [...this.#reports.values()];
  }

  /** One cost report, if it exists. */
  costReport(token: string): CostReport | undefined {
    return this.#reports.get(token);
  }

  /** Adds a cost report over some (default all) synthetic services. */
  addCostReport(
    input: { title: string; token?: string; services?: readonly SyntheticService[] },
  ): CostReport {
    const report = {
      token: input.token ?? `rprt_${randomHex(8)}`,
      title: input.title,
      services: input.services ?? AWS_SERVICES,
      created_at: this.#timestamp(),
    };
    this.#reports.set(report.token, report);
    return report;
  }

  /** A report's daily costs from `start` to `end` (inclusive, never after today). */
  costs(reportToken: string, start: string, end: string): DailyCost[] {
    const report = this.#reports.get(reportToken);
    if (!report) return [];
    return syntheticCosts(report.services, start, end, this.today(), this.#options.seed);
  }

  #valueMap(token: string, kind: ValueKind): Map<string, MetricValue> {
    const stored = this.#values.get(token);
    if (!stored) throw new Error(`unknown business metric ${token}`);
    return stored[kind];
  }

  #timestamp(): string {
    return new Date(this.#options.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
  }
}

/**
 * `count` random bytes as hex, for tokens such as `bsnss_mtrc_<16 hex>`.
 *
 * @example
 * ```ts
 * randomHex(8).length; // 16
 * ```
 */
export function randomHex(count: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(count));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function valueKey(date: string, label: string | null): string {
  return JSON.stringify([date, label]);
}

/**
 * Orders values by date, then label (unlabeled first).
 *
 * @example
 * ```ts
 * values.sort(compareValues);
 * ```
 */
export function compareValues(a: MetricValue, b: MetricValue): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  if (a.label === b.label) return 0;
  if (a.label === null) return -1;
  if (b.label === null) return 1;
  return a.label < b.label ? -1 : 1;
}

function cloneMetric(metric: BusinessMetric): BusinessMetric {
  return structuredClone(metric);
}
