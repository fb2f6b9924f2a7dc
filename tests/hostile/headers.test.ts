/**
 * Header tricks against the shared secret: duplicate and malformed Authorization headers, odd
 * spacing and case, very long values, the secret in other places, a secret configured with a
 * trailing newline, and /health, which no header changes. 401 or as designed, never a 500.
 *
 * As designed (Hono's bearer auth, RFC 7235): the scheme is case-insensitive and spaces after the
 * first are ignored; anything else around the token (a tab instead of the space, two headers, a
 * second scheme) is a malformed header, 401. A value's leading and trailing whitespace is dropped
 * by the Fetch API before any code sees it (and a newline cannot travel inside a header).
 */
import assert from "node:assert/strict";
import { createApp } from "../../functions/unit-economics/app.ts";
import { type Answer, ask, assertWithinContract, BASE } from "./contract.ts";
import { recordOutcome } from "../support/reliability.ts";
import { TEST_SECRET, withStack } from "../support/stack.ts";

/** Authorization header values, and the status each must get on a protected route. */
const AUTHORIZATION_CASES: [string, HeadersInit | undefined, number][] = [
  ["no header", undefined, 401],
  ["the secret", { authorization: `Bearer ${TEST_SECRET}` }, 200],
  ["two spaces", { authorization: `Bearer  ${TEST_SECRET}` }, 200],
  ["a space then a tab", { authorization: `Bearer \t${TEST_SECRET}` }, 200],
  ["many spaces", { authorization: `Bearer ${" ".repeat(5_000)}${TEST_SECRET}` }, 200],
  ["lower-case scheme", { authorization: `bearer ${TEST_SECRET}` }, 200],
  ["upper-case scheme", { authorization: `BEARER ${TEST_SECRET}` }, 200],
  ["upper-case header name", { AUTHORIZATION: `Bearer ${TEST_SECRET}` }, 200],
  ["a trailing newline (dropped by Fetch)", { authorization: `Bearer ${TEST_SECRET}\n` }, 200],
  ["a tab instead of the space", { authorization: `Bearer\t${TEST_SECRET}` }, 401],
  ["no space", { authorization: `Bearer${TEST_SECRET}` }, 401],
  ["the scheme alone", { authorization: "Bearer" }, 401],
  ["the scheme and a space", { authorization: "Bearer " }, 401],
  ["the token alone", { authorization: TEST_SECRET }, 401],
  ["Basic", { authorization: `Basic ${btoa(`user:${TEST_SECRET}`)}` }, 401],
  ["Token scheme", { authorization: `Token ${TEST_SECRET}` }, 401],
  ["two schemes", { authorization: `Bearer Bearer ${TEST_SECRET}` }, 401],
  ["the secret and more", { authorization: `Bearer ${TEST_SECRET}x` }, 401],
  ["the secret with padding", { authorization: `Bearer ${TEST_SECRET}==` }, 401],
  ["the secret cut short", { authorization: `Bearer ${TEST_SECRET.slice(0, -1)}` }, 401],
  ["the secret upper-cased", { authorization: `Bearer ${TEST_SECRET.toUpperCase()}` }, 401],
  ["the secret then a space and more", { authorization: `Bearer ${TEST_SECRET} x` }, 401],
  ["the secret quoted", { authorization: `Bearer "${TEST_SECRET}"` }, 401],
  [
    "two Authorization headers, both right",
    [["authorization", `Bearer ${TEST_SECRET}`], ["authorization", `Bearer ${TEST_SECRET}`]],
    401,
  ],
  [
    "two Authorization headers, wrong then right",
    [["authorization", "Bearer wrong-secret-0000000000"], [
      "authorization",
      `Bearer ${TEST_SECRET}`,
    ]],
    401,
  ],
  ["a 1 MB token", { authorization: `Bearer ${"a".repeat(1_000_000)}` }, 401],
  ["a 1 MB token that breaks the pattern", { authorization: `Bearer ${"a".repeat(1e6)}!` }, 401],
  ["a 1 MB run of padding", { authorization: `Bearer a${"=".repeat(1_000_000)} !` }, 401],
  ["Proxy-Authorization only", { "proxy-authorization": `Bearer ${TEST_SECRET}` }, 401],
  ["X-Authorization only", { "x-authorization": `Bearer ${TEST_SECRET}` }, 401],
  ["apikey (Supabase's header) only", { apikey: TEST_SECRET }, 401],
  ["a cookie only", { cookie: `secret=${TEST_SECRET}; token=${TEST_SECRET}` }, 401],
];

/** Protected routes, with what a request to each needs besides the header. */
const PROTECTED: [string, RequestInit][] = [
  ["runs?limit=1", {}],
  ["status", {}],
  ["sync", { method: "POST", body: '{"dryRun": true}' }],
  ["plan", { method: "POST", body: "{}" }],
  ["unit-costs", {}],
  ["report", {}],
  ["report-link", { method: "POST", body: "{}" }],
];

Deno.test("header tricks get 401 or the designed answer, never a 500", () =>
  withStack(async (stack) => {
    let cases = 0;
    for (const [name, headers, expected] of AUTHORIZATION_CASES) {
      for (const [route, init] of PROTECTED) {
        const started = performance.now();
        const answer = await ask(stack.function.app, `${BASE}/${route}`, { ...init, headers });
        const elapsed = performance.now() - started;
        cases++;
        const where = `${route} with ${name}`;
        assertWithinContract(answer, where);
        const status = expected === 200 && route === "status" ? answer.status : expected;
        assert.equal(answer.status, status, `${where}: ${answer.text.slice(0, 200)}`);
        if (expected === 401) {
          assert.equal(errorCode(answer), "unauthorized", where);
          assert.ok(!answer.text.includes(TEST_SECRET), `${where}: the secret is not echoed`);
        }
        assert.ok(elapsed < 1_000, `${where}: answered in ${Math.round(elapsed)} ms (no ReDoS)`);
      }
      // Health needs no secret and no header changes its answer.
      const health = await ask(stack.function.app, `${BASE}/health`, { headers });
      cases++;
      assert.equal(health.status, 200, `health with ${name}`);
      assert.deepEqual(Object.keys(health.json as object).sort(), ["status", "version"]);
    }

    // The secret elsewhere than the Authorization header does not count.
    for (
      const query of [`secret=${TEST_SECRET}`, `token=${TEST_SECRET}`, `apikey=${TEST_SECRET}`]
    ) {
      const answer = await ask(stack.function.app, `${BASE}/runs?${query}`);
      cases++;
      assertWithinContract(answer, `runs?${query}`);
      assert.equal(answer.status, 401);
    }

    // Over HTTP, through the gateway: a long header is the server's to refuse, never with a 500.
    for (const length of [8_000, 64_000]) {
      const response = await fetch(`${stack.url}/runs`, {
        headers: { authorization: `Bearer ${"a".repeat(length)}` },
      });
      const text = await response.text();
      cases++;
      assert.ok([401, 431].includes(response.status), `${length}: ${response.status} ${text}`);
    }

    await recordOutcome({
      section: "hostile input",
      scenario: "header-tricks",
      title: "Authorization header tricks on every protected route, and /health",
      expected: "401 unauthorized for anything but `Bearer <secret>` (scheme in any case, extra " +
        "spaces after it); /health answers 200 whatever the header; answers within 1 s even for " +
        "1 MB values; never the secret in an answer",
      observed: `${cases} requests, each answered as designed; no 500`,
      inputsTried: cases,
    });
  }));

Deno.test("a secret configured with a trailing newline or spaces works and is masked", async () => {
  for (const configured of [`${TEST_SECRET}\n`, `  ${TEST_SECRET}\r\n`, `\t${TEST_SECRET} `]) {
    const logs: string[] = [];
    const { app, close } = createApp({
      env: (name) =>
        ({
          UNIT_ECONOMICS_SYNC_SECRET: configured,
          // Nothing listens there: the log line that reports it must still mask the secret.
          UNIT_ECONOMICS_DB_URL: `postgresql://u:${TEST_SECRET}@127.0.0.1:9/postgres`,
        })[name],
      logSink: (_level, line) => logs.push(line),
    });
    try {
      const answer = await ask(app, `${BASE}/runs`, {
        headers: { authorization: `Bearer ${TEST_SECRET}` },
      });
      assertWithinContract(answer, JSON.stringify(configured));
      assert.equal(
        answer.status,
        503,
        `admitted, then the database is unreachable: ${answer.text}`,
      );
      assert.equal(
        (await ask(app, `${BASE}/runs`, { headers: { authorization: "Bearer nope-nope-nope-1" } }))
          .status,
        401,
      );
      assert.ok(logs.length > 0);
      assert.ok(!logs.join("\n").includes(TEST_SECRET), "masked in every log line");
    } finally {
      await close();
    }
  }
});

function errorCode(answer: Answer): string {
  return (answer.json as { error: { code: string } }).error.code;
}
