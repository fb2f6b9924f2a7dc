/**
 * `deno task export` against real Postgres: the CSV it writes, uploaded to the emulator's
 * `PUT /business_metrics/{token}/values.csv` as a person would, yields exactly the source's values;
 * labels that need quoting and long decimals survive; the missing-day policy applies; exit codes.
 */
import assert from "node:assert/strict";
import { runCliModule } from "../support/cli.ts";
import { parseAmount } from "../../functions/_shared/decimal.ts";
import { DEFAULT_EMULATOR_TOKEN } from "../../dev/vantage/emulator.ts";
import { type TestStack, utcDay, withStack } from "../support/stack.ts";

function runCli(stack: TestStack, args: string[], env: Record<string, string> = {}) {
  return runCliModule("cli/export.ts", args, {
    UNIT_ECONOMICS_DB_URL: stack.db.functionUrl,
    ...env,
  });
}

/** Uploads a CSV the way the vendor's docs show (`--form csv=@FILE`) to a new metric; its values. */
async function uploadToNewMetric(stack: TestStack, csv: string): Promise<string[]> {
  const { token } = stack.vantage.emulator.createMetric({ title: "Uploaded by hand" });
  const form = new FormData();
  form.append("csv", new Blob([csv], { type: "text/csv" }), "values.csv");
  const response = await fetch(`${stack.vantage.url}/business_metrics/${token}/values.csv`, {
    method: "PUT",
    headers: { authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}` },
    body: form,
  });
  assert.equal(response.status, 200, await response.text());
  return stack.vantage.emulator.state.values(token)
    .map((v) => line(v.date, v.label, v.amount)).sort();
}

/** `date|label|amount` with the amount exact and canonical, for comparing both sides. */
function line(date: string, label: string | null, amount: string): string {
  const parsed = parseAmount(amount);
  assert.equal(parsed.kind, "finite");
  return `${date}|${label ?? ""}|${(parsed as { value: string }).value}`;
}

Deno.test("the exported CSV, uploaded to Vantage, gives exactly the source's labelled values", () =>
  withStack(async (stack) => {
    const [from, to] = [utcDay(-10), utcDay(-1)];
    const { code, stdout, stderr } = await runCli(stack, [
      "--metric",
      "revenue",
      "--from",
      from,
      "--to",
      to,
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout.split("\n")[0], "date,amount,label");
    assert.match(stderr, new RegExp(`Exported \\d+ values of revenue \\(${from}\\.\\.${to}\\)`));

    const source = await stack.db.sql<{ date: string; region: string; revenue: string }[]>`
      select to_char(date, 'YYYY-MM-DD') as date, region, revenue::text as revenue
      from public.daily_revenue where date between ${from}::date and ${to}::date`;
    assert.ok(source.length >= 30);
    assert.deepEqual(
      await uploadToNewMetric(stack, stdout),
      source.map((row) => line(row.date, row.region, row.revenue)).sort(),
    );
  }));

Deno.test("labels with commas and quotes, unlabeled values and long decimals survive the round trip", () =>
  withStack(async (stack) => {
    const day = utcDay(-1);
    await stack.db.sql`create or replace view public.daily_revenue as
      select (current_date - 1)::date as date, 'north, "east"'::text as region,
             12.345::numeric as revenue
      union all select current_date - 1, null, 9007199254740993.5`;
    const { code, stdout } = await runCli(stack, ["--metric", "revenue", "--date", day]);
    assert.equal(code, 0);
    assert.equal(
      stdout,
      `date,amount,label\n${day},9007199254740993.5,\n${day},12.345,"north, ""east"""\n`,
    );
    assert.deepEqual(
      await uploadToNewMetric(stack, stdout),
      [`${day}||9007199254740993.5`, `${day}|north, "east"|12.345`].sort(),
    );
  }));

Deno.test("--out writes the file; a day without orders is left out, or exported as 0 under the zero policy", () =>
  withStack(async (stack) => {
    const quiet = utcDay(-3);
    await stack.db
      .sql`delete from public.orders where (created_at at time zone 'UTC')::date = ${quiet}::date`;
    const dir = await Deno.makeTempDir();
    try {
      const window = ["--from", utcDay(-5), "--to", utcDay(-1)];
      const orders = await runCli(stack, [
        "--metric",
        "orders",
        ...window,
        "--out",
        `${dir}/o.csv`,
      ]);
      assert.equal(orders.code, 0);
      assert.equal(orders.stdout, "");
      assert.match(
        orders.stderr,
        /Exported 4 values of orders .* to .*o\.csv; days without a source value left out: 1/,
      );
      const ordersCsv = await Deno.readTextFile(`${dir}/o.csv`);
      assert.ok(!ordersCsv.includes(quiet));

      const customers = await runCli(stack, [
        "--metric",
        "active_customers",
        ...window,
        "--out",
        `${dir}/c.csv`,
      ]);
      assert.equal(customers.code, 0);
      const lines = (await Deno.readTextFile(`${dir}/c.csv`)).trimEnd().split("\n");
      assert.equal(lines.length, 6);
      assert.ok(lines.includes(`${quiet},0,`));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }));

Deno.test("export exits 2 on bad usage and 1 on invalid source rows", () =>
  withStack(async (stack) => {
    const noMetric = await runCli(stack, []);
    assert.equal(noMetric.code, 2);
    assert.match(noMetric.stderr, /--metric is required/);

    const unknown = await runCli(stack, ["--metric", "nope"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown_metric: Unknown metric "nope"/);

    assert.equal((await runCli(stack, ["--metric", "orders", "--output", "x"])).code, 2);
    const both = await runCli(stack, [
      "--metric",
      "orders",
      "--date",
      utcDay(-1),
      "--from",
      utcDay(-2),
    ]);
    assert.equal(both.code, 2);
    assert.equal((await runCli(stack, ["--metric", "orders", "--date", utcDay(3)])).code, 2);
    const noDatabase = await runCli(stack, ["--metric", "orders"], { UNIT_ECONOMICS_DB_URL: "" });
    assert.equal(noDatabase.code, 2);

    await stack.db.sql`create or replace view public.total_orders as
      select (current_date - 1)::date as date, (-5)::integer as total_orders`;
    const invalid = await runCli(stack, ["--metric", "orders"]);
    assert.equal(invalid.code, 1);
    assert.equal(invalid.stdout, "");
    assert.match(invalid.stderr, /invalid_source_data: .*negative/);
  }));
