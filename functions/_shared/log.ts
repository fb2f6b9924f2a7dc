/**
 * Structured logs: one JSON object per line on stdout/stderr, which the Supabase dashboard shows and
 * Logs Explorer can search. Secret values handed to the logger are masked wherever they appear.
 *
 * @module
 */

/** Severity of a log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Extra fields of a log line (`runId`, durations, counts). */
export type LogFields = Record<string, unknown>;

/** Writes finished log lines; the default writes to the console. */
export type LogSink = (level: LogLevel, line: string) => void;

/** A logger that writes one JSON line per call. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (for example `{ runId }`). */
  child(fields: LogFields): Logger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Where lines go; defaults to `console.log` (info, debug) and `console.error` (warn, error). */
  sink?: LogSink;
  /** Values that must never appear in a line (tokens, secrets, passwords). */
  secrets?: readonly (string | undefined)[];
  /** Lines below this level are dropped; default `info`. */
  level?: LogLevel;
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const MASK = "[redacted]";
// Shorter values would mask ordinary words; real secrets are long.
const MIN_MASKED_LENGTH = 6;

const consoleSink: LogSink = (level, line) => {
  if (level === "warn" || level === "error") console.error(line);
  else console.log(line);
};

/**
 * Replaces every occurrence of each secret in `text` by `[redacted]`.
 *
 * @example
 * ```ts
 * redact("Bearer abc123456", ["abc123456"]); // "Bearer [redacted]"
 * ```
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= MIN_MASKED_LENGTH) result = result.split(secret).join(MASK);
  }
  return result;
}

/**
 * Creates a JSON-lines logger.
 *
 * @example
 * ```ts
 * const log = createLogger({ secrets: [Deno.env.get("VANTAGE_API_TOKEN")] });
 * log.info("sync finished", { runId: 7, durationMs: 812, sent: 3 });
 * // {"level":"info","msg":"sync finished","time":"…","runId":7,"durationMs":812,"sent":3}
 * ```
 */
export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const sink = options.sink ?? consoleSink;
  const secrets = options.secrets ?? [];
  const threshold = LEVEL_ORDER[options.level ?? "info"];
  const write = (level: LogLevel, msg: string, fields: LogFields = {}) => {
    if (LEVEL_ORDER[level] < threshold) return;
    const line = JSON.stringify(
      { level, msg, time: new Date().toISOString(), ...bound, ...fields },
      (_key, value) => typeof value === "bigint" ? value.toString() : value,
    );
    sink(level, redact(line, secrets));
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}
