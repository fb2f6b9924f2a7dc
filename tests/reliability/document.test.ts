/**
 * docs/reliability.md cannot silently go stale: it must list every registered scenario with a
 * recorded outcome and report zero values lost. Regenerate it with `deno task reliability`.
 */
import assert from "node:assert/strict";
import type { Outcome } from "../support/reliability.ts";
import { DOCUMENT, renderReliabilityDocument, rowsOf, totalsOf } from "./figures.ts";
import { type Scenario, SCENARIOS } from "./scenarios.ts";

Deno.test("docs/reliability.md lists every registered scenario, each with its outcome", async () => {
  const document = await Deno.readTextFile(DOCUMENT).catch(() => "");
  const missing = SCENARIOS.filter((s) => !document.includes(`\`${s.id}\``)).map((s) => s.id);
  assert.deepEqual(missing, [], "run `deno task reliability` to regenerate docs/reliability.md");
  assert.doesNotMatch(document, /\*\*not recorded\*\*/, "every scenario has a recorded outcome");
  assert.doesNotMatch(document, /\*\*FAILED:\*\*/, "every scenario behaved as expected");
  assert.match(document, /^\|\s*values lost\s*\|\s*0\s*\|$/m, "values lost: 0");
});

Deno.test("the document shows every recorded section, registered or not, and sums the figures", () => {
  const registered: Scenario[] = [
    { id: "a", section: "fault matrix", title: "A", expected: "ok", test: "x" },
    { id: "b", section: "load", title: "B", expected: "fast", test: "x" },
  ];
  const at = "2026-01-01T00:00:00.000Z";
  const outcomes: Outcome[] = [
    {
      section: "fault matrix",
      scenario: "a",
      observed: "502 | then 200",
      faultsInjected: 4,
      valuesChecked: 7,
      valuesLost: 0,
      recordedAt: at,
    },
    // A leftover of a scenario that was renamed: not shown.
    { section: "fault matrix", scenario: "old-a", observed: "x", valuesLost: 3, recordedAt: at },
    {
      section: "hostile input",
      scenario: "fuzz-sync",
      observed: "no 500",
      inputsTried: 1000,
      recordedAt: at,
    },
  ];
  const totals = totalsOf(rowsOf(registered, outcomes));
  assert.equal(totals.scenarios, 3);
  assert.equal(totals.recorded, 2);
  assert.equal(totals.faultsSurvived, 1);
  assert.equal(totals.valuesLost, 0);
  assert.equal(totals.inputsTried, 1000);
  const markdown = renderReliabilityDocument(registered, outcomes);
  assert.match(markdown, /## Hostile input/);
  assert.match(markdown, /`fuzz-sync`/);
  assert.doesNotMatch(markdown, /old-a/);
  assert.match(markdown, /502 \\\| then 200/, "pipes escaped");
  assert.match(markdown, /`b` \| fast \| \*\*not recorded\*\*/);
  assert.match(markdown, /^\| inputs tried \| 1000 \|$/m);
});
