/**
 * `/business_metrics` endpoints: metrics, their values, labels and CSV import.
 *
 * @module
 */

import { type Context, Hono } from "hono";
import { parseMetricCsv } from "../csv.ts";
import { DATE_BINS, monthStart, parseInstant } from "../dates.ts";
import { formatDecimal, parseDecimal, sumDecimals } from "../decimal.ts";
import type { ApiEnv } from "../env.ts";
import { apiError, parseOrThrow } from "../errors.ts";
import { parseJsonExact } from "../json.ts";
import { paginate, readPage } from "../pagination.ts";
import { readDay, readEnum, readList } from "../params.ts";
import { createMetric, updateMetric } from "../metrics.ts";
import { createMetricBody, updateMetricBody } from "../schemas.ts";
import { compareValues, type EmulatorStore, type MetricValue, type ValueKind } from "../state.ts";

// The spec documents no default page size for these lists; 100 is the emulator's choice.
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 5000;
const LABELS_DEFAULT_LIMIT = 1000;
const pageBounds = { defaultLimit: DEFAULT_LIMIT, maxLimit: MAX_LIMIT };

/**
 * The business-metric routes, to mount under `/v2`.
 *
 * @example
 * ```ts
 * app.route("/v2", businessMetricRoutes(store));
 * ```
 */
export function businessMetricRoutes(store: EmulatorStore): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const existing = (token: string) => {
    const metric = store.metric(token);
    if (!metric) throw apiError(404, "BusinessMetric not found");
    return metric;
  };

  app.get("/business_metrics", (c) => {
    const url = new URL(c.req.url);
    const search = url.searchParams.get("q")?.toLowerCase() ?? "";
    const metrics = store.metrics().filter((m) => m.title.toLowerCase().includes(search));
    const { links, items } = paginate(metrics, url, readPage(url.searchParams, pageBounds));
    return c.json({ links, business_metrics: items });
  });

  app.post("/business_metrics", async (c) => {
    const body = parseOrThrow(createMetricBody, await readJsonBody(c), 400);
    return c.json(createMetric(store, body), 201);
  });

  app.get("/business_metrics/:token", (c) => c.json(existing(c.req.param("token"))));

  app.put("/business_metrics/:token", async (c) => {
    const metric = existing(c.req.param("token"));
    const body = parseOrThrow(updateMetricBody, await readJsonBody(c), 400);
    return c.json(updateMetric(store, metric, body));
  });

  app.delete("/business_metrics/:token", (c) => {
    if (!store.deleteMetric(c.req.param("token"))) throw apiError(404, "BusinessMetric not found");
    return c.body(null, 204);
  });

  for (const [path, kind] of [["values", "actual"], ["forecasted_values", "forecasted"]] as const) {
    app.get(`/business_metrics/:token/${path}`, (c) => {
      const metric = existing(c.req.param("token"));
      const url = new URL(c.req.url);
      const values = listValues(store.values(metric.token, kind), url.searchParams);
      const { links, items } = paginate(values, url, readPage(url.searchParams, pageBounds));
      return c.json({ links, values: items });
    });
  }

  app.delete("/business_metrics/:token/values", (c) => {
    const metric = existing(c.req.param("token"));
    const query = new URL(c.req.url).searchParams;
    const kind: ValueKind =
      readEnum(query, "forecasted", ["true", "false"], "false", 422) === "true"
        ? "forecasted"
        : "actual";
    const from = readBound(query, "start_date", "start");
    const to = readBound(query, "end_date", "end");
    // Present but empty (`label=`) selects unlabeled values; absent selects every label.
    const label = query.has("label") ? query.get("label") || null : undefined;
    const deleted_count = store.deleteValues(metric.token, kind, (value) => {
      const at = Date.parse(`${value.date}T00:00:00Z`);
      return at >= from && at <= to && (label === undefined || value.label === label);
    });
    return c.json({ deleted_count });
  });

  app.get("/business_metrics/:token/labels", (c) => {
    const metric = existing(c.req.param("token"));
    const url = new URL(c.req.url);
    const labels = [...new Set(store.values(metric.token).map((value) => value.label))]
      .filter((label) => label !== null)
      .sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" }))
      .map((value) => ({ value }));
    const page = readPage(url.searchParams, {
      defaultLimit: LABELS_DEFAULT_LIMIT,
      maxLimit: MAX_LIMIT,
    });
    const { links, items } = paginate(labels, url, page);
    return c.json({ links, labels: items });
  });

  app.put("/business_metrics/:token/values.csv", async (c) => {
    const metric = existing(c.req.param("token"));
    const form = await c.req.parseBody().catch(() => {
      throw apiError(400, "the body must be multipart/form-data or x-www-form-urlencoded");
    });
    const csv = form.csv;
    if (csv === undefined || Array.isArray(csv)) throw apiError(400, "csv is missing");
    const parsed = parseMetricCsv(typeof csv === "string" ? csv : await csv.text());
    if (!parsed.ok) throw apiError(422, ...parsed.errors);
    const kind: ValueKind = String(form.forecasted) === "true" ? "forecasted" : "actual";
    store.applyValueChanges(metric.token, kind, parsed.changes);
    return c.json(metric);
  });

  return app;
}

async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return parseJsonExact(text);
  } catch (error) {
    throw apiError(400, `Malformed JSON in the request body: ${(error as Error).message}`);
  }
}

function listValues(values: MetricValue[], query: URLSearchParams) {
  const start = readDay(query, "start_date");
  const labels = readList(query, "label_values");
  const bin = query.has("date_bin") ? readEnum(query, "date_bin", DATE_BINS, "day") : undefined;
  const kept = values.filter((value) =>
    (!start || value.date >= start) && (!labels || labels.includes(value.label ?? ""))
  );
  const rows = bin === "month" ? sumByMonth(kept) : kept;
  // Newest first, as the API documents; labels stay in ascending order within a date.
  rows.sort((a, b) => b.date.localeCompare(a.date) || compareValues(a, b));
  return rows.map((value) => ({
    date: `${value.date}T00:00:00Z`,
    amount: value.amount,
    label: value.label,
  }));
}

// Stored values are already one per (day, label), so only the month bin needs summing.
function sumByMonth(values: MetricValue[]): MetricValue[] {
  const sums = new Map<string, MetricValue>();
  for (const value of values) {
    const date = monthStart(value.date);
    const key = JSON.stringify([date, value.label]);
    const previous = sums.get(key)?.amount ?? "0";
    const amount = formatDecimal(
      sumDecimals([parseDecimal(previous)!, parseDecimal(value.amount)!]),
    );
    sums.set(key, { date, label: value.label, amount });
  }
  return [...sums.values()];
}

function readBound(query: URLSearchParams, name: string, side: "start" | "end"): number {
  const text = query.get(name);
  if (text === null) return side === "start" ? -Infinity : Infinity;
  const instant = parseInstant(text);
  if (!instant) throw apiError(422, `${name} must be an ISO 8601 date or date-time`);
  // A date-only end_date covers its whole day.
  return side === "end" && instant.dateOnly ? instant.ms + 86_400_000 - 1 : instant.ms;
}
