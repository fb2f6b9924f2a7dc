/**
 * Property-based fuzzing (fast-check) of the request bodies of POST /sync, /plan and /report-link,
 * in process against the real thing: the function's role on a real Postgres, the Vantage emulator.
 * Whatever the body, content type or X-Request-Id: never a 500, never a stack trace, every error in
 * the contract's shape, no SQL syntax error in the function's or the server's log, no run left
 * running. How many inputs each route took goes to docs/reliability.md.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { planBody, reportLinkBody, syncBody } from "./arbitraries.ts";
import {
  ask,
  assertCleanLogs,
  assertWithinContract,
  AUTH,
  BASE,
  followServerLog,
  InputTally,
  recordFuzz,
} from "./contract.ts";
import { type TestStack, withStack } from "../support/stack.ts";

/** Inputs per route: enough to cover the shapes, bounded so tests/hostile stays under a minute. */
const RUNS = { sync: 2_000, plan: 500, reportLink: 2_000 } as const;

/** Content types a caller might send (the body is read as JSON whatever this says). */
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  undefined,
);

/** X-Request-Id values (header-safe text: the Fetch API refuses others before the app sees them). */
const requestId = fc.option(
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    maxLength: 300,
  }),
);

async function fuzzRoute(
  stack: TestStack,
  route: "sync" | "plan" | "report-link",
  bodies: fc.Arbitrary<string>,
  numRuns: number,
): Promise<void> {
  const tally = new InputTally();
  const statuses: Record<string, number> = {};
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(bodies, contentType, requestId, async (body, type, id) => {
      tally.add(route);
      const headers: Record<string, string> = { ...AUTH };
      if (type) headers["content-type"] = type;
      if (id !== null) headers["x-request-id"] = id;
      const answer = await ask(stack.function.app, `${BASE}/${route}`, {
        method: "POST",
        headers,
        body,
      });
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      assertWithinContract(answer, `POST /${route} ${JSON.stringify(body).slice(0, 200)}`, [body]);
    }),
    { numRuns },
  );
  await recordFuzz(`POST /${route}`, "body", tally.total, performance.now() - started, statuses);
}

Deno.test("fuzzed request bodies never get a 500, a stack trace or an off-contract error", () =>
  withStack(async (stack) => {
    const serverLog = await followServerLog();
    await fuzzRoute(stack, "sync", syncBody, RUNS.sync);
    await fuzzRoute(stack, "plan", planBody, RUNS.plan);
    await fuzzRoute(stack, "report-link", reportLinkBody, RUNS.reportLink);

    assertCleanLogs(stack.logs);
    const server = await serverLog.read();
    assert.doesNotMatch(server, /syntax error/i, "no request text reached SQL unquoted");
    assert.doesNotMatch(server, /permission denied/i, "the function's role had what it needed");
    const [runs] = await stack.db.sql<{ running: number; total: number; odd: number }[]>`
      select count(*) filter (where status = 'running')::int as running,
             count(*)::int as total,
             count(*) filter (where request_id !~ '^[A-Za-z0-9_=-]{1,255}$')::int as odd
      from unit_economics.sync_runs`;
    assert.equal(runs.running, 0, "no run is left running");
    assert.ok(runs.total > 0, "some fuzzed bodies were valid and ran");
    assert.equal(runs.odd, 0, "a hostile X-Request-Id is replaced, never stored");
  }));
