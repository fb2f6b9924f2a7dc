import assert from "node:assert/strict";
import { readConfig, requireSetting } from "../../functions/_shared/config.ts";
import { AppError } from "../../functions/_shared/errors.ts";
import { createLogger, redact } from "../../functions/_shared/log.ts";

const env = (values: Record<string, string>) => (name: string) => values[name];

function misconfigured(fn: () => void): AppError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AppError && error.code === "misconfigured" && error.status === 500);
    return error;
  }
  assert.fail("expected misconfigured");
}

Deno.test("missing variables fail only when needed, naming the variable", () => {
  const config = readConfig(env({}));
  assert.equal(config.vantageApiUrl, "https://api.vantage.sh/v2");
  assert.match(
    misconfigured(() => requireSetting(config, "VANTAGE_API_TOKEN")).message,
    /VANTAGE_API_TOKEN is not set/,
  );
  assert.match(
    misconfigured(() => requireSetting(config, "UNIT_ECONOMICS_SYNC_SECRET")).message,
    /UNIT_ECONOMICS_SYNC_SECRET is not set/,
  );
  assert.match(
    misconfigured(() => requireSetting(config, "UNIT_ECONOMICS_DB_URL")).message,
    /UNIT_ECONOMICS_DB_URL is not set/,
  );
});

Deno.test("malformed variables are reported, not silently defaulted", () => {
  const config = readConfig(env({
    VANTAGE_API_TOKEN: "tok_0123456789",
    VANTAGE_API_URL: "ftp://example",
    UNIT_ECONOMICS_SYNC_SECRET: "short",
    UNIT_ECONOMICS_DB_URL: "mysql://x",
  }));
  assert.match(
    misconfigured(() => requireSetting(config, "VANTAGE_API_TOKEN")).message,
    /VANTAGE_API_URL/,
  );
  assert.match(
    misconfigured(() => requireSetting(config, "UNIT_ECONOMICS_SYNC_SECRET")).message,
    /at least 16 characters/,
  );
  assert.match(
    misconfigured(() => requireSetting(config, "UNIT_ECONOMICS_DB_URL")).message,
    /UNIT_ECONOMICS_DB_URL must be a postgresql/,
  );
});

Deno.test("a malformed timeout is reported, naming the variable", () => {
  const config = readConfig(
    env({ UNIT_ECONOMICS_SOURCE_TIMEOUT_MS: "soon", VANTAGE_REQUEST_TIMEOUT_MS: "5" }),
  );
  const message = misconfigured(() => requireSetting(config, "limits")).message;
  assert.match(message, /UNIT_ECONOMICS_SOURCE_TIMEOUT_MS/);
  assert.match(message, /VANTAGE_REQUEST_TIMEOUT_MS/);
  requireSetting(readConfig(env({ UNIT_ECONOMICS_SOURCE_TIMEOUT_MS: "500" })), "limits");
});

Deno.test("SUPABASE_DB_URL is the fallback database URL, and ORDERS_METRIC_ID binds orders", () => {
  const config = readConfig(
    env({
      SUPABASE_DB_URL: "postgresql://postgres:pw@db:5432/postgres",
      ORDERS_METRIC_ID: "bsnss_mtrc_1",
    }),
  );
  assert.equal(config.databaseUrl, "postgresql://postgres:pw@db:5432/postgres");
  assert.equal(config.metricTokens.orders, "bsnss_mtrc_1");
});

Deno.test("the logger writes one JSON line per call and masks every secret", () => {
  const config = readConfig(env({
    VANTAGE_API_TOKEN: "vntg_tkn_supersecret",
    UNIT_ECONOMICS_SYNC_SECRET: "0123456789abcdef0123",
    UNIT_ECONOMICS_DB_URL: "postgresql://app:db-password-1@db/postgres",
  }));
  const lines: string[] = [];
  const log = createLogger({ sink: (_level, line) => lines.push(line), secrets: config.secrets })
    .child({ runId: 7 });
  log.error("boom", {
    detail:
      "token vntg_tkn_supersecret, secret 0123456789abcdef0123, url postgresql://app:db-password-1@db",
  });
  assert.equal(lines.length, 1);
  const parsed = JSON.parse(lines[0]);
  assert.equal(parsed.level, "error");
  assert.equal(parsed.msg, "boom");
  assert.equal(parsed.runId, 7);
  assert.doesNotMatch(lines[0], /supersecret|0123456789abcdef0123|db-password-1/);
  assert.equal(redact("a secret-value b", ["secret-value"]), "a [redacted] b");
});
