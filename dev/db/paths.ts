/**
 * Where things are in this repository, independent of the caller's working folder.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

/** Absolute path of the repository root (the folder holding deno.json and supabase/). */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Resolves a repo-relative path (absolute paths are returned as they are).
 *
 * @example
 * ```ts
 * repoPath(".local/postgres/data"); // "/…/repo/.local/postgres/data"
 * ```
 */
export function repoPath(path: string): string {
  return resolve(REPO_ROOT, path);
}
