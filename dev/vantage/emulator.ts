/**
 * A local Vantage API v2 emulator (Hono) for the endpoints the product uses: business metrics
 * and their values, cost reports, costs and unit costs. It answers like the real API
 * (statuses, `{"errors": [...]}` bodies, `x-rate-limit-*` headers) and has knobs for tests.
 *
 * @example
 * ```ts
 * const vantage = createVantageEmulator();
 * const res = await vantage.fetch(new Request("http://vantage.test/v2/ping", {
 *   headers: { authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}` },
 * }));
 * res.status; // 200
 * ```
 *
 * @module
 */

import { Hono } from "hono";
import type { ApiEnv } from "./env.ts";
import { parseOrThrow, renderError } from "./errors.ts";
import { EmulatedNetworkError, type FailureStatus, FaultInjector } from "./faults.ts";
import { JsonNumber } from "./json.ts";
import { createMetric } from "./metrics.ts";
import {
  addLatency,
  authenticate,
  injectFailures,
  limitRate,
  logRequests,
  type RequestLogEntry,
} from "./middleware.ts";
import { FixedWindowRateLimiter, type RateLimit, VANTAGE_RATE_LIMIT } from "./rate-limit.ts";
import { accountRoutes } from "./routes/account.ts";
import { businessMetricRoutes } from "./routes/business-metrics.ts";
import { costReportRoutes } from "./routes/cost-reports.ts";
import { costRoutes } from "./routes/costs.ts";
import { knobRoutes } from "./routes/knobs.ts";
import { createMetricBody } from "./schemas.ts";
import {
  type AttachedCostReport,
  type BusinessMetric,
  type CostReport,
  EmulatorStore,
  type Scope,
} from "./state.ts";

export type { RequestLogEntry } from "./middleware.ts";
export type { RateLimit } from "./rate-limit.ts";
export type { BusinessMetric, CostReport, MetricValue, Scope } from "./state.ts";
export { AWS_SERVICES } from "./costs.ts";
export { SEEDED_COST_REPORT } from "./state.ts";

/**
 * The token an emulator accepts when no `tokens` option is given (read and write).
 *
 * @example
 * ```ts
 * headers.set("authorization", `Bearer ${DEFAULT_EMULATOR_TOKEN}`);
 * ```
 */
export const DEFAULT_EMULATOR_TOKEN = "vntg_tkn_emulator";

/**
 * How to start an emulator.
 *
 * @example
 * ```ts
 * createVantageEmulator({ tokens: { ro: ["read"] }, seed: 7, rateLimit: { limit: 5, windowSeconds: 5 } });
 * ```
 */
export interface VantageEmulatorOptions {
  /** Accepted tokens and their scopes. Default: `{ vntg_tkn_emulator: ["read", "write"] }`. */
  tokens?: Record<string, Scope[]>;
  /** Clock (epoch ms) for rate-limit windows, "today" of the costs, and timestamps. */
  now?: () => number;
  /** Request budget per token. Default: Vantage's 1000 per hour. */
  rateLimit?: RateLimit;
  /** Seed of the synthetic costs (same seed, same costs). Default 1. */
  seed?: number;
}

/**
 * Read-only views of the emulator's data, for assertions.
 *
 * @example
 * ```ts
 * const state: VantageEmulatorState = createVantageEmulator().state;
 * state.costReports()[0].title; // "All AWS costs"
 * ```
 */
export type VantageEmulatorState = Pick<
  EmulatorStore,
  "metrics" | "metric" | "values" | "costReports" | "costReport" | "costs" | "today"
>;

/**
 * What `createMetric` takes: the API's create body, plus an optional fixed token.
 *
 * @example
 * ```ts
 * vantage.createMetric({
 *   token: "bsnss_mtrc_0000000000000001",
 *   title: "Orders",
 *   cost_report_tokens_with_metadata: [{ cost_report_token: "rprt_emulator0000001" }],
 *   values: [{ date: "2024-03-14", amount: 42 }],
 * });
 * ```
 */
export interface MetricSeed {
  title: string;
  /** A known token instead of a random `bsnss_mtrc_<16 hex>`. */
  token?: string;
  cost_report_tokens_with_metadata?: Array<
    Pick<AttachedCostReport, "cost_report_token"> & Partial<AttachedCostReport>
  >;
  values?: Array<{ date: string; amount: number | string; label?: string | null }>;
}

/**
 * A running emulator: the API, its data, its request log and its knobs.
 *
 * @example
 * ```ts
 * const vantage: VantageEmulator = createVantageEmulator();
 * vantage.failNext(1, 503);
 * vantage.requests.length; // 0
 * ```
 */
export interface VantageEmulator {
  /** Answers a request: the API under `/v2`, the knobs under `/_emulator`. */
  fetch(request: Request): Promise<Response>;
  /** The emulator's data. */
  readonly state: VantageEmulatorState;
  /** Every `/v2` call, oldest first (knob calls are not logged). */
  readonly requests: readonly RequestLogEntry[];
  /**
   * The next `count` API requests answer `status` with `{"errors": [...]}` (or `body`), or with
   * `"drop"` break the connection: `fetch` throws a `TypeError`, and over HTTP the response is
   * cut short. Queued after earlier `failNext` calls; the requests are not applied.
   */
  failNext(count: number, status: FailureStatus, body?: unknown): void;
  /** Delays every API response by `ms`. */
  setLatency(ms: number): void;
  /** Replaces the request budget (counts start again). */
  setRateLimit(limit: RateLimit): void;
  /** Back to the state right after creation: metrics, log, knobs, tokens, budget. */
  reset(): void;
  /** Accepts another token. */
  addToken(token: string, scopes: Scope[]): void;
  /** Creates a metric as `POST /v2/business_metrics` would, without a request; throws on bad input. */
  createMetric(seed: MetricSeed): BusinessMetric;
  /** Adds a cost report (all synthetic services unless given). */
  addCostReport(input: Parameters<EmulatorStore["addCostReport"]>[0]): CostReport;
}

/**
 * Creates an in-process emulator. Serve it with `serveVantageEmulator`, or call `fetch`.
 *
 * @example
 * ```ts
 * let now = Date.UTC(2024, 2, 15);
 * const vantage = createVantageEmulator({ now: () => now, rateLimit: { limit: 5, windowSeconds: 60 } });
 * const orders = vantage.createMetric({ title: "Orders", values: [{ date: "2024-03-14", amount: 42 }] });
 * vantage.state.values(orders.token); // [{ date: "2024-03-14", label: null, amount: "42.0" }]
 * ```
 */
export function createVantageEmulator(options: VantageEmulatorOptions = {}): VantageEmulator {
  const now = options.now ?? Date.now;
  const rateLimit = options.rateLimit ?? VANTAGE_RATE_LIMIT;
  const store = new EmulatorStore({
    tokens: options.tokens ?? { [DEFAULT_EMULATOR_TOKEN]: ["read", "write"] },
    now,
    seed: options.seed ?? 1,
  });
  const faults = new FaultInjector();
  const limiter = new FixedWindowRateLimiter(rateLimit, now);
  const requests: RequestLogEntry[] = [];

  const app = new Hono<ApiEnv>();
  app.use(
    "/v2/*",
    logRequests(requests, now),
    addLatency(faults),
    limitRate(limiter),
    injectFailures(faults),
    authenticate(store),
  );
  app.route("/v2", accountRoutes());
  app.route("/v2", businessMetricRoutes(store));
  app.route("/v2", costReportRoutes(store));
  app.route("/v2", costRoutes(store));
  app.notFound((c) => c.json({ errors: ["Not found"] }, 404));
  app.onError(renderError);

  const emulator: VantageEmulator = {
    async fetch(request) {
      const outcome = { dropped: false };
      const response = await app.fetch(request, { outcome });
      if (outcome.dropped) throw new EmulatedNetworkError();
      return response;
    },
    state: store,
    requests,
    failNext: (count, status, body) => faults.failNext(count, status, body),
    setLatency: (ms) => faults.setLatency(ms),
    setRateLimit: (limit) => limiter.configure(limit),
    reset() {
      store.reset();
      faults.reset();
      limiter.configure(rateLimit);
      requests.length = 0;
    },
    addToken: (token, scopes) => void store.addToken(token, scopes),
    createMetric({ token, values, ...rest }) {
      const body = parseOrThrow(createMetricBody, {
        ...rest,
        values: values?.map((value) => ({
          ...value,
          amount: new JsonNumber(String(value.amount)),
        })),
      }, 400);
      return createMetric(store, body, token);
    },
    addCostReport: (input) => store.addCostReport(input),
  };
  app.route("/_emulator", knobRoutes(emulator));
  return emulator;
}
