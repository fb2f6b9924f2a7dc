/**
 * The report as a person opens it: a signed link from POST /report-link, opened in Debian's
 * Chromium with no secret, served by the function from real Postgres and the emulator's costs.
 */
import assert from "node:assert/strict";
import { DEFAULT_EMULATOR_TOKEN, SEEDED_COST_REPORT } from "../../dev/vantage/emulator.ts";
import { withBrowser } from "../support/browser.ts";
import { ORDERS_TOKEN, TEST_SECRET, utcDay, withStack } from "../support/stack.ts";

const ARTIFACTS = new URL("../artifacts/", import.meta.url);

Deno.test({
  name: "a signed report link opens in Chromium: one point per day, the injected spike marked",
  // playwright keeps its pipe to Chromium open between steps.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withStack(async (stack) => {
      await fetch(`${stack.vantage.url}/business_metrics/${ORDERS_TOKEN}`, {
        method: "PUT",
        headers: {
          authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          cost_report_tokens_with_metadata: [{
            cost_report_token: SEEDED_COST_REPORT.token,
            unit_scale: "per_unit",
          }],
        }),
      }).then((response) => response.body?.cancel());
      const spike = utcDay(-9);
      await stack.db.sql`delete from public.orders
        where (created_at at time zone 'UTC')::date = ${spike}::date and id % 10 <> 0`;

      const from = utcDay(-30);
      const to = utcDay(-1);
      const created = await fetch(`${stack.url}/report-link`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
        body: JSON.stringify({ metric: "orders", from, to }),
      });
      assert.equal(created.status, 200);
      const { url } = await created.json();

      const direct = await fetch(url);
      assert.equal(direct.status, 200);
      assert.match(direct.headers.get("content-type") ?? "", /text\/html/);
      assert.match(direct.headers.get("content-security-policy") ?? "", /default-src 'none'/);
      const html = await direct.text();
      console.log(`served report: ${new TextEncoder().encode(html).length} bytes`);

      await Deno.mkdir(ARTIFACTS, { recursive: true });
      await withBrowser(async (browser) => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const problems: string[] = [];
        page.on("pageerror", (error) => problems.push(error.message));
        page.on(
          "console",
          (message) => message.type() === "error" && problems.push(message.text()),
        );
        const response = await page.goto(url, { waitUntil: "load" });
        assert.equal(response?.status(), 200);
        await page.screenshot({
          path: new URL("report-served.png", ARTIFACTS).pathname,
          fullPage: true,
        });

        const chart = page.locator(".chart-wide");
        assert.ok(await chart.isVisible());
        const days = await chart.locator(".cpu-point").evaluateAll((points) =>
          points.map((point) => point.getAttribute("data-date"))
        );
        assert.equal(days.length, 30, "one point per day of the window");
        assert.equal(new Set(days).size, 30);
        assert.ok(
          await chart.locator(`.anomaly-mark[data-date="${spike}"]`).isVisible(),
          "the spike is marked",
        );
        assert.match(await page.title(), /Cost per order/);
        assert.deepEqual(problems, []);
      });
    }),
});
