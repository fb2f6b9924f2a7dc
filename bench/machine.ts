/**
 * What the benchmark ran on, for the head of RESULTS.md.
 *
 * @module
 */
import type postgres from "postgres";

/** The machine and the versions of everything measured. */
export interface Machine {
  cpu: string;
  cores: number;
  memory: string;
  os: string;
  kernel: string;
  deno: string;
  postgres: string;
  python: string;
}

/**
 * Describes this machine; `sql` reaches the benchmark's PostgreSQL, `python` is what
 * `checkVendorPrerequisites` reported.
 *
 * @example
 * ```ts
 * const machine = await describeMachine(stack.db.sql, pythonVersions);
 * machine.cores; // 2
 * ```
 */
export async function describeMachine(sql: postgres.Sql, python: string): Promise<Machine> {
  const cpuinfo = await readOr("/proc/cpuinfo");
  const osRelease = await readOr("/etc/os-release");
  const [{ version }] = await sql<{ version: string }[]>`select version()`;
  return {
    cpu: cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? "unknown",
    cores: navigator.hardwareConcurrency,
    memory: `${(Deno.systemMemoryInfo().total / 2 ** 30).toFixed(1)} GiB`,
    os: osRelease.match(/^PRETTY_NAME="?([^"\n]+)"?$/m)?.[1] ?? Deno.build.os,
    kernel: `${Deno.build.os} ${Deno.osRelease()} (${Deno.build.arch})`,
    deno:
      `Deno ${Deno.version.deno} (V8 ${Deno.version.v8}, TypeScript ${Deno.version.typescript})`,
    postgres: version.split(" on ")[0],
    python,
  };
}

async function readOr(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}
