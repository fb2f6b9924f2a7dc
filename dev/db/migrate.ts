/**
 * Bringing a database to the repository's schema: the migrations through the Supabase CLI (the
 * same tool that deploys them), and the local/demo seed.
 *
 * @module
 */
import postgres from "postgres";
import { REPO_ROOT, repoPath } from "./paths.ts";
import { run } from "./process.ts";

/** The Supabase CLI, pinned: run through npx. */
const SUPABASE_CLI = "supabase@2.117.0";
/** Default limit for one `supabase db push` (npx may first have to download the CLI). */
const PUSH_TIMEOUT_MS = 300_000;
/** The local/demo data: example orders and the `public.total_orders` view. */
export const SEED_FILE: string = repoPath("supabase/seed.sql");

/**
 * Applies `supabase/migrations/*.sql` that `url`'s database lacks, with
 * `supabase db push --db-url … --yes`, which records them in
 * `supabase_migrations.schema_migrations`.
 * Quiet on success; on failure the CLI's output goes to stderr and the promise rejects.
 *
 * @param url a postgres URL; `sslmode=disable` is added unless it names an sslmode (the CLI
 * otherwise insists on SSL, which a local cluster does not offer).
 *
 * @example
 * ```ts
 * await applyMigrations("postgresql://postgres@127.0.0.1:54322/postgres");
 * ```
 */
export async function applyMigrations(
  url: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const dbUrl = new URL(url);
  if (!dbUrl.searchParams.has("sslmode")) dbUrl.searchParams.set("sslmode", "disable");
  const args = ["--yes", SUPABASE_CLI, "db", "push", "--db-url", dbUrl.href, "--yes"];
  const result = await run("npx", args, {
    cwd: REPO_ROOT,
    timeoutMs: options.timeoutMs ?? PUSH_TIMEOUT_MS,
  });
  if (!result.success) {
    console.error(result.stdout + result.stderr);
    throw new Error(`supabase db push failed (exit ${result.code}); its output is above`);
  }
}

/**
 * Runs `supabase/seed.sql` against `url`'s database, in one transaction (simple query protocol).
 * The seed is not idempotent: run it once per database.
 *
 * @example
 * ```ts
 * await loadSeed("postgresql://postgres@127.0.0.1:54322/postgres");
 * ```
 */
export async function loadSeed(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.file(SEED_FILE);
  } catch (error) {
    throw new Error(`loading ${SEED_FILE} failed: ${(error as Error).message}`);
  } finally {
    await sql.end();
  }
}
