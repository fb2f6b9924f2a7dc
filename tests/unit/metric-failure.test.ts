import assert from "node:assert/strict";
import { AppError } from "../../functions/_shared/errors.ts";
import { createLogger } from "../../functions/_shared/log.ts";
import { metricFailure } from "../../functions/_shared/metric-failure.ts";
import { DECLARED_METRICS, parseMetricDefinitions } from "../../functions/_shared/metrics.ts";

const [orders] = parseMetricDefinitions(DECLARED_METRICS);
const notFound = new AppError(
  "vantage_rejected",
  "Vantage answered 404 to PUT /business_metrics/x",
  {
    details: { status: 404, errors: "not found" },
  },
);

Deno.test("a 404 for a metric says where its token came from", () => {
  const lines: string[] = [];
  const logger = createLogger({ sink: (_level, line) => lines.push(line) });
  const fromEnvironment = metricFailure(notFound, orders, {
    token: "bsnss_mtrc_x",
    source: "environment",
  }, logger);
  assert.match(
    fromEnvironment.message,
    /ORDERS_METRIC_ID is bsnss_mtrc_x: is that the token of the business metric "Orders"\?/,
  );
  const fromApply = metricFailure(
    notFound,
    orders,
    { token: "bsnss_mtrc_y", source: "apply" },
    logger,
  );
  assert.match(fromApply.message, /bsnss_mtrc_y was recorded by `deno task apply`; run it again/);
  assert.equal(lines.length, 0, "expected failures are not logged as unexpected");
});

Deno.test("an unexpected error becomes internal_error, logged with its stack, with no detail leaked", () => {
  const lines: string[] = [];
  const logger = createLogger({ sink: (_level, line) => lines.push(line) });
  const body = metricFailure(new TypeError("x is undefined"), orders, null, logger);
  assert.equal(body.code, "internal_error");
  assert.doesNotMatch(body.message, /x is undefined/);
  assert.equal(lines.length, 1);
  assert.match(JSON.parse(lines[0]).stack, /TypeError/);
});
