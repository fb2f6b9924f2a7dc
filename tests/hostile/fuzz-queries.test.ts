/**
 * Property-based fuzzing (fast-check) of the query strings of GET /runs, /status, /unit-costs and
 * /report (with the bearer secret, and as signed links: genuine ones spoiled, and made-up ones),
 * in process against the function's role on a real Postgres and the Vantage emulator. Never a
 * 500, never a stack trace, every error in the contract's shape, no SQL syntax error in any log.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { reportQuery, runsQuery, statusQuery, unitCostsQuery } from "./arbitraries.ts";
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
import { type TestStack, utcDay, withStack } from "../support/stack.ts";

/** Inputs per route: enough to cover the shapes, bounded so tests/hostile stays under a minute. */
const RUNS = { runs: 2_000, status: 500, unitCosts: 600, report: 800 } as const;

async function fuzzRoute(
  stack: TestStack,
  route: "runs" | "status" | "unit-costs" | "report",
  queries: fc.Arbitrary<string>,
  numRuns: number,
): Promise<void> {
  const tally = new InputTally();
  const statuses: Record<string, number> = {};
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(queries, fc.boolean(), async (query, withSecret) => {
      tally.add(route);
      // A signed /report link needs no secret; every other request sends it.
      const signed = route === "report" && query.includes("signature");
      const headers = signed && !withSecret ? undefined : AUTH;
      const answer = await ask(stack.function.app, `${BASE}/${route}?${query}`, { headers });
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      assertWithinContract(answer, `GET /${route}?${query.slice(0, 200)}`, [
        query,
        safeDecode(query),
      ]);
      if (answer.status === 200 && route === "report") {
        assert.match(answer.headers.get("content-type") ?? "", /^text\/html/);
      }
    }),
    { numRuns },
  );
  await recordFuzz(
    `GET /${route}`,
    "query string",
    tally.total,
    performance.now() - started,
    statuses,
  );
}

/** The query as the app sees it, for the check that an error only quotes what was sent. */
function safeDecode(query: string): string {
  try {
    return decodeURIComponent(query.replaceAll("+", " "));
  } catch {
    return query;
  }
}

/** Query strings of genuine signed links, as POST /report-link hands them out. */
async function genuineLinks(stack: TestStack): Promise<string[]> {
  const links: string[] = [];
  for (const body of [{}, { from: utcDay(-40), to: utcDay(-2) }, { expiresInSeconds: 60 }]) {
    const answer = await ask(stack.function.app, `${BASE}/report-link`, {
      method: "POST",
      headers: AUTH,
      body: JSON.stringify(body),
    });
    assert.equal(answer.status, 200, answer.text);
    links.push(new URL((answer.json as { url: string }).url).search.slice(1));
  }
  return links;
}

Deno.test("fuzzed query strings never get a 500, a stack trace or an off-contract error", () =>
  withStack(async (stack) => {
    const serverLog = await followServerLog();
    // Some history for /runs and /status to read.
    assert.equal((await stack.sync()).status, 200);
    assert.equal((await stack.sync({ date: utcDay(-3), force: true })).status, 200);

    await fuzzRoute(stack, "runs", runsQuery, RUNS.runs);
    await fuzzRoute(stack, "status", statusQuery, RUNS.status);
    await fuzzRoute(stack, "unit-costs", unitCostsQuery, RUNS.unitCosts);
    await fuzzRoute(stack, "report", reportQuery(await genuineLinks(stack)), RUNS.report);

    assertCleanLogs(stack.logs);
    const server = await serverLog.read();
    assert.doesNotMatch(server, /syntax error/i, "no request text reached SQL unquoted");
    assert.doesNotMatch(server, /permission denied/i, "the function's role had what it needed");
  }));
