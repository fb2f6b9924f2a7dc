/**
 * The README's first command: `deno task demo` works with nothing set up and ends by itself.
 */
import assert from "node:assert/strict";
import { formatCostPerOrder } from "../dev/demo/cost-per-order.ts";

Deno.test("deno task demo syncs over HTTP and prints cost per order for 7 days, exit 0", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "demo"],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, stdout + new TextDecoder().decode(output.stderr));
  assert.match(stdout, /HTTP 200/);
  assert.match(stdout, /trigger cron/);
  const rows = stdout.split("\n").filter((line) =>
    /^\d{4}-\d{2}-\d{2} \w{3}\s+\d+\s+\$\d+\.\d{2}\s+\$\d+\.\d{2}$/.test(line)
  );
  assert.equal(rows.length, 7, stdout);
});

Deno.test("cost per order is empty, not infinite, on a day without orders", () => {
  const table = formatCostPerOrder(
    { from: "2026-11-26", to: "2026-11-27" },
    new Map([["2026-11-26", 0], ["2026-11-27", 4]]),
    new Map([["2026-11-26", 100], ["2026-11-27", 10]]),
  );
  const [, , zeroDay, normalDay] = table.split("\n");
  assert.match(zeroDay, /^2026-11-26 Thu\s+0\s+\$100\.00\s+-$/);
  assert.match(normalDay, /^2026-11-27 Fri\s+4\s+\$10\.00\s+\$2\.50$/);
});
