/**
 * The developer's local cluster (`deno task db:start` / `db:stop`): where it lives and its port,
 * from the environment.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { repoPath } from "./paths.ts";

/** Port of the local cluster unless UNIT_ECONOMICS_DB_PORT says otherwise (Supabase's own). */
export const DEFAULT_PORT = 54322;
/** Folder of the local cluster (data/, postgres.log) unless UNIT_ECONOMICS_DB_DIR is set. */
export const DEFAULT_DIR = ".local/postgres";

/** Where a cluster lives: its data folder, its log file and its port. */
export interface ClusterLocation {
  dataDir: string;
  logFile: string;
  port: number;
}

const portSchema = z.coerce.number().int().min(1).max(65_535);

/**
 * Reads a TCP port from the environment variable `name`, or `fallback` when it is unset.
 *
 * @throws Error naming the variable when it is not a port number.
 *
 * @example
 * ```ts
 * envPort("UNIT_ECONOMICS_DB_PORT", 54322); // 54322 unless the variable is set
 * ```
 */
export function envPort(name: string, fallback: number): number {
  const value = Deno.env.get(name);
  if (value === undefined || value === "") return fallback;
  const parsed = portSchema.safeParse(value);
  if (!parsed.success) throw new Error(`${name} must be a TCP port (1-65535), not "${value}"`);
  return parsed.data;
}

/**
 * The location of a cluster whose folder (repo-relative or absolute) holds `data/` and
 * `postgres.log`.
 *
 * @example
 * ```ts
 * clusterLocation(".local/postgres-test", 54329).dataDir; // "/…/.local/postgres-test/data"
 * ```
 */
export function clusterLocation(dir: string, port: number): ClusterLocation {
  const root = repoPath(dir);
  return { dataDir: join(root, "data"), logFile: join(root, "postgres.log"), port };
}

/**
 * The developer's local cluster: UNIT_ECONOMICS_DB_DIR (default `.local/postgres`) and
 * UNIT_ECONOMICS_DB_PORT (default 54322).
 */
export function localCluster(): ClusterLocation {
  return clusterLocation(
    Deno.env.get("UNIT_ECONOMICS_DB_DIR") || DEFAULT_DIR,
    envPort("UNIT_ECONOMICS_DB_PORT", DEFAULT_PORT),
  );
}
