/**
 * Writes docs/reliability.md from the outcomes the suite recorded (tests/artifacts/reliability/):
 * a table per section, every registered scenario in it (a scenario without an outcome shows as not
 * recorded), every other recorded outcome too (other sections record without registering), and
 * the totals: scenarios, faults survived, concurrent requests, inputs tried, values lost.
 *
 * Run by `deno task reliability` after the suite; `deno run -A tests/reliability/figures.ts`
 * regenerates the document from the last recorded outcomes alone.
 *
 * @module
 */
import { type Outcome, readOutcomes } from "../support/reliability.ts";
import { type Scenario, SCENARIOS, SECTIONS } from "./scenarios.ts";

/** Where the document goes. */
export const DOCUMENT = new URL("../../docs/reliability.md", import.meta.url);

/** The sections whose faults count as "faults survived". */
const FAULT_SECTIONS = new Set(["fault matrix", "crash safety"]);

/** A row of the document: a scenario and its outcome, when one was recorded. */
interface Row {
  id: string;
  section: string;
  title: string;
  expected?: string;
  scenario?: Scenario;
  outcome?: Outcome;
}

/** The figures at the top of the document. */
export interface Totals {
  scenarios: number;
  recorded: number;
  passed: number;
  faultScenarios: number;
  faultsSurvived: number;
  faultsInjected: number;
  concurrentRequests: number;
  requestsUnderLoad: number;
  inputsTried: number;
  valuesChecked: number;
  valuesLost: number;
  durationMs: number;
}

/**
 * Pairs the registry with the recorded outcomes. A recorded outcome whose section has registered
 * scenarios but whose id is not among them is a leftover of a renamed or removed scenario: dropped.
 */
export function rowsOf(scenarios: readonly Scenario[], outcomes: readonly Outcome[]): Row[] {
  const registeredSections = new Set(scenarios.map((s) => s.section));
  const rows: Row[] = scenarios.map((scenario) => ({
    id: scenario.id,
    section: scenario.section,
    title: scenario.title,
    expected: scenario.expected,
    scenario,
    outcome: outcomes.find((o) => o.section === scenario.section && o.scenario === scenario.id),
  }));
  for (const outcome of outcomes) {
    if (registeredSections.has(outcome.section)) continue;
    rows.push({
      id: outcome.scenario,
      section: outcome.section,
      title: outcome.title ?? outcome.scenario,
      expected: outcome.expected,
      outcome,
    });
  }
  return rows;
}

/** The totals over all rows. */
export function totalsOf(rows: readonly Row[]): Totals {
  const totals: Totals = {
    scenarios: rows.length,
    recorded: 0,
    passed: 0,
    faultScenarios: 0,
    faultsSurvived: 0,
    faultsInjected: 0,
    concurrentRequests: 0,
    requestsUnderLoad: 0,
    inputsTried: 0,
    valuesChecked: 0,
    valuesLost: 0,
    durationMs: 0,
  };
  for (const { section, outcome } of rows) {
    if (FAULT_SECTIONS.has(section)) totals.faultScenarios++;
    if (!outcome) continue;
    totals.recorded++;
    const passed = outcome.passed !== false;
    if (passed) totals.passed++;
    if (FAULT_SECTIONS.has(section) && passed && (outcome.valuesLost ?? 0) === 0) {
      totals.faultsSurvived++;
    }
    totals.faultsInjected += outcome.faultsInjected ?? 0;
    totals.concurrentRequests = Math.max(
      totals.concurrentRequests,
      outcome.concurrentRequests ?? 0,
    );
    if (section === "load") totals.requestsUnderLoad += outcome.requests ?? 0;
    totals.inputsTried += outcome.inputsTried ?? 0;
    totals.valuesChecked += outcome.valuesChecked ?? 0;
    totals.valuesLost += outcome.valuesLost ?? 0;
    totals.durationMs += outcome.durationMs ?? 0;
  }
  return totals;
}

/** Sections in the issue's order, then any others alphabetically. */
function sectionOrder(rows: readonly Row[]): string[] {
  const present = new Set(rows.map((r) => r.section));
  const known = SECTIONS.filter((s) => present.has(s));
  const others = [...present].filter((s) => !(SECTIONS as readonly string[]).includes(s)).sort();
  return [...known, ...others];
}

const cell = (text: string | number | undefined | null): string =>
  text === undefined || text === null || text === ""
    ? "—"
    : String(text).replaceAll("|", "\\|").replaceAll("\n", " ");

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const ms = (value: number) => (value < 10 ? value.toFixed(1) : Math.round(value).toString());

interface Column {
  header: string;
  value(row: Row): string | number | undefined | null;
  /** Shown only when some row of the section has a value. */
  optional?: boolean;
}

const COLUMNS: Column[] = [
  { header: "scenario", value: (r) => `${r.title}<br>\`${r.id}\`` },
  { header: "expected", value: (r) => r.expected },
  {
    header: "what happened",
    value: (r) =>
      r.outcome
        ? `${r.outcome.passed === false ? "**FAILED:** " : ""}${r.outcome.observed}`
        : "**not recorded**: run `deno task reliability`",
  },
  {
    header: "status / exit",
    optional: true,
    value: ({ outcome: o }) =>
      o?.status !== undefined
        ? `HTTP ${o.status}`
        : o?.exitCode !== undefined
        ? `exit ${o.exitCode}`
        : undefined,
  },
  {
    header: "run row",
    optional: true,
    value: ({ outcome: o }) =>
      o?.runStatus ? `${o.runStatus}${o.errorCode ? ` (${o.errorCode})` : ""}` : undefined,
  },
  { header: "faults", optional: true, value: (r) => r.outcome?.faultsInjected },
  { header: "requests", optional: true, value: (r) => r.outcome?.requests },
  {
    header: "latency ms (median / p95 / max)",
    optional: true,
    value: ({ outcome: o }) =>
      o?.latencyMs
        ? `${ms(o.latencyMs.median)} / ${ms(o.latencyMs.p95)} / ${ms(o.latencyMs.max)}`
        : undefined,
  },
  { header: "inputs tried", optional: true, value: (r) => r.outcome?.inputsTried },
  {
    header: "values lost",
    optional: true,
    value: ({ outcome: o }) =>
      o?.valuesLost === undefined ? undefined : `${o.valuesLost} of ${o.valuesChecked ?? "?"}`,
  },
];

function table(rows: readonly Row[]): string[] {
  const columns = COLUMNS.filter((column) =>
    !column.optional || rows.some((row) => {
      const value = column.value(row);
      return value !== undefined && value !== null;
    })
  );
  return [
    `| ${columns.map((c) => c.header).join(" | ")} |`,
    `| ${columns.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${columns.map((c) => cell(c.value(row))).join(" | ")} |`),
  ];
}

/**
 * The whole document.
 *
 * @example
 * ```ts
 * const markdown = renderReliabilityDocument(SCENARIOS, await readOutcomes());
 * ```
 */
export function renderReliabilityDocument(
  scenarios: readonly Scenario[],
  outcomes: readonly Outcome[],
): string {
  const rows = rowsOf(scenarios, outcomes);
  const totals = totalsOf(rows);
  const lastRun = rows.map((r) => r.outcome?.recordedAt).filter(Boolean).sort().at(-1);
  const lines = [
    "# Reliability: faults, crashes, load and hostile input",
    "",
    "Generated by `deno task reliability` from the outcomes the test suite recorded in",
    "`tests/artifacts/reliability/`; do not edit by hand. Every number below was measured by a test",
    "(tests/reliability/ and the tests that record into the same folder); scenarios are registered",
    "in `tests/reliability/scenarios.ts`, and `tests/reliability/document.test.ts` fails when this",
    "document misses one of them.",
    "",
    `Last recorded outcome: ${lastRun ?? "none"}.`,
    "",
    "## Figures",
    "",
    "| figure | value |",
    "| --- | --- |",
    `| scenarios | ${totals.scenarios} (${totals.recorded} recorded, ${totals.passed} as expected) |`,
    `| faults survived | ${totals.faultsSurvived} of ${totals.faultScenarios} fault and crash ` +
    `scenarios (${totals.faultsInjected} faults injected) |`,
    `| concurrent requests | ${totals.concurrentRequests} |`,
    `| requests under load | ${totals.requestsUnderLoad} |`,
    `| inputs tried | ${totals.inputsTried || "—"} |`,
    `| values compared with the source after recovery | ${totals.valuesChecked} |`,
    `| values lost | ${totals.valuesLost} |`,
    `| time in the recorded scenarios | ${(totals.durationMs / 1000).toFixed(1)} s |`,
    "",
    '"Values lost" compares, after the run that follows the fault, every (day, label) value of',
    "every bound metric in Vantage with the source, as exact decimals; it must be 0.",
  ];
  for (const section of sectionOrder(rows)) {
    const sectionRows = rows.filter((r) => r.section === section);
    const seconds = sectionRows.reduce((sum, r) => sum + (r.outcome?.durationMs ?? 0), 0) / 1000;
    lines.push(
      "",
      `## ${capitalized(section)}`,
      "",
      `${sectionRows.length} scenario${sectionRows.length === 1 ? "" : "s"}` +
        (seconds > 0 ? `, ${seconds.toFixed(1)} s.` : "."),
      "",
      ...table(sectionRows),
    );
    const elsewhere = sectionRows.filter((r) => r.scenario?.alsoCoveredBy?.length);
    if (elsewhere.length > 0) {
      lines.push("", "Also covered (counted once, here):", "");
      for (const row of elsewhere) {
        lines.push(`- \`${row.id}\`: ${row.scenario!.alsoCoveredBy!.join("; ")}`);
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

if (import.meta.main) {
  const markdown = renderReliabilityDocument(SCENARIOS, await readOutcomes());
  await Deno.mkdir(new URL(".", DOCUMENT), { recursive: true });
  await Deno.writeTextFile(DOCUMENT, markdown);
  // Formatted as `deno fmt --check` (part of `deno task check`) wants it: aligned tables.
  const formatted = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", DOCUMENT.pathname],
    cwd: new URL("../../", import.meta.url).pathname,
  }).output();
  if (!formatted.success) throw new Error(new TextDecoder().decode(formatted.stderr));
  const totals = totalsOf(rowsOf(SCENARIOS, await readOutcomes()));
  console.log(
    `wrote docs/reliability.md: ${totals.scenarios} scenarios, ${totals.faultsSurvived} faults ` +
      `survived, ${totals.concurrentRequests} concurrent requests, ${totals.inputsTried} inputs ` +
      `tried, ${totals.valuesLost} values lost`,
  );
  if (totals.recorded < totals.scenarios || totals.valuesLost > 0) Deno.exitCode = 1;
}
