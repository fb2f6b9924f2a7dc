/**
 * The Postgres connection (postgres.js) and the mapping of driver failures to the contract's errors.
 *
 * @module
 */
import postgres from "postgres";
import { AppError } from "./errors.ts";

/** A postgres.js client. */
export type Sql = postgres.Sql;

/** Options of {@link connectDatabase}. */
export interface DatabaseOptions {
  /** Pool size; small, because every isolate holds its own pool. */
  max?: number;
  /** Seconds to wait for a connection before the run is answered 503. */
  connectTimeoutSeconds?: number;
}

/**
 * Opens a lazy connection pool (nothing connects until the first query). `prepare: false` because
 * production goes through Supavisor in transaction mode, which does not keep prepared statements.
 *
 * @example
 * ```ts
 * const sql = connectDatabase("postgresql://postgres@127.0.0.1:54322/postgres");
 * await sql`select 1`;
 * await sql.end();
 * ```
 */
export function connectDatabase(url: string, options: DatabaseOptions = {}): Sql {
  return postgres(url, {
    prepare: false,
    max: options.max ?? 3,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    idle_timeout: 20,
    onnotice: () => {},
    connection: { application_name: "unit-economics" },
  });
}

// The server refused the login: an unknown or NOLOGIN role, a wrong password, no such database.
const LOGIN_REFUSED_CODES = ["28000", "28P01", "3D000"];

// Connection-level failures: network, authentication refused for lack of slots, server going away.
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
  "57014", // query_canceled (statement_timeout)
  ...LOGIN_REFUSED_CODES,
]);

/**
 * True when `error` means the database cannot be reached or went away (answered with 503).
 *
 * @example
 * ```ts
 * isDatabaseUnavailable(Object.assign(new Error("refused"), { code: "ECONNREFUSED" })); // true
 * ```
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || code.startsWith("08"))) {
    return true;
  }
  // Deno reports refused connections as Deno.errors.* with the OS message.
  return error.name === "ConnectionRefused" || error.name === "ConnectionReset" ||
    /connection (refused|reset)|connect ECONNREFUSED/i.test(error.message);
}

/**
 * The 503 for an unreachable database, with a message that says what was being done.
 *
 * @example
 * ```ts
 * throw databaseUnavailable(error, "recording the run");
 * ```
 */
export function databaseUnavailable(cause: unknown, doing: string): AppError {
  const reason = cause instanceof Error
    ? ((cause as { code?: string }).code ?? cause.name)
    : "unknown";
  if (LOGIN_REFUSED_CODES.includes(reason)) {
    return new AppError(
      "database_unavailable",
      `The database refused the login (${reason}: ${
        (cause as Error).message
      }) while ${doing}. Check the user, password and database in UNIT_ECONOMICS_DB_URL; the function's role needs LOGIN and a password (README, "Least privilege").`,
      { cause },
    );
  }
  return new AppError(
    "database_unavailable",
    // Not "nothing was sent": when the database goes away after Vantage accepted a batch, that batch
    // is in Vantage but not recorded, and the next run sends it again (an idempotent upsert).
    `The database is unreachable (${reason}) while ${doing}. Check UNIT_ECONOMICS_DB_URL and that Postgres is up; the next run sends again whatever was not recorded as sent.`,
    { cause },
  );
}

/**
 * Runs database work, turning "the database is unreachable" into the 503 that says what was being
 * done; other errors pass through.
 *
 * @example
 * ```ts
 * const runs = await withDatabase("listing runs", () => listRuns(sql, 20));
 * ```
 */
export async function withDatabase<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw databaseUnavailable(error, doing);
    throw error;
  }
}
