/**
 * What a Supabase project's database has before its migrations run, on a plain PostgreSQL 15:
 * the stand-ins for pg_net and supabase_vault (dev/extensions/) installed into the server, and,
 * in one database, the API roles, the `extensions` schema, pgcrypto and Vault. The migrations can
 * then `create extension pg_net` and read `vault.decrypted_secrets` as they do on Supabase.
 *
 * @module
 */
import { basename, join } from "node:path";
import postgres from "postgres";
import { ClusterError, pgConfig } from "./cluster.ts";
import { repoPath } from "./paths.ts";
import { isRoot } from "./process.ts";

/** Folder of the stand-in extensions: one sub-folder per extension, control and SQL files. */
export const STAND_IN_DIR: string = repoPath("dev/extensions");
/** The stand-in extensions, by name (the name of their folder and control file). */
export const STAND_IN_EXTENSIONS: readonly string[] = ["pg_net", "supabase_vault"];
/** Text in every stand-in control file: a control file without it is someone else's extension. */
const STAND_IN_MARKER = "unit-economics stand-in";
/** Extensions that the stand-ins require, and the Debian package that brings each. */
const PREREQUISITES: Record<string, string> = {
  plperlu: "postgresql-plperl-15",
  pgcrypto: "postgresql-15 (contrib)",
};

/** What {@linkcode installStandInExtensions} did. */
export interface StandInInstall {
  /** The server's extension folder (`pg_config --sharedir`/extension). */
  extensionDir: string;
  /** Files written there because they were missing or differed; empty when all were current. */
  copied: string[];
}

/**
 * Copies the stand-ins' control and SQL files into the server's extension folder, each only when
 * it is missing there or its content differs. Writing there needs root; as another user this
 * succeeds when the files are already current, and otherwise fails with the command to run.
 *
 * @throws ClusterError when a file must be written but this is not root (the message holds the
 * `sudo install …` command), when a real pg_net or supabase_vault is installed (it is never
 * overwritten), or when plperlu or pgcrypto is missing.
 *
 * @example
 * ```ts
 * const { copied } = await installStandInExtensions();
 * if (copied.length > 0) console.error(`installed ${copied.join(", ")}`);
 * ```
 */
export async function installStandInExtensions(): Promise<StandInInstall> {
  const extensionDir = join(await pgConfig("--sharedir"), "extension");
  for (const [extension, pkg] of Object.entries(PREREQUISITES)) {
    if (!(await readIfExists(join(extensionDir, `${extension}.control`)))) {
      throw new ClusterError(
        `the ${extension} extension, which the stand-ins need, is missing from ${extensionDir}: ` +
          `install ${pkg}`,
      );
    }
  }
  const stale: { source: string; target: string; content: Uint8Array }[] = [];
  for (const extension of STAND_IN_EXTENSIONS) {
    const control = await readIfExists(join(extensionDir, `${extension}.control`));
    if (control && !new TextDecoder().decode(control).includes(STAND_IN_MARKER)) {
      throw new ClusterError(
        `${join(extensionDir, `${extension}.control`)} is not this project's stand-in ` +
          `(a real ${extension} is installed?): not overwriting it`,
      );
    }
    for (const source of await standInFiles(extension)) {
      const target = join(extensionDir, basename(source));
      const content = await Deno.readFile(source);
      const installed = await readIfExists(target);
      if (!installed || !sameBytes(installed, content)) stale.push({ source, target, content });
    }
  }
  if (stale.length > 0 && !isRoot()) {
    throw new ClusterError(
      "the pg_net and supabase_vault stand-ins are missing from, or outdated in, " +
        `${extensionDir}; install them with:\n  sudo install -m 0644 ` +
        `${stale.map((file) => file.source).join(" ")} ${extensionDir}/`,
    );
  }
  for (const { target, content } of stale) {
    // Write beside it and rename, so that a concurrent CREATE EXTENSION never reads half a file.
    const temporary = `${target}.${Deno.pid}.tmp`;
    await Deno.writeFile(temporary, content, { mode: 0o644 });
    await Deno.chmod(temporary, 0o644);
    await Deno.rename(temporary, target);
  }
  return { extensionDir, copied: stale.map((file) => file.target) };
}

/**
 * Gives the database at `url` what a Supabase project has before migrations: the roles `anon`,
 * `authenticated`, `service_role` (NOLOGIN; `service_role` BYPASSRLS) and `authenticator` (LOGIN,
 * a member of the three), the schema `extensions` with pgcrypto in it, plperlu (the pg_net
 * stand-in's language) and `supabase_vault` in schema `vault` with Supabase's grants on it
 * (postgres and service_role; nobody else). Vault comes first because the CLI writes the
 * `[db.vault]` secrets before it applies migrations. Safe to run again; roles are cluster-wide.
 * Needs the stand-ins installed ({@linkcode installStandInExtensions}).
 *
 * @example
 * ```ts
 * await prepareSupabaseDatabase("postgresql://postgres@127.0.0.1:54322/postgres");
 * ```
 */
export async function prepareSupabaseDatabase(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(SUPABASE_BASELINE);
  } catch (error) {
    throw new ClusterError(
      `preparing ${new URL(url).pathname.slice(1)} as a Supabase database failed: ` +
        (error as Error).message,
    );
  } finally {
    await sql.end();
  }
}

/**
 * The statements of {@linkcode prepareSupabaseDatabase}, after supabase/postgres's
 * migrations/db/init-scripts/00000000000000-initial-schema.sql and its Vault after-create script.
 */
const SUPABASE_BASELINE = `
do $$
declare
  role_spec text[];
begin
  foreach role_spec slice 1 in array array[
    ['anon', 'nologin noinherit'],
    ['authenticated', 'nologin noinherit'],
    ['service_role', 'nologin noinherit bypassrls'],
    ['authenticator', 'login noinherit']
  ] loop
    if not exists (select from pg_catalog.pg_roles where rolname = role_spec[1]) then
      begin
        execute format('create role %I %s', role_spec[1], role_spec[2]);
      exception when duplicate_object or unique_violation then
        null; -- created by a concurrent session meanwhile
      end;
    end if;
  end loop;
end
$$;
grant anon, authenticated, service_role to authenticator;

create schema if not exists extensions;
grant usage on schema public to anon, authenticated, service_role;
grant usage on schema extensions to anon, authenticated, service_role;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists plperlu;
-- Without WITH SCHEMA: the control file names vault, and then CREATE EXTENSION creates it.
create extension if not exists supabase_vault;

grant usage on schema vault to postgres with grant option;
grant select, delete, truncate, references on vault.secrets, vault.decrypted_secrets
  to postgres with grant option;
grant execute on function vault.create_secret, vault.update_secret, vault._crypto_aead_det_decrypt
  to postgres with grant option;
grant usage on schema vault to service_role;
grant select, delete on vault.secrets, vault.decrypted_secrets to service_role;
grant execute on function vault.create_secret, vault.update_secret, vault._crypto_aead_det_decrypt
  to service_role;
`;

/** The control and SQL files of one stand-in, sorted. */
async function standInFiles(extension: string): Promise<string[]> {
  const dir = join(STAND_IN_DIR, extension);
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && /\.(control|sql)$/.test(entry.name)) files.push(join(dir, entry.name));
  }
  return files.sort();
}

async function readIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
