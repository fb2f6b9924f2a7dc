/**
 * `deno task report`: the same page as GET /report, written to a file, plus a text chart.
 */
import assert from "node:assert/strict";
import { DEFAULT_EMULATOR_TOKEN, SEEDED_COST_REPORT } from "../../dev/vantage/emulator.ts";
import { runCliModule, stackCliEnv } from "../support/cli.ts";
import { ORDERS_TOKEN, type TestStack, utcDay, withStack } from "../support/stack.ts";

function report(stack: TestStack, args: string[]) {
  return runCliModule("cli/report.ts", args, stackCliEnv(stack));
}

Deno.test("deno task report writes the self-contained page and prints a text chart", () =>
  withStack(async (stack) => {
    await fetch(`${stack.vantage.url}/business_metrics/${ORDERS_TOKEN}`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        cost_report_tokens_with_metadata: [{ cost_report_token: SEEDED_COST_REPORT.token }],
      }),
    }).then((response) => response.body?.cancel());
    const out = await Deno.makeTempFile({ suffix: ".html" });
    try {
      const result = await report(stack, [
        "--metric",
        "orders",
        "--from",
        utcDay(-14),
        "--to",
        utcDay(-1),
        "--out",
        out,
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /Cost per order, \S+\.\.\S+ \(All AWS costs\): \d+\.\d{4} USD overall/,
      );
      assert.match(result.stdout, /[▁▂▃▄▅▆▇█]{14}/);
      assert.match(result.stdout, new RegExp(`Wrote ${out} \\(\\d[\\d,]* bytes\\)`));
      const html = await Deno.readTextFile(out);
      assert.match(html, /^<!doctype html>/i);
      assert.equal(
        (html.match(/class="cpu-point"/g) ?? []).length,
        28,
        "14 days, drawn in the wide and the narrow chart",
      );
      assert.doesNotMatch(html, /(src|href)="https?:/);
    } finally {
      await Deno.remove(out);
    }
    const unknown = await report(stack, ["--metric", "nope"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown_metric/);
  }));
