/**
 * `deno task bench`: benchmarks unit-economics against the vendor's script on the local stack
 * (real PostgreSQL, the Vantage emulator) and rewrites bench/RESULTS.md. See bench/README.md.
 *
 * The benchmark uses a PostgreSQL cluster of its own, so that it does not disturb test runs on the
 * tests' cluster: UNIT_ECONOMICS_TEST_DB_DIR and UNIT_ECONOMICS_TEST_DB_PORT default to
 * `.local/postgres-bench` and 54345 here unless already set. tests/support/database.ts reads them
 * when it is first imported, so they are set before the harness is imported (dynamically).
 *
 * @module
 */
import { parseBenchOptions, USAGE } from "./options.ts";

/** The benchmark's own cluster, unless the environment names another. */
const BENCH_CLUSTER_ENV = {
  UNIT_ECONOMICS_TEST_DB_DIR: ".local/postgres-bench",
  UNIT_ECONOMICS_TEST_DB_PORT: "54345",
};

const began = performance.now();
let options;
try {
  options = parseBenchOptions(Deno.args);
} catch (error) {
  console.error((error as Error).message);
  Deno.exit(2);
}
if (options === "help") {
  console.log(USAGE);
  Deno.exit(0);
}
for (const [name, value] of Object.entries(BENCH_CLUSTER_ENV)) {
  if (!Deno.env.get(name)) Deno.env.set(name, value);
}

const { checkVendorPrerequisites } = await import("./measure/vendor.ts");
let python: string;
try {
  python = await checkVendorPrerequisites();
} catch (error) {
  console.error((error as Error).message);
  Deno.exit(2);
}
const { runHarness } = await import("./harness.ts");
const { renderResults, writeResults } = await import("./results.ts");
console.error(
  `bench: cluster ${Deno.env.get("UNIT_ECONOMICS_TEST_DB_DIR")} on port ${
    Deno.env.get("UNIT_ECONOMICS_TEST_DB_PORT")
  }; ${python}`,
);
const report = await runHarness(Deno.args, options, python, (line) => console.error(line));
report.wallMs = performance.now() - began;
const markdown = renderResults(report);
if (options.out) {
  await writeResults(options.out, markdown);
  console.error(`bench: wrote ${options.out} in ${(report.wallMs / 1000).toFixed(0)} s`);
} else {
  console.log(markdown);
}
