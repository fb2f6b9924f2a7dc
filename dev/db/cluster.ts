/**
 * A project-owned PostgreSQL 15 cluster: created with initdb on first use, started detached with
 * pg_ctl (its output goes to a log file, never to the caller's stdout), reused while it runs.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { isRoot, POSTGRES_OS_USER, run } from "./process.ts";

/** Where the Debian packages put the PostgreSQL 15 server binaries. */
const DEBIAN_BIN_DIR = "/usr/lib/postgresql/15/bin";
/** Settings file that ensureCluster writes into the data folder before each start. */
const SETTINGS_FILE = "unit_economics.conf";
/** Seconds pg_ctl waits for the server to start or stop. */
const PG_CTL_WAIT_SECONDS = 60;
/** How long to wait, after pg_ctl reports the server ready, until it accepts TCP connections. */
const ACCEPT_TIMEOUT_MS = 30_000;
/** Line indexes in postmaster.pid: the port and the first Unix socket folder. */
const PID_FILE_PORT = 3;
const PID_FILE_SOCKET_DIR = 4;

/** Options of {@linkcode ensureCluster}. */
export interface ClusterOptions {
  /** The cluster's data folder; created (with initdb) when it holds no cluster yet. */
  dataDir: string;
  /** TCP port on 127.0.0.1. */
  port: number;
  /** The server's log file: where to look when it does not start. */
  logFile: string;
  /**
   * Trade crash safety for speed (fsync, synchronous_commit and full_page_writes off): for
   * throwaway clusters such as the tests' only. Takes effect when the cluster (re)starts.
   */
  fast?: boolean;
  /**
   * The database whose jobs pg_cron runs (`cron.database_name`), and the only one where
   * `create extension pg_cron` works; default `postgres`. pg_cron's launcher keeps a session open
   * on it, so it cannot be the template of a `create database`. Ignored without pg_cron.
   */
  cronDatabase?: string;
  /**
   * Whether pg_cron runs jobs (default true). False sets `cron.max_running_jobs = 0`: jobs can be
   * scheduled but none starts, e.g. while a template database is built.
   */
  cronJobs?: boolean;
}

/** A running cluster. */
export interface Cluster {
  /** Superuser URL, such as `postgresql://postgres@127.0.0.1:54322/postgres`. */
  url: string;
}

/** A cluster could not be created, started or stopped; the message says why and what to do. */
export class ClusterError extends Error {
  override name = "ClusterError";
}

/**
 * Makes sure a cluster runs in `dataDir` on `port`: creates it when missing, starts it when
 * stopped, reuses it when running, and returns once it accepts connections. A running server
 * whose settings differ from what `options` asks for (fast, cronDatabase, cronJobs, or settings
 * that a newer version of this module writes) is restarted, which disconnects its sessions.
 * Safe to call from several processes at once (a lock file beside the data folder serialises
 * them).
 *
 * @throws ClusterError naming the missing binary, the unreachable folder or the log file to read.
 *
 * @example
 * ```ts
 * const { url } = await ensureCluster({
 *   dataDir: ".local/postgres/data",
 *   port: 54322,
 *   logFile: ".local/postgres/postgres.log",
 * });
 * ```
 */
export async function ensureCluster(options: ClusterOptions): Promise<Cluster> {
  const dataDir = resolve(options.dataDir);
  const logFile = resolve(options.logFile);
  const { port } = options;
  await withFileLock(`${dataDir}.lock`, async () => {
    if (!(await exists(join(dataDir, "PG_VERSION")))) await initCluster(dataDir);
    const settings = await renderSettings(port, options);
    if (await clusterIsRunning(dataDir)) {
      const runningPort = Number((await postmasterInfo(dataDir))[PID_FILE_PORT]);
      if (runningPort !== port) {
        throw new ClusterError(
          `the cluster in ${dataDir} already runs on port ${runningPort}, not ${port}: stop it first`,
        );
      }
      const current = await Deno.readTextFile(join(dataDir, SETTINGS_FILE)).catch(() => "");
      if (current === settings) return;
      await stopCluster(dataDir);
    }
    await writeSettings(dataDir, port, settings);
    await startCluster(dataDir, logFile);
  });
  await waitUntilAccepting(port, logFile);
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres` };
}

/**
 * Whether a server runs on the cluster in `dataDir` (false when there is no cluster there).
 *
 * @example
 * ```ts
 * if (await clusterIsRunning(".local/postgres/data")) console.error("up");
 * ```
 */
export async function clusterIsRunning(dataDir: string): Promise<boolean> {
  const dir = resolve(dataDir);
  if (!(await exists(join(dir, "PG_VERSION")))) return false;
  const result = await run(await pgBinary("pg_ctl"), ["-D", dir, "status"], {
    asPostgresUser: true,
  });
  return result.success;
}

/**
 * Stops the server of the cluster in `dataDir` (fast shutdown: open sessions are disconnected).
 *
 * @returns whether a server was running.
 * @throws ClusterError when pg_ctl fails to stop it.
 *
 * @example
 * ```ts
 * await stopCluster(".local/postgres/data");
 * ```
 */
export async function stopCluster(dataDir: string): Promise<boolean> {
  const dir = resolve(dataDir);
  if (!(await clusterIsRunning(dir))) return false;
  const socketDir = (await postmasterInfo(dir))[PID_FILE_SOCKET_DIR];
  const args = ["-D", dir, "-m", "fast", "-w", "-t", String(PG_CTL_WAIT_SECONDS), "stop"];
  const result = await run(await pgBinary("pg_ctl"), args, { asPostgresUser: true });
  if (!result.success) {
    throw new ClusterError(
      `pg_ctl could not stop ${dir}: ${(result.stderr || result.stdout).trim()}`,
    );
  }
  // The socket folder that writeSettings made is empty now: leave none behind in /tmp.
  if (socketDir) await Deno.remove(socketDir).catch(() => {});
  return true;
}

/** Creates the cluster, whose superuser `postgres` needs no password on local connections. */
async function initCluster(dataDir: string): Promise<void> {
  const initdb = await pgBinary("initdb");
  await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
  await Deno.chmod(dataDir, 0o700);
  await handOver(dataDir);
  await assertPostgresCanWrite(dataDir);
  const args = ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"];
  const result = await run(initdb, args, { asPostgresUser: true });
  if (!result.success) {
    throw new ClusterError(
      `initdb failed for ${dataDir}:\n${(result.stderr || result.stdout).trim()}`,
    );
  }
  await Deno.writeTextFile(join(dataDir, "postgresql.conf"), `\ninclude = '${SETTINGS_FILE}'\n`, {
    append: true,
  });
}

/**
 * Path that `pg_config` reports for `flag` (such as `--sharedir`), from the same installation as
 * the server binaries (PG_BIN_DIR, the Debian layout, or `pg_config` on PATH).
 *
 * @throws ClusterError when there is no pg_config or it fails.
 *
 * @example
 * ```ts
 * const extensionDir = `${await pgConfig("--sharedir")}/extension`;
 * ```
 */
export async function pgConfig(flag: string): Promise<string> {
  const local = join(await pgBinDir(), "pg_config");
  const result = await run((await exists(local)) ? local : "pg_config", [flag]).catch((error) => {
    throw new ClusterError(`pg_config ${flag} failed: ${(error as Error).message}`);
  });
  if (!result.success) {
    throw new ClusterError(`pg_config ${flag} failed: ${(result.stderr || result.stdout).trim()}`);
  }
  return result.stdout.trim();
}

/** The settings file's content for a server on `port` (see ClusterOptions). */
async function renderSettings(port: number, options: ClusterOptions): Promise<string> {
  const socketDir = socketDirOf(port);
  const settings = [
    "# Written by dev/db/cluster.ts before every start: edits here are overwritten.",
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    // The compiled-in default (/var/run/postgresql) may not exist or be writable; paths of
    // sockets are limited to about 107 characters, so not inside the data folder either.
    `unix_socket_directories = '${socketDir}'`,
    // As on Supabase: current_date (which the seed counts from) is the UTC date.
    "timezone = 'UTC'",
    "log_timezone = 'UTC'",
  ];
  if (await pgCronInstalled()) {
    settings.push(
      "shared_preload_libraries = 'pg_cron'",
      `cron.database_name = '${(options.cronDatabase ?? "postgres").replaceAll("'", "''")}'`,
      // pg_cron 1.4 runs each job over a libpq connection to cron.host, 'localhost' by default,
      // which may resolve to ::1, where this server does not listen.
      "cron.host = '127.0.0.1'",
    );
    if (options.cronJobs === false) settings.push("cron.max_running_jobs = 0");
  }
  if (options.fast === true) {
    settings.push("fsync = off", "synchronous_commit = off", "full_page_writes = off");
  }
  return settings.join("\n") + "\n";
}

/** Writes the settings file that postgresql.conf includes (last, so its values win). */
async function writeSettings(dataDir: string, port: number, settings: string): Promise<void> {
  const socketDir = socketDirOf(port);
  await Deno.mkdir(socketDir, { recursive: true, mode: 0o700 });
  await handOver(socketDir);
  const file = join(dataDir, SETTINGS_FILE);
  await Deno.writeTextFile(file, settings);
  await handOver(file);
}

/** The server's Unix socket folder (paths of sockets are limited to about 107 characters). */
function socketDirOf(port: number): string {
  return `/tmp/ue-pg-${port}`;
}

/** Starts the server detached; its output goes to `logFile`. */
async function startCluster(dataDir: string, logFile: string): Promise<void> {
  await Deno.mkdir(dirname(logFile), { recursive: true });
  await Deno.writeTextFile(logFile, "", { append: true });
  await handOver(logFile);
  await assertPostgresCanWrite(logFile);
  const args = ["-D", dataDir, "-l", logFile, "-w", "-t", String(PG_CTL_WAIT_SECONDS), "start"];
  const result = await run(await pgBinary("pg_ctl"), args, { asPostgresUser: true });
  if (!result.success) {
    throw new ClusterError(
      `PostgreSQL did not start; see the log file at ${logFile}, which ends:\n` +
        await logTail(logFile),
    );
  }
}

/** Polls pg_isready until the server accepts TCP connections on 127.0.0.1. */
async function waitUntilAccepting(port: number, logFile: string): Promise<void> {
  const pgIsReady = await pgBinary("pg_isready");
  const args = [
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "-U",
    "postgres",
    "-d",
    "postgres",
    "-t",
    "2",
  ];
  const deadline = Date.now() + ACCEPT_TIMEOUT_MS;
  while (!(await run(pgIsReady, args)).success) {
    if (Date.now() > deadline) {
      throw new ClusterError(
        `PostgreSQL does not accept connections on 127.0.0.1:${port}; see the log file at ${logFile}`,
      );
    }
    await new Promise((done) => setTimeout(done, 200));
  }
}

/** The lines of the running server's postmaster.pid (see PID_FILE_PORT, PID_FILE_SOCKET_DIR). */
async function postmasterInfo(dataDir: string): Promise<string[]> {
  return (await Deno.readTextFile(join(dataDir, "postmaster.pid"))).split("\n");
}

/** Path of a PostgreSQL binary: from PG_BIN_DIR, the Debian layout, or `pg_config --bindir`. */
async function pgBinary(name: string): Promise<string> {
  const binDir = await pgBinDir();
  const path = join(binDir, name);
  if (!(await exists(path))) {
    throw new ClusterError(
      `PostgreSQL's ${name} is missing: not found in ${binDir} ` +
        "(install postgresql-15, or set PG_BIN_DIR to the folder of its server binaries)",
    );
  }
  return path;
}

async function pgBinDir(): Promise<string> {
  const fromEnv = Deno.env.get("PG_BIN_DIR");
  if (fromEnv) return fromEnv;
  if (await exists(join(DEBIAN_BIN_DIR, "pg_ctl"))) return DEBIAN_BIN_DIR;
  const result = await run("pg_config", ["--bindir"]).catch(() => undefined);
  if (result?.success) return result.stdout.trim();
  throw new ClusterError(
    `PostgreSQL 15's server binaries are missing: not in ${DEBIAN_BIN_DIR} and no pg_config ` +
      "(install postgresql-15, or set PG_BIN_DIR to the folder of its server binaries)",
  );
}

/** Whether pg_cron's library is in the server's library folder (`pg_config --pkglibdir`). */
async function pgCronInstalled(): Promise<boolean> {
  const pgConfig = join(await pgBinDir(), "pg_config");
  const result = await run((await exists(pgConfig)) ? pgConfig : "pg_config", ["--pkglibdir"])
    .catch(() => undefined);
  return result?.success === true && await exists(join(result.stdout.trim(), "pg_cron.so"));
}

/** When root, gives `path` to the postgres OS user, who runs the server. */
async function handOver(path: string): Promise<void> {
  if (!isRoot()) return;
  const result = await run("chown", [`${POSTGRES_OS_USER}:`, path]);
  if (!result.success) throw new ClusterError(`chown ${path}: ${result.stderr.trim()}`);
}

/** When root, checks that the postgres OS user can reach and write `path`. */
async function assertPostgresCanWrite(path: string): Promise<void> {
  if (!isRoot()) return;
  if ((await run("test", ["-w", path], { asPostgresUser: true })).success) return;
  throw new ClusterError(
    `the ${POSTGRES_OS_USER} OS user, which runs PostgreSQL, cannot write ${path}: ` +
      "make the folders above it searchable for others (chmod o+x), or use a folder elsewhere",
  );
}

/** Runs `fn` holding an exclusive lock on `lockFile` (released when the file closes). */
async function withFileLock(lockFile: string, fn: () => Promise<void>): Promise<void> {
  await Deno.mkdir(dirname(lockFile), { recursive: true });
  const file = await Deno.open(lockFile, { create: true, write: true });
  try {
    await file.lock(true);
    await fn();
  } finally {
    file.close();
  }
}

async function logTail(logFile: string): Promise<string> {
  const text = await Deno.readTextFile(logFile).catch(() => "");
  return text.trimEnd().split("\n").slice(-8).join("\n");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
