import assert from "node:assert/strict";
import type { Decimal } from "../../functions/_shared/decimal.ts";
import { AppError } from "../../functions/_shared/errors.ts";
import { encodeValuesBody, VantageClient } from "../../functions/_shared/vantage/client.ts";
import {
  backoffDelay,
  MAX_BACKOFF_MS,
  rateLimitWait,
} from "../../functions/_shared/vantage/retry-policy.ts";
import { fakeClock } from "../support/fake-clock.ts";

const START = Date.parse("2026-11-28T03:00:00Z");
const METRIC = {
  token: "bsnss_mtrc_0000000000000001",
  title: "Orders",
  cost_report_tokens_with_metadata: [],
  import_type: "csv",
  integration_token: "",
};
const VALUES = [{ date: "2026-11-27", label: "", amount: "42" as Decimal }];

type Step = Response | Error;

/** A fetch that answers from a script and records each request. */
function scriptedFetch(steps: Step[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    const step = steps.shift();
    if (!step) throw new Error("no scripted response left");
    return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

function client(steps: Step[], deadlineOffsetMs = 120_000) {
  const clock = fakeClock(START);
  const scripted = scriptedFetch(steps);
  const vantage = new VantageClient({
    baseUrl: "https://vantage.test/v2",
    token: "vntg_tkn_test",
    requestTimeoutMs: 20_000,
    fetch: scripted.fetch,
    clock,
    random: () => 0.5,
  });
  const put = () => vantage.putBusinessMetricValues(METRIC.token, VALUES, START + deadlineOffsetMs);
  return { clock, calls: scripted.calls, put };
}

async function rejects(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    return error;
  }
  assert.fail("expected a rejection");
}

Deno.test("a PUT carries the token, JSON body and the metric path", async () => {
  const { put, calls } = client([json(200, METRIC)]);
  const metric = await put();
  assert.equal(metric.token, METRIC.token);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].url, `https://vantage.test/v2/business_metrics/${METRIC.token}`);
  assert.equal(calls[0].init.method, "PUT");
  assert.equal(
    (calls[0].init.headers as Record<string, string>).authorization,
    "Bearer vntg_tkn_test",
  );
  assert.equal(calls[0].init.body, '{"values":[{"date":"2026-11-27","amount":42}]}');
});

Deno.test("429 waits until x-rate-limit-reset, then succeeds without using a try", async () => {
  const resetAt = START / 1000 + 30;
  const { put, calls, clock } = client([
    json(429, { errors: ["Rate limit exceeded"] }, {
      "x-rate-limit-remaining": "0",
      "x-rate-limit-reset": String(resetAt),
    }),
    json(200, METRIC),
  ]);
  await put();
  assert.equal(calls.length, 2);
  assert.deepEqual(clock.sleeps, [30_250]);
});

Deno.test("429 falls back to Retry-After when there is no reset header", async () => {
  const { put, clock } = client([
    json(429, { errors: ["slow down"] }, { "retry-after": "7" }),
    json(200, METRIC),
  ]);
  await put();
  assert.deepEqual(clock.sleeps, [7_000]);
});

Deno.test("429 whose reset is past the deadline fails at once with vantage_rate_limited", async () => {
  const { put, calls, clock } = client([
    json(429, { errors: ["Rate limit exceeded"] }, {
      "x-rate-limit-reset": String(START / 1000 + 3600),
    }),
  ]);
  const error = await rejects(put());
  assert.equal(error.code, "vantage_rate_limited");
  assert.equal(error.status, 502);
  assert.equal(calls.length, 1);
  assert.deepEqual(clock.sleeps, []);
});

Deno.test("5xx is retried with growing backoff and succeeds on the fourth try", async () => {
  const { put, calls, clock } = client([
    json(503, { errors: ["unavailable"] }),
    json(500, { errors: ["boom"] }),
    json(502, "bad gateway"),
    json(200, METRIC),
  ]);
  await put();
  assert.equal(calls.length, 4);
  assert.deepEqual(clock.sleeps, [375, 750, 1500]);
});

Deno.test("5xx on all four tries gives vantage_unavailable with Vantage's errors", async () => {
  const { put, calls } = client(
    Array.from({ length: 4 }, () => json(503, { errors: ["maintenance"] })),
  );
  const error = await rejects(put());
  assert.equal(error.code, "vantage_unavailable");
  assert.equal(calls.length, 4);
  assert.match(error.message, /503.*after 4 tries: maintenance/);
});

Deno.test("network errors and timeouts are retried", async () => {
  const { put, calls } = client([
    new TypeError("error sending request: connection refused"),
    new DOMException("Signal timed out.", "TimeoutError"),
    json(200, METRIC),
  ]);
  await put();
  assert.equal(calls.length, 3);
});

Deno.test("other 4xx fail at once with Vantage's errors[] in the message", async () => {
  const { put, calls } = client([
    json(422, { errors: ["values[0].date is invalid", "amount must be a number"] }),
  ]);
  const error = await rejects(put());
  assert.equal(error.code, "vantage_rejected");
  assert.equal(calls.length, 1);
  assert.match(error.message, /422.*values\[0\]\.date is invalid; amount must be a number/);
  const forbidden = await rejects(client([json(403, { errors: ["Forbidden"] })]).put());
  assert.match(forbidden.message, /WRITE scope/);
});

Deno.test("a success with the wrong shape is vantage_invalid_response", async () => {
  const error = await rejects(client([json(200, { unexpected: true })]).put());
  assert.equal(error.code, "vantage_invalid_response");
});

Deno.test("a spent budget (remaining 0) paces the next request until the reset", async () => {
  const clock = fakeClock(START);
  const scripted = scriptedFetch([
    json(200, METRIC, {
      "x-rate-limit-remaining": "0",
      "x-rate-limit-reset": String(START / 1000 + 10),
    }),
    json(200, METRIC),
  ]);
  const vantage = new VantageClient({
    baseUrl: "https://v/v2",
    token: "t",
    requestTimeoutMs: 1000,
    fetch: scripted.fetch,
    clock,
  });
  await vantage.putBusinessMetricValues("m", VALUES, START + 60_000);
  assert.deepEqual(clock.sleeps, []);
  await vantage.putBusinessMetricValues("m", VALUES, START + 60_000);
  assert.deepEqual(clock.sleeps, [10_250]);
});

Deno.test("the values body keeps every digit and omits empty labels", () => {
  assert.equal(
    encodeValuesBody([
      { date: "2026-11-27", label: "", amount: "9007199254740993" as Decimal },
      { date: "2026-11-27", label: 'eu "west"', amount: "0.1" as Decimal },
      { date: "2026-11-26", label: "", amount: null },
    ]),
    '{"values":[{"date":"2026-11-27","amount":9007199254740993},{"date":"2026-11-27","amount":0.1,"label":"eu \\"west\\""},{"date":"2026-11-26","amount":null}]}',
  );
});

Deno.test("backoff doubles, is jittered, and is capped", () => {
  assert.equal(backoffDelay(1, () => 0), 250);
  assert.equal(backoffDelay(1, () => 0.999), 500);
  assert.equal(backoffDelay(2, () => 0), 500);
  assert.ok(backoffDelay(20, () => 0.999) <= MAX_BACKOFF_MS);
  assert.equal(rateLimitWait(new Headers(), START), undefined);
});

Deno.test("lists follow links.next page by page, and never to another host", async () => {
  const page = (costs: { accrued_at: string; amount: string }[], next: string | null) =>
    json(200, { links: { next }, costs: costs.map((c) => ({ ...c, currency: "USD" })) });
  const { calls, fetch } = scriptedFetch([
    page([{ accrued_at: "2026-11-01", amount: "1.5" }], "https://vantage.test/v2/costs?page=2"),
    page(
      [{ accrued_at: "2026-11-01", amount: "2.5" }, { accrued_at: "2026-11-02", amount: "3" }],
      null,
    ),
  ]);
  const vantage = new VantageClient({
    baseUrl: "https://vantage.test/v2",
    token: "t",
    requestTimeoutMs: 1000,
    fetch,
    clock: fakeClock(START),
  });
  const rows = await vantage.listDailyCosts("rprt_1", "2026-11-01", "2026-11-02", START + 60_000);
  assert.deepEqual(rows.map((r) => r.amount), ["1.5", "2.5", "3"]);
  assert.equal(calls.length, 2);
  assert.equal(calls[1].url, "https://vantage.test/v2/costs?page=2");
  assert.match(
    calls[0].url,
    /cost_report_token=rprt_1&start_date=2026-11-01&end_date=2026-11-02&date_bin=day/,
  );

  const foreign = scriptedFetch([page([], "https://evil.test/v2/costs?page=2")]);
  const leaky = new VantageClient({
    baseUrl: "https://vantage.test/v2",
    token: "t",
    requestTimeoutMs: 1000,
    fetch: foreign.fetch,
    clock: fakeClock(START),
  });
  const error = await rejects(
    leaky.listDailyCosts("rprt_1", "2026-11-01", "2026-11-02", START + 60_000),
  );
  assert.equal(error.code, "vantage_invalid_response");
  assert.equal(foreign.calls.length, 1, "the token is not sent to another host");
});
