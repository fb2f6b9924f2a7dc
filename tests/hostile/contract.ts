/**
 * What every answer to a hostile request must be, whatever the request: never a 500, never a stack
 * trace or an internal path, every error in the contract's shape `{"error":{"code","message"}}`
 * with the status its code stands for. Plus the Postgres server log of the tests' cluster, read
 * to prove that no request text reached SQL unquoted (it would show as a `syntax error`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { clusterLocation, envPort } from "../../dev/db/local.ts";
import { ERROR_STATUS } from "../../functions/_shared/errors.ts";
import { recordOutcome } from "../support/reliability.ts";
import { TEST_SECRET } from "../support/stack.ts";

/** The function's base path, as `app.request()` takes it. */
export const BASE = "/unit-economics";
/** The Authorization header of a caller who knows the sync secret. */
export const AUTH = { authorization: `Bearer ${TEST_SECRET}` } as const;

/** Something that answers requests in process: a Hono app. */
export interface RequestTarget {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

/** An answer, read whole. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON. */
  json?: unknown;
}

/**
 * Sends one request in process and reads the whole answer.
 *
 * @example
 * ```ts
 * const answer = await ask(stack.function.app, `${BASE}/runs?limit=3`, { headers: AUTH });
 * ```
 */
export async function ask(app: RequestTarget, path: string, init?: RequestInit): Promise<Answer> {
  const response = await app.request(path, init);
  const text = await response.text();
  let json: unknown;
  if ((response.headers.get("content-type") ?? "").includes("json")) {
    json = JSON.parse(text);
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** What would betray the implementation to a caller. */
const LEAKS: readonly [RegExp, string][] = [
  [/at file:\/\//, "a stack frame (at file://)"],
  [/file:\/\//, "a file URL"],
  [/\.(?:ts|tsx|js|mjs|cjs):\d/, "a source position (.ts:line)"],
  [/\.ts\b/, "a TypeScript file name"],
  [/^\s+at \S/m, "a stack trace line"],
  [/node_modules|\.cache\/deno|registry\.npmjs\.org/, "a module cache path"],
  [/\/(?:work|root|home|usr|tmp)\//, "an internal file path"],
  [/postgres(?:ql)?:\/\/\S*@/, "a database URL"],
];

/**
 * Fails when `text` shows a stack trace, a source position or an internal path. A pattern that one
 * of `inputs` (what the request sent) matches is skipped: an error message may quote the input.
 *
 * @example
 * ```ts
 * assertNoLeak(answer.text, "POST /sync", [body]);
 * ```
 */
export function assertNoLeak(text: string, where: string, inputs: readonly string[] = []): void {
  for (const [pattern, what] of LEAKS) {
    if (inputs.some((input) => pattern.test(input))) continue;
    assert.ok(!pattern.test(text), `${where}: the answer shows ${what}: ${text.slice(0, 400)}`);
  }
}

/** Top-level keys of a sync run's result, which carries its worst metric's error beside them. */
const RUN_RESULT_KEYS = new Set([
  "runId",
  "status",
  "httpStatus",
  "trigger",
  "dryRun",
  "force",
  "window",
  "metrics",
  "durationMs",
  "anomaliesAnnounced",
  "error",
]);

/**
 * Fails unless `answer` keeps the contract: not a 500 (nor any 5xx but the designed 502 and 503),
 * no leak in body or headers, and an error body `{"error":{"code","message","details"?}}` whose
 * code is the contract's and answers with that code's status. Exceptions by design: `/status`
 * answers 503 with its report (`stale: true`), and `/sync` answers a failed run's result, which
 * has the run's fields beside `error`.
 *
 * @example
 * ```ts
 * assertWithinContract(await ask(app, `${BASE}/runs?limit=x`, { headers: AUTH }), "GET /runs");
 * ```
 */
export function assertWithinContract(
  answer: Answer,
  where: string,
  inputs: readonly string[] = [],
): void {
  const show = `${where} → ${answer.status} ${answer.text.slice(0, 300)}`;
  assert.ok(answer.status !== 500, `a 500: ${show}`);
  assert.ok(answer.status < 500 || answer.status === 502 || answer.status === 503, show);
  assertNoLeak(answer.text, where, inputs);
  const headers = [...answer.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
  assertNoLeak(headers, where, inputs);
  if (answer.status < 400) return;
  const body = answer.json as Record<string, unknown> | undefined;
  assert.ok(body && typeof body === "object", `an error that is not JSON: ${show}`);
  // GET /status: 503 with its report when a metric is stale, so that monitors can alert on it.
  if (answer.status === 503 && body.stale === true && body.status === "stale") return;
  const extra = Object.keys(body).filter((key) =>
    key !== "error" && !(body.runId !== undefined && RUN_RESULT_KEYS.has(key))
  );
  assert.deepEqual(extra, [], `only "error" at the top of an error body: ${show}`);
  const error = body.error as Record<string, unknown>;
  assert.ok(error && typeof error === "object", `no error object: ${show}`);
  assert.deepEqual(
    Object.keys(error).filter((key) => !["code", "message", "details"].includes(key)),
    [],
    `error has only code, message and details: ${show}`,
  );
  assert.equal(typeof error.code, "string", show);
  assert.match(error.code as string, /^[a-z]+(?:_[a-z]+)*$/, show);
  assert.ok((error.code as string) in ERROR_STATUS, `a code outside the contract: ${show}`);
  assert.notEqual(error.code, "internal_error", show);
  if (body.runId === undefined) {
    assert.equal(ERROR_STATUS[error.code as keyof typeof ERROR_STATUS], answer.status, show);
  }
  assert.equal(typeof error.message, "string", show);
  assert.ok((error.message as string).trim().length > 0, `an empty message: ${show}`);
}

/**
 * Fails when a log line of the function shows a SQL syntax error, an unhandled error, a stack
 * trace or a missing privilege.
 *
 * @example
 * ```ts
 * assertCleanLogs(stack.logs);
 * ```
 */
export function assertCleanLogs(lines: readonly string[]): void {
  for (const line of lines) {
    assert.doesNotMatch(line, /syntax error/i, line);
    assert.doesNotMatch(line, /unhandled error|internal_error/, line);
    assert.doesNotMatch(line, /permission denied/i, line);
  }
}

/**
 * Reads what the test cluster's Postgres logs from now on (tests/support/database.ts puts the
 * cluster in UNIT_ECONOMICS_TEST_DB_DIR, default `.local/postgres-test`, and its log beside the
 * data folder).
 *
 * @example
 * ```ts
 * const serverLog = await followServerLog();
 * // … requests …
 * assert.doesNotMatch(await serverLog.read(), /syntax error/);
 * ```
 */
export async function followServerLog(): Promise<{ read(): Promise<string> }> {
  const { logFile } = clusterLocation(
    Deno.env.get("UNIT_ECONOMICS_TEST_DB_DIR") || ".local/postgres-test",
    envPort("UNIT_ECONOMICS_TEST_DB_PORT", 54329),
  );
  const start = (await Deno.stat(logFile)).size;
  return {
    async read() {
      const bytes = await Deno.readFile(logFile);
      return new TextDecoder().decode(bytes.subarray(start));
    },
  };
}

/** Counts inputs per route while a property runs (shrinking included). */
export class InputTally {
  readonly counts = new Map<string, number>();

  /** One more input to `route`. */
  add(route: string): void {
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
  }

  /** Inputs so far, all routes. */
  get total(): number {
    return [...this.counts.values()].reduce((sum, count) => sum + count, 0);
  }
}

/**
 * Records one fuzzed route's figures for docs/reliability.md (section "hostile input").
 *
 * @example
 * ```ts
 * await recordFuzz("POST /sync", "body", 400, 1_234, { "400": 380, "200": 20 });
 * ```
 */
export async function recordFuzz(
  route: string,
  input: "body" | "query string",
  inputsTried: number,
  durationMs: number,
  statuses: Record<string, number>,
): Promise<void> {
  const by = Object.entries(statuses).sort().map(([status, count]) => `${count} × ${status}`);
  await recordOutcome({
    section: "hostile input",
    // "fuzz-post-sync-body", "fuzz-get-runs-query-string", …
    scenario: `fuzz ${route} ${input}`.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    title: `Property-based fuzzing of the ${input} of ${route} (fast-check)`,
    expected: "never a 500, never a stack trace or internal path, every error in the contract's " +
      "shape with its code's status, no SQL syntax error in any log",
    observed: `${inputsTried} inputs: ${by.join(", ")}; no 500, no leak, no SQL error`,
    inputsTried,
    durationMs: Math.round(durationMs),
    details: { route, statuses },
  });
}
