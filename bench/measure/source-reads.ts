/**
 * Evidence for the daily sync: how long the engine's own source query takes per metric for a
 * daily window, and which plan Postgres picks for it (EXPLAIN ANALYZE of the exact SQL the engine
 * sends, captured from postgres.js).
 *
 * @module
 */
import postgres from "postgres";
import type { MetricDeclaration } from "../../functions/_shared/metrics.ts";
import { parseMetricDefinitions } from "../../functions/_shared/metrics.ts";
import { readSourceRows } from "../../functions/_shared/source.ts";
import { type BenchStack, utcDay } from "../stack.ts";
import { summarize, type Summary } from "../stats.ts";

/** The engine's read of one metric's source for the last 7 days. */
export interface SourceReadResult {
  metric: string;
  relation: string;
  /** `readSourceRows` as the engine calls it (transaction, statement timeout, query), ms. */
  read: Summary;
  /** Postgres' own execution time of the query (EXPLAIN ANALYZE), ms. */
  executionMs: number;
  /** The scan of `public.orders` in the plan, e.g. "Seq Scan on orders (56084 rows removed by filter)". */
  scan: string;
}

/** All metrics' source reads one after the other (as the engine does) and all at once. */
export interface ReadOrderResult {
  metrics: number;
  /** One after the other, ms. */
  serial: Summary;
  /** Concurrently on a pool of 3 connections (the function's pool size), ms. */
  concurrent: Summary;
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Rows Removed by Filter"?: number;
  Plans?: PlanNode[];
}

/**
 * Times the source read of every metric over the daily window (the last 7 days), `runs` times.
 *
 * @example
 * ```ts
 * const reads = await measureSourceReads(stack, FIVE_METRICS, 20);
 * reads[0].scan; // "Seq Scan on orders (56084 rows removed by filter)"
 * ```
 */
export async function measureSourceReads(
  stack: BenchStack,
  declarations: readonly MetricDeclaration[],
  runs: number,
): Promise<SourceReadResult[]> {
  const window = { from: utcDay(-7), to: utcDay(-1) };
  let captured: { query: string; params: unknown[] } | undefined;
  const sql = postgres(stack.db.url, {
    prepare: false,
    max: 1,
    onnotice: () => {},
    debug: (_connection, query, params) => {
      if (/\bfrom\b/i.test(query)) captured = { query, params: params as unknown[] };
    },
  });
  try {
    const results: SourceReadResult[] = [];
    for (const metric of parseMetricDefinitions(declarations)) {
      const times: number[] = [];
      for (let run = 0; run < runs; run++) {
        const started = performance.now();
        await readSourceRows(sql, metric, window, 30_000);
        times.push(performance.now() - started);
      }
      if (!captured) throw new Error(`no source query captured for ${metric.key}`);
      const { query, params } = captured;
      const executions: number[] = [];
      let plan: PlanNode | undefined;
      for (let run = 0; run < 5; run++) {
        const [row] = await sql.unsafe(
          `explain (analyze, format json) ${query}`,
          params as postgres.ParameterOrJSON<never>[],
        );
        const [explained] = row["QUERY PLAN"] as { Plan: PlanNode; "Execution Time": number }[];
        executions.push(explained["Execution Time"]);
        plan = explained.Plan;
      }
      results.push({
        metric: metric.key,
        relation: `${metric.source.schema}.${metric.source.relation}`,
        read: summarize(times),
        executionMs: summarize(executions).median,
        scan: describeOrdersScan(plan!),
      });
    }
    return results;
  } finally {
    await sql.end();
  }
}

/** The plan nodes that read `orders` (scans and index scans), in a few words. */
function describeOrdersScan(plan: PlanNode): string {
  const nodes: PlanNode[] = [];
  const visit = (node: PlanNode) => {
    if (node["Relation Name"] === "orders" || node["Index Name"]) nodes.push(node);
    node.Plans?.forEach(visit);
  };
  visit(plan);
  const described = nodes.map((node) => {
    const target = node["Index Name"] ? ` using ${node["Index Name"]}` : " on orders";
    const removed = node["Rows Removed by Filter"]
      ? ` (${node["Rows Removed by Filter"]} rows removed by filter)`
      : "";
    return `${node["Node Type"]}${target}${removed}`;
  });
  return [...new Set(described)].join(" + ") || "no scan of orders";
}

/**
 * Times reading the sources of the first 3 and of all `declarations`, one after the other as the
 * engine does and concurrently on a pool of 3 (the function's), `runs` times each: the evidence
 * for reading them concurrently.
 *
 * @example
 * ```ts
 * const [three, five] = await measureReadOrder(stack, FIVE_METRICS, 20);
 * three.serial.median / three.concurrent.median; // the speed-up
 * ```
 */
export async function measureReadOrder(
  stack: BenchStack,
  declarations: readonly MetricDeclaration[],
  runs: number,
): Promise<ReadOrderResult[]> {
  const window = { from: utcDay(-7), to: utcDay(-1) };
  const metrics = parseMetricDefinitions(declarations);
  const sql = postgres(stack.db.url, { prepare: false, max: 3, onnotice: () => {} });
  try {
    const results: ReadOrderResult[] = [];
    for (const count of [3, metrics.length]) {
      const chosen = metrics.slice(0, count);
      const serial: number[] = [];
      const concurrent: number[] = [];
      for (let run = 0; run < runs; run++) {
        let started = performance.now();
        for (const metric of chosen) await readSourceRows(sql, metric, window, 30_000);
        serial.push(performance.now() - started);
        started = performance.now();
        await Promise.all(chosen.map((metric) => readSourceRows(sql, metric, window, 30_000)));
        concurrent.push(performance.now() - started);
      }
      results.push({
        metrics: count,
        serial: summarize(serial),
        concurrent: summarize(concurrent),
      });
    }
    return results;
  } finally {
    await sql.end();
  }
}
