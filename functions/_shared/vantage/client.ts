/**
 * A small Vantage API v2 client: bearer auth, per-request timeout, 429 waits until the rate limit
 * resets, 5xx and network errors retried with backoff and jitter, other 4xx failed at once with
 * Vantage's own `errors[]`, every success checked with zod, and everything bounded by the run's
 * deadline.
 *
 * @module
 */
import { z } from "zod";
import { type Clock, systemClock } from "../clock.ts";
import { type Config, requireSetting } from "../config.ts";
import { AppError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { MetricValue } from "../metric-values.ts";
import {
  backoffDelay,
  budgetWait,
  isTransientStatus,
  MAX_ATTEMPTS,
  rateLimitWait,
} from "./retry-policy.ts";
import {
  type BusinessMetric,
  businessMetricSchema,
  type BusinessMetricWrite,
  type CostReport,
  costReportSchema,
  costsPageSchema,
  errorsSchema,
  unitCostsPageSchema,
  valuesPageSchema,
  type VantageCost,
  type VantageUnitCost,
  type VantageValue,
} from "./schemas.ts";

/** Most values in one `PUT /business_metrics/{token}`. */
export const MAX_VALUES_PER_REQUEST = 500;
/** Largest page Vantage serves of business metric values and of costs. */
const MAX_PAGE_SIZE = 5000;
/** Largest page of `/unit_costs`. */
const MAX_UNIT_COSTS_PAGE_SIZE = 1000;
// A long chain of 429s without progress means something is wrong; stop even within the deadline.
const MAX_RATE_LIMIT_WAITS = 20;

/** Options of {@link VantageClient}. */
export interface VantageClientOptions {
  /** Base URL including `/v2`, for example `https://api.vantage.sh/v2`. */
  baseUrl: string;
  /** API token with READ and WRITE scopes. */
  token: string;
  requestTimeoutMs: number;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Source of jitter, in [0, 1). */
  random?: () => number;
  logger?: Logger;
}

/**
 * Talks to the Vantage API.
 *
 * @example
 * ```ts
 * const vantage = new VantageClient({ baseUrl, token, requestTimeoutMs: 20_000 });
 * await vantage.putBusinessMetricValues("bsnss_mtrc_…", values, Date.now() + 60_000);
 * ```
 */
export class VantageClient {
  readonly #options: Required<Omit<VantageClientOptions, "logger">> & { logger?: Logger };
  /** Until when the rate-limit budget is known to be spent. */
  #budgetResetsAt = 0;

  constructor(options: VantageClientOptions) {
    this.#options = {
      ...options,
      // An option passed as undefined takes the default, not the place of it.
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      clock: options.clock ?? systemClock,
      random: options.random ?? Math.random,
    };
  }

  /**
   * Upserts values (by day and label) into a business metric; a null amount deletes that value.
   * At most {@link MAX_VALUES_PER_REQUEST} values per call.
   */
  async putBusinessMetricValues(
    metricToken: string,
    values: readonly MetricValue[],
    deadlineMs: number,
  ): Promise<BusinessMetric> {
    if (values.length > MAX_VALUES_PER_REQUEST) {
      throw new RangeError(
        `at most ${MAX_VALUES_PER_REQUEST} values per request, got ${values.length}`,
      );
    }
    return await this.request(
      "PUT",
      metricPath(metricToken),
      businessMetricSchema,
      deadlineMs,
      encodeValuesBody(values),
    );
  }

  /**
   * The business metric with this token, or null when Vantage does not know it (404), as when it
   * was deleted outside this tool.
   */
  async getBusinessMetric(metricToken: string, deadlineMs: number): Promise<BusinessMetric | null> {
    try {
      return await this.request("GET", metricPath(metricToken), businessMetricSchema, deadlineMs);
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  /** Creates a business metric (`POST /business_metrics`, 201). */
  async createBusinessMetric(
    body: BusinessMetricWrite,
    deadlineMs: number,
  ): Promise<BusinessMetric> {
    return await this.request(
      "POST",
      "/business_metrics",
      businessMetricSchema,
      deadlineMs,
      JSON.stringify(body),
    );
  }

  /** Changes a business metric's title or cost report attachments (the list is replaced). */
  async updateBusinessMetric(
    metricToken: string,
    body: Partial<BusinessMetricWrite>,
    deadlineMs: number,
  ): Promise<BusinessMetric> {
    return await this.request(
      "PUT",
      metricPath(metricToken),
      businessMetricSchema,
      deadlineMs,
      JSON.stringify(body),
    );
  }

  /** Deletes a business metric and its values (204). */
  async deleteBusinessMetric(metricToken: string, deadlineMs: number): Promise<void> {
    await this.request("DELETE", metricPath(metricToken), z.undefined(), deadlineMs);
  }

  /**
   * Every value of a business metric from `startDate` on (Vantage has no end date), newest first,
   * following `links.next` page by page.
   */
  async listBusinessMetricValues(
    metricToken: string,
    startDate: string,
    deadlineMs: number,
  ): Promise<VantageValue[]> {
    const query = new URLSearchParams({ start_date: startDate, limit: String(MAX_PAGE_SIZE) });
    const pages = await this.#allPages(
      `${metricPath(metricToken)}/values?${query}`,
      valuesPageSchema,
      deadlineMs,
    );
    return pages.flatMap((page) => page.values);
  }

  /**
   * A cost report's costs per day from `from` to `to` (both included), every page: one row per
   * day and grouping (provider, service, account); sum them for a day's total.
   */
  async listDailyCosts(
    costReportToken: string,
    from: string,
    to: string,
    deadlineMs: number,
  ): Promise<VantageCost[]> {
    const query = dailyReportQuery(costReportToken, from, to, MAX_PAGE_SIZE);
    const pages = await this.#allPages(`/costs?${query}`, costsPageSchema, deadlineMs);
    return pages.flatMap((page) => page.costs);
  }

  /** Vantage's own daily unit costs for the metrics attached to a cost report, every page. */
  async listDailyUnitCosts(
    costReportToken: string,
    from: string,
    to: string,
    deadlineMs: number,
  ): Promise<VantageUnitCost[]> {
    const query = dailyReportQuery(costReportToken, from, to, MAX_UNIT_COSTS_PAGE_SIZE);
    const pages = await this.#allPages(`/unit_costs?${query}`, unitCostsPageSchema, deadlineMs);
    return pages.flatMap((page) => page.unit_costs);
  }

  /** A cost report (for its title); null when Vantage does not know it. */
  async getCostReport(costReportToken: string, deadlineMs: number): Promise<CostReport | null> {
    try {
      return await this.request(
        "GET",
        `/cost_reports/${encodeURIComponent(costReportToken)}`,
        costReportSchema,
        deadlineMs,
      );
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  /** Every page of a paginated list, following `links.next`. */
  async #allPages<T extends { links?: { next?: string | null } }>(
    firstPath: string,
    schema: z.ZodType<T>,
    deadlineMs: number,
  ): Promise<T[]> {
    const pages: T[] = [];
    let path: string | null = firstPath;
    while (path) {
      const page: T = await this.request("GET", path, schema, deadlineMs);
      pages.push(page);
      path = page.links?.next ? this.#relativePath(page.links.next) : null;
    }
    return pages;
  }

  /** A `links.next` URL as a path under the base URL; never follows a link to another host. */
  #relativePath(link: string): string {
    const base = this.#options.baseUrl;
    if (!link.startsWith(`${base}/`)) {
      throw new AppError(
        "vantage_invalid_response",
        `Vantage sent a pagination link outside ${base}; not following it`,
      );
    }
    return link.slice(base.length);
  }

  /** Sends one request with the retry policy; resolves with the zod-checked body. */
  async request<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    deadlineMs: number,
    body?: string,
  ): Promise<T> {
    const { clock, random } = this.#options;
    const what = `${method} ${path}`;
    let attempt = 0;
    let rateLimitWaits = 0;
    for (;;) {
      await this.#waitFor(
        this.#budgetResetsAt - clock.now(),
        deadlineMs,
        what,
        "the rate-limit budget resets",
      );
      attempt++;
      let response: Response;
      let text: string;
      try {
        ({ response, text } = await this.#send(method, path, body, deadlineMs));
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS) {
          throw new AppError(
            "vantage_unavailable",
            `Vantage did not answer ${what} after ${attempt} tries (${describeFailure(error)})`,
            { cause: error },
          );
        }
        this.#options.logger?.warn("vantage request failed, retrying", {
          request: what,
          attempt,
          reason: describeFailure(error),
        });
        await this.#waitFor(
          backoffDelay(attempt, random),
          deadlineMs,
          what,
          "retrying after a network error",
        );
        continue;
      }
      this.#noteBudget(response.headers);
      if (response.ok) return this.#parse(response, text, schema, what);

      const errors = readErrors(response, text);
      if (response.status === 429) {
        rateLimitWaits++;
        attempt--; // a rate-limit wait is not a failed try
        if (rateLimitWaits > MAX_RATE_LIMIT_WAITS) {
          throw new AppError(
            "vantage_rate_limited",
            `Vantage kept answering 429 to ${what}; gave up after ${MAX_RATE_LIMIT_WAITS} waits`,
          );
        }
        const wait = rateLimitWait(response.headers, clock.now()) ??
          backoffDelay(rateLimitWaits, random);
        this.#options.logger?.warn("vantage rate limit reached, waiting", {
          request: what,
          waitMs: wait,
        });
        await this.#waitFor(
          wait,
          deadlineMs,
          what,
          "Vantage's rate limit resets",
          "vantage_rate_limited",
        );
        continue;
      }
      if (isTransientStatus(response.status) && attempt < MAX_ATTEMPTS) {
        this.#options.logger?.warn("vantage answered an error, retrying", {
          request: what,
          attempt,
          status: response.status,
        });
        await this.#waitFor(
          backoffDelay(attempt, random),
          deadlineMs,
          what,
          `retrying after ${response.status}`,
        );
        continue;
      }
      const code = isTransientStatus(response.status) ? "vantage_unavailable" : "vantage_rejected";
      const tries = isTransientStatus(response.status) ? ` after ${attempt} tries` : "";
      throw new AppError(
        code,
        `Vantage answered ${response.status} to ${what}${tries}: ${errors}${
          hintFor(response.status)
        }`,
        { details: { status: response.status, errors } },
      );
    }
  }

  /**
   * Sends the request and reads the whole body, both under the request's timeout: a connection
   * that breaks or stalls in the middle of the body is a network failure (retried), not a
   * malformed answer.
   */
  async #send(
    method: string,
    path: string,
    body: string | undefined,
    deadlineMs: number,
  ): Promise<{ response: Response; text: string }> {
    const { baseUrl, token, requestTimeoutMs, clock } = this.#options;
    const timeout = Math.max(1, Math.min(requestTimeoutMs, deadlineMs - clock.now()));
    const signal = AbortSignal.timeout(timeout);
    const response = await this.#options.fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body,
      signal,
    });
    return { response, text: await response.text() };
  }

  #parse<T>(response: Response, text: string, schema: z.ZodType<T>, what: string): T {
    let json: unknown;
    try {
      json = response.status === 204 ? undefined : JSON.parse(text);
    } catch (error) {
      throw new AppError(
        "vantage_invalid_response",
        `Vantage answered ${what} with a body that is not JSON`,
        { cause: error },
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError(
        "vantage_invalid_response",
        `Vantage answered ${what} with an unexpected shape (${
          issue?.path.join(".") || "body"
        }: ${issue?.message}); nothing was recorded as sent`,
      );
    }
    return parsed.data;
  }

  #noteBudget(headers: Headers): void {
    const wait = budgetWait(headers, this.#options.clock.now());
    if (wait > 0) this.#budgetResetsAt = this.#options.clock.now() + wait;
  }

  async #waitFor(
    ms: number,
    deadlineMs: number,
    what: string,
    reason: string,
    code: "vantage_rate_limited" | "vantage_unavailable" = "vantage_unavailable",
  ): Promise<void> {
    if (ms <= 0) return;
    const clock = this.#options.clock;
    if (clock.now() + ms > deadlineMs) {
      throw new AppError(
        code,
        `Stopped before ${what}: waiting ${
          Math.ceil(ms / 1000)
        } s until ${reason} would pass the run's deadline; the next run sends what is left`,
      );
    }
    await clock.sleep(ms);
  }
}

/**
 * The client for the configured Vantage API; throws `misconfigured` naming VANTAGE_API_TOKEN (or a
 * malformed VANTAGE_API_URL) when it cannot be built.
 *
 * @example
 * ```ts
 * const vantage = vantageClientFromConfig(config, { clock, logger });
 * ```
 */
export function vantageClientFromConfig(
  config: Config,
  options: { clock?: Clock; logger?: Logger } = {},
): VantageClient {
  requireSetting(config, "VANTAGE_API_TOKEN");
  return new VantageClient({
    baseUrl: config.vantageApiUrl,
    token: config.vantageApiToken!,
    requestTimeoutMs: config.vantageRequestTimeoutMs,
    clock: options.clock,
    logger: options.logger,
  });
}

/** The HTTP status of a Vantage refusal, when the error is one. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof AppError ? (error.details as { status?: number })?.status : undefined;
}

/** The query of a cost report's daily figures, oldest first, in the largest pages allowed. */
function dailyReportQuery(costReportToken: string, from: string, to: string, limit: number) {
  return new URLSearchParams({
    cost_report_token: costReportToken,
    start_date: from,
    end_date: to,
    date_bin: "day",
    order: "asc",
    limit: String(limit),
  });
}

function metricPath(metricToken: string): string {
  return `/business_metrics/${encodeURIComponent(metricToken)}`;
}

/**
 * The JSON body of a values PUT, written by hand so that amounts keep every digit (a JavaScript
 * number would round 9007199254740993). Amounts are canonical decimals, so they are valid JSON numbers.
 *
 * @example
 * ```ts
 * encodeValuesBody([{ date: "2026-11-27", label: "", amount: "42" }]);
 * // '{"values":[{"date":"2026-11-27","amount":42}]}'
 * ```
 */
export function encodeValuesBody(values: readonly MetricValue[]): string {
  const items = values.map((value) => {
    const label = value.label === "" ? "" : `,"label":${JSON.stringify(value.label)}`;
    return `{"date":${JSON.stringify(value.date)},"amount":${value.amount ?? "null"}${label}}`;
  });
  return `{"values":[${items.join(",")}]}`;
}

/** Vantage's `errors[]` joined, or the start of whatever else the body was. */
function readErrors(response: Response, text: string): string {
  try {
    const parsed = errorsSchema.safeParse(JSON.parse(text));
    if (parsed.success && parsed.data.errors.length > 0) return parsed.data.errors.join("; ");
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.trim().slice(0, 200) || response.statusText || "no error message";
}

function hintFor(status: number): string {
  switch (status) {
    case 401:
      return " (check VANTAGE_API_TOKEN)";
    case 403:
      return " (the token needs the WRITE scope)";
    case 404:
      return " (check the business metric token)";
    default:
      return "";
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "timed out";
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
