/**
 * Configuration from the environment (function secrets locally and on Supabase), checked with zod.
 * Reading never throws: a missing or malformed variable only fails the routes that need it, with a
 * 500 `misconfigured` whose message names the variable.
 *
 * @module
 */
import { z } from "zod";
import { AppError } from "./errors.ts";
import {
  DECLARED_METRICS,
  type MetricDeclaration,
  type MetricDefinition,
  parseMetricDefinitions,
} from "./metrics.ts";

/** Default Vantage API base URL. */
export const DEFAULT_VANTAGE_API_URL = "https://api.vantage.sh/v2";
/** Default run deadline: under the Edge Functions' 150 s wall clock (Free plan) with room to answer. */
export const DEFAULT_RUN_DEADLINE_MS = 120_000;
/** Default age of the last success after which `/status` reports a metric stale. */
export const DEFAULT_STALE_AFTER_HOURS = 26;
/** Default limit of one source query. */
export const DEFAULT_SOURCE_TIMEOUT_MS = 30_000;
/** Default timeout of one Vantage request. */
export const DEFAULT_VANTAGE_TIMEOUT_MS = 20_000;

// Hono's bearer-auth accepts only these characters in a token; a shorter secret is guessable.
const SECRET_PATTERN = /^[A-Za-z0-9._~+/-]{16,}=*$/;

const optionalText = z.string().trim().min(1).optional();
const positiveMs = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const environmentSchema = z.object({
  VANTAGE_API_TOKEN: optionalText,
  VANTAGE_API_URL: z.url({ protocol: /^https?$/ }).default(DEFAULT_VANTAGE_API_URL),
  // Trimmed: no valid secret has whitespace, so a newline from `echo` or a .env file is dropped.
  UNIT_ECONOMICS_SYNC_SECRET: z.string().trim().regex(
    SECRET_PATTERN,
    "must be at least 16 characters of A-Z a-z 0-9 . _ ~ + / - (for example `openssl rand -hex 32`)",
  ).optional(),
  UNIT_ECONOMICS_LINK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  UNIT_ECONOMICS_ANOMALY_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  SUPABASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  UNIT_ECONOMICS_DB_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .optional(),
  SUPABASE_DB_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .optional(),
  UNIT_ECONOMICS_RUN_DEADLINE_MS: positiveMs(1_000, 3_600_000).default(DEFAULT_RUN_DEADLINE_MS),
  UNIT_ECONOMICS_SOURCE_TIMEOUT_MS: positiveMs(100, 600_000).default(DEFAULT_SOURCE_TIMEOUT_MS),
  VANTAGE_REQUEST_TIMEOUT_MS: positiveMs(1_000, 120_000).default(DEFAULT_VANTAGE_TIMEOUT_MS),
  UNIT_ECONOMICS_STALE_AFTER_HOURS: z.coerce.number().positive().max(24 * 366).default(
    DEFAULT_STALE_AFTER_HOURS,
  ),
});

type EnvironmentName = keyof z.infer<typeof environmentSchema>;

/** The environment as the engine sees it. */
export interface Config {
  vantageApiUrl: string;
  vantageApiToken?: string;
  syncSecret?: string;
  /** Key for signed report links; derived from the sync secret when unset. */
  linkSecret?: string;
  /** Where a sync posts new cost-per-unit anomalies, when set. */
  anomalyWebhookUrl?: string;
  /** The project's public URL (`SUPABASE_URL`), for links the function hands out. */
  publicUrl?: string;
  databaseUrl?: string;
  /** Which variable the database URL came from, for messages. */
  databaseUrlVariable: "UNIT_ECONOMICS_DB_URL" | "SUPABASE_DB_URL";
  runDeadlineMs: number;
  sourceTimeoutMs: number;
  vantageRequestTimeoutMs: number;
  staleAfterHours: number;
  metrics: MetricDefinition[];
  /** Metric key → the Vantage token from its `tokenVariable`, when set. */
  metricTokens: Record<string, string | undefined>;
  /** Problems found while reading, by variable; reported when a route needs that variable. */
  problems: Partial<Record<string, string>>;
  /** Every secret value, so logs and errors can mask them. */
  secrets: string[];
}

/** A reader of environment variables (Deno.env.get in production, a record in tests). */
export type Environment = (name: string) => string | undefined;

/**
 * Reads and checks the configuration. Never throws.
 *
 * @example
 * ```ts
 * const config = readConfig((name) => Deno.env.get(name));
 * requireSetting(config, "VANTAGE_API_TOKEN"); // throws AppError("misconfigured") when unset
 * ```
 */
export function readConfig(
  env: Environment,
  declarations: readonly MetricDeclaration[] = DECLARED_METRICS,
): Config {
  const problems: Record<string, string> = {};
  const raw: Record<string, string | undefined> = {};
  for (const name of Object.keys(environmentSchema.shape)) {
    const value = env(name);
    raw[name] = value === "" ? undefined : value;
  }
  // Parse each variable on its own so one bad value does not hide the others.
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(environmentSchema.shape)) {
    const parsed = (schema as z.ZodType).safeParse(raw[name]);
    if (parsed.success) values[name] = parsed.data;
    else problems[name] = `${name} ${parsed.error.issues[0]?.message ?? "is invalid"}`;
  }
  const defaults = environmentSchema.parse({});

  let metrics: MetricDefinition[] = [];
  try {
    metrics = parseMetricDefinitions(declarations);
  } catch (error) {
    problems.metrics = (error as Error).message;
  }
  const metricTokens: Record<string, string | undefined> = {};
  for (const metric of metrics) {
    metricTokens[metric.key] = env(metric.tokenVariable)?.trim() || undefined;
  }

  const databaseUrlVariable = values.UNIT_ECONOMICS_DB_URL || problems.UNIT_ECONOMICS_DB_URL
    ? "UNIT_ECONOMICS_DB_URL"
    : "SUPABASE_DB_URL";
  const get = <T>(name: EnvironmentName, fallback: T): T =>
    (values[name] as T | undefined) ?? fallback;
  return {
    vantageApiUrl: get("VANTAGE_API_URL", defaults.VANTAGE_API_URL).replace(/\/+$/, ""),
    vantageApiToken: get<string | undefined>("VANTAGE_API_TOKEN", undefined),
    syncSecret: get<string | undefined>("UNIT_ECONOMICS_SYNC_SECRET", undefined),
    linkSecret: get<string | undefined>("UNIT_ECONOMICS_LINK_SECRET", undefined),
    anomalyWebhookUrl: get<string | undefined>("UNIT_ECONOMICS_ANOMALY_WEBHOOK_URL", undefined),
    publicUrl: get<string | undefined>("SUPABASE_URL", undefined)?.replace(/\/+$/, ""),
    databaseUrl: get<string | undefined>(databaseUrlVariable, undefined),
    databaseUrlVariable,
    runDeadlineMs: get("UNIT_ECONOMICS_RUN_DEADLINE_MS", defaults.UNIT_ECONOMICS_RUN_DEADLINE_MS),
    sourceTimeoutMs: get(
      "UNIT_ECONOMICS_SOURCE_TIMEOUT_MS",
      defaults.UNIT_ECONOMICS_SOURCE_TIMEOUT_MS,
    ),
    vantageRequestTimeoutMs: get("VANTAGE_REQUEST_TIMEOUT_MS", defaults.VANTAGE_REQUEST_TIMEOUT_MS),
    staleAfterHours: get(
      "UNIT_ECONOMICS_STALE_AFTER_HOURS",
      defaults.UNIT_ECONOMICS_STALE_AFTER_HOURS,
    ),
    metrics,
    metricTokens,
    problems,
    secrets: secretValues(raw),
  };
}

/**
 * Every secret value to mask: each as set and as used (trimmed, since a JSON log line shows a
 * trailing newline as `\n`), the anomaly webhook's path and query on their own (Slack's carry the
 * credential, and an error message may show the URL normalised), and database passwords.
 */
function secretValues(raw: Record<string, string | undefined>): string[] {
  const values = [
    raw.VANTAGE_API_TOKEN,
    raw.UNIT_ECONOMICS_SYNC_SECRET,
    raw.UNIT_ECONOMICS_LINK_SECRET,
    raw.UNIT_ECONOMICS_ANOMALY_WEBHOOK_URL,
    webhookCredential(raw.UNIT_ECONOMICS_ANOMALY_WEBHOOK_URL),
    ...passwordsOf(raw),
  ].flatMap((value) => value ? [value, value.trim()] : []);
  return [...new Set(values)].filter(Boolean);
}

/** The path and query of a webhook URL, where services such as Slack put the credential. */
function webhookCredential(url: string | undefined): string | undefined {
  try {
    const { pathname, search } = new URL(url ?? "");
    return pathname === "/" && !search ? undefined : `${pathname}${search}`;
  } catch {
    return undefined;
  }
}

/** Passwords inside database URLs, so they can be masked too. */
function passwordsOf(raw: Record<string, string | undefined>): string[] {
  return [raw.UNIT_ECONOMICS_DB_URL, raw.SUPABASE_DB_URL].flatMap((url) => {
    try {
      const password = url ? decodeURIComponent(new URL(url).password) : "";
      return password ? [password] : [];
    } catch {
      return [];
    }
  });
}

/** Settings a route can require, by the variable a user sets. */
export type RequiredSetting =
  | "VANTAGE_API_TOKEN"
  | "UNIT_ECONOMICS_SYNC_SECRET"
  | "UNIT_ECONOMICS_DB_URL"
  | "metrics"
  | "limits"
  | "UNIT_ECONOMICS_LINK_SECRET"
  | "UNIT_ECONOMICS_ANOMALY_WEBHOOK_URL";

const LIMIT_VARIABLES = [
  "UNIT_ECONOMICS_RUN_DEADLINE_MS",
  "UNIT_ECONOMICS_SOURCE_TIMEOUT_MS",
  "VANTAGE_REQUEST_TIMEOUT_MS",
  "UNIT_ECONOMICS_STALE_AFTER_HOURS",
] as const;

/**
 * Throws `misconfigured` (500) naming the variable when a needed setting is missing or malformed.
 *
 * @example
 * ```ts
 * requireSetting(config, "UNIT_ECONOMICS_DB_URL");
 * const url = config.databaseUrl!;
 * ```
 */
export function requireSetting(config: Config, setting: RequiredSetting): void {
  const fail = (message: string) => {
    throw new AppError("misconfigured", message, { details: { variable: setting } });
  };
  switch (setting) {
    case "metrics":
      if (config.problems.metrics) fail(config.problems.metrics);
      return;
    case "UNIT_ECONOMICS_LINK_SECRET":
    case "UNIT_ECONOMICS_ANOMALY_WEBHOOK_URL":
      if (config.problems[setting]) fail(config.problems[setting]!);
      return;
    case "limits": {
      const problems = LIMIT_VARIABLES.flatMap((name) => config.problems[name] ?? []);
      if (problems.length > 0) fail(problems.join("; "));
      return;
    }
    case "VANTAGE_API_TOKEN":
      if (config.problems.VANTAGE_API_URL) fail(config.problems.VANTAGE_API_URL);
      if (!config.vantageApiToken) {
        fail(
          "VANTAGE_API_TOKEN is not set: create a Vantage API token with READ and WRITE scopes and set it as a function secret",
        );
      }
      return;
    case "UNIT_ECONOMICS_SYNC_SECRET":
      if (config.problems.UNIT_ECONOMICS_SYNC_SECRET) {
        fail(config.problems.UNIT_ECONOMICS_SYNC_SECRET);
      }
      if (!config.syncSecret) {
        fail(
          "UNIT_ECONOMICS_SYNC_SECRET is not set: every route but /health refuses until it is (generate one with `openssl rand -hex 32`)",
        );
      }
      return;
    case "UNIT_ECONOMICS_DB_URL": {
      const problem = config.problems[config.databaseUrlVariable];
      if (problem) fail(problem);
      if (!config.databaseUrl) {
        fail(
          "UNIT_ECONOMICS_DB_URL is not set (nor SUPABASE_DB_URL): set it to the Postgres URL, the pooler's in production",
        );
      }
      return;
    }
  }
}
