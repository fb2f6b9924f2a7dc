/**
 * The registry of reliability scenarios: every fault, crash and load case the suite proves, with
 * what must happen. Tests record their outcome under the scenario's id (tests/support/reliability.ts),
 * docs/reliability.md lists every scenario here (document.test.ts fails when it does not), and
 * existing tests elsewhere that cover part of a scenario are named in `alsoCoveredBy`, so that the
 * figures count each scenario once.
 *
 * @module
 */
import { type OutcomeInput, recordOutcome } from "../support/reliability.ts";

/** A section of docs/reliability.md, in the order of issue 6. */
export const SECTIONS = [
  "fault matrix",
  "crash safety",
  "load",
  "hostile input",
  "least privilege",
] as const;

/** One scenario. */
export interface Scenario {
  /** Stable id: the outcome file's name and the document's anchor. */
  id: string;
  section: string;
  title: string;
  /** What must happen. */
  expected: string;
  /** The test file that runs it and records its outcome. */
  test: string;
  /** Other tests that prove part of it (not counted again). */
  alsoCoveredBy?: string[];
}

const FAULTS = "tests/reliability/faults.test.ts";
const CRASH = "tests/reliability/crash.test.ts";
const LOAD = "tests/reliability/load.test.ts";

/** Every scenario of sections 1–3 (others may add theirs). */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: "database-unreachable-before-run",
    section: "fault matrix",
    title: "Database unreachable before the run",
    expected: "503 database_unavailable, no run row (the error log line is the record); " +
      "once the database is back, the same instance syncs",
    test: FAULTS,
  },
  {
    id: "database-lost-during-run",
    section: "fault matrix",
    title: "Database lost during the run (connections cut and refused)",
    expected: "503; the run row stays running until its lease runs out (409 meanwhile), then the " +
      "next run closes it as lease_expired and sends the unrecorded values again",
    test: FAULTS,
  },
  {
    id: "database-connections-terminated",
    section: "fault matrix",
    title: "Server terminates the function's connections mid-run (pg_terminate_backend)",
    expected: "the pool reconnects: 200, everything recorded",
    test: FAULTS,
  },
  {
    id: "source-statement-timeout",
    section: "fault matrix",
    title: "Source query exceeds its statement timeout",
    expected: "cancelled at the timeout: 503 naming the relation, failed run row",
    test: FAULTS,
  },
  {
    id: "vantage-429-reset",
    section: "fault matrix",
    title: "Vantage 429 with a reset time",
    expected: "waits for the reset and completes: 200",
    test: FAULTS,
  },
  {
    id: "vantage-5xx-short-burst",
    section: "fault matrix",
    title: "Vantage 5xx burst shorter than the retry budget (500, 502, 504)",
    expected: "retried with backoff: 200",
    test: FAULTS,
  },
  {
    id: "vantage-5xx-long-burst",
    section: "fault matrix",
    title: "Vantage 5xx burst longer than the retry budget (4 × 503)",
    expected: "502 vantage_unavailable after 4 tries, nothing recorded as sent",
    test: FAULTS,
  },
  {
    id: "vantage-request-hangs",
    section: "fault matrix",
    title: "Vantage request hangs past VANTAGE_REQUEST_TIMEOUT_MS",
    expected: "each try aborted at the timeout, retried, then 502 vantage_unavailable",
    test: FAULTS,
  },
  {
    id: "vantage-connection-reset",
    section: "fault matrix",
    title: "Connection reset in the middle of Vantage's response",
    expected: "treated as a network error and retried: 200",
    test: FAULTS,
  },
  {
    id: "vantage-body-not-json",
    section: "fault matrix",
    title: "Vantage answers 200 with a body that is not JSON",
    expected: "502 vantage_invalid_response, nothing recorded as sent",
    test: FAULTS,
  },
  {
    id: "vantage-unexpected-shape",
    section: "fault matrix",
    title: "Vantage answers 200 with JSON that is not a business metric",
    expected: "502 vantage_invalid_response naming the field, nothing recorded as sent",
    test: FAULTS,
  },
  {
    id: "vantage-401-unknown-token",
    section: "fault matrix",
    title: "Vantage 401: the API token is unknown",
    expected: "502 vantage_rejected, the message says to check VANTAGE_API_TOKEN",
    test: FAULTS,
  },
  {
    id: "vantage-403-read-only-token",
    section: "fault matrix",
    title: "Vantage 403: a read-only API token",
    expected: "502 vantage_rejected, the message says the token needs the WRITE scope",
    test: FAULTS,
  },
  {
    id: "vantage-404-unknown-metric",
    section: "fault matrix",
    title: "Vantage 404: unknown business metric token",
    expected: "502 vantage_rejected, the message names ORDERS_METRIC_ID",
    test: FAULTS,
  },
  {
    id: "run-deadline-mid-backfill",
    section: "fault matrix",
    title: "Run deadline reached in the middle of a five-year backfill",
    expected:
      "a failed run with the batches that made it recorded; the next run sends only the rest",
    test: FAULTS,
    alsoCoveredBy: [
      "tests/integration/backfill.test.ts: a backfill killed halfway resumes",
      "tests/integration/backfill.test.ts: Ctrl-C stops a backfill after the current batch",
    ],
  },
  {
    id: "killed-after-vantage-accepted",
    section: "crash safety",
    title: "CLI killed (SIGKILL) after Vantage accepted a batch, before it was recorded",
    expected: "the next run sends the same values again (idempotent upsert) and Vantage equals " +
      "the source",
    test: CRASH,
  },
  {
    id: "abandoned-run-row-closed",
    section: "crash safety",
    title: "Run row left running by the killed process",
    expected: "closed as failed (lease_expired) by the next run once its lease ran out",
    test: CRASH,
    alsoCoveredBy: [
      "tests/integration/one-at-a-time.test.ts: a killed run blocks until its lease expires",
    ],
  },
  {
    id: "concurrent-syncs",
    section: "load",
    title: "50 concurrent POST /sync over HTTP (3 metrics)",
    expected: "one 200, 49 × 409 sync_already_running, one PUT per metric at Vantage, 50 run rows",
    test: LOAD,
    alsoCoveredBy: ["tests/integration/one-at-a-time.test.ts: six concurrent syncs"],
  },
  {
    id: "health-during-backfill",
    section: "load",
    title: "GET /health during a five-year, three-metric backfill",
    expected: "every answer within 250 ms while the backfill runs",
    test: LOAD,
  },
];

/**
 * The scenario with this id; throws when there is none, so a typo fails the test that records.
 *
 * @example
 * ```ts
 * scenario("vantage-429-reset").section; // "fault matrix"
 * ```
 */
export function scenario(id: string): Scenario {
  const found = SCENARIOS.find((s) => s.id === id);
  if (!found) throw new Error(`no scenario "${id}" in tests/reliability/scenarios.ts`);
  return found;
}

/**
 * Records the outcome of a registered scenario: section, title and expectation from the registry.
 *
 * @example
 * ```ts
 * await recordScenario("vantage-429-reset", { observed: "200 after one wait", status: 200, valuesLost: 0 });
 * ```
 */
export async function recordScenario(
  id: string,
  observed: Omit<OutcomeInput, "section" | "scenario" | "title" | "expected">,
): Promise<void> {
  const { section, title, expected } = scenario(id);
  await recordOutcome({ section, scenario: id, title, expected, ...observed });
}
