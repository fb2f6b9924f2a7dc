import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { renderReportPage } from "../../functions/_shared/report/page.ts";
import { withBrowser } from "../support/browser.ts";
import { sampleReport, SPIKE_DAY } from "./fixture.ts";

const ARTIFACTS = new URL("../artifacts/", import.meta.url);
const VIEWS = [
  { name: "desktop", viewport: { width: 1280, height: 800 }, chart: ".chart-wide", scale: 1 },
  { name: "phone", viewport: { width: 390, height: 844 }, chart: ".chart-narrow", scale: 2 },
] as const;

interface Box {
  text: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

Deno.test({
  name: "the report page reads well in Chromium at desktop and phone widths",
  // playwright keeps its pipe to Chromium open between steps.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const report = sampleReport();
    const html = renderReportPage(report);
    const expectedPoints = report.series[0].days.filter((day) => day.costPerUnit !== null).length;
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () => new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } }),
    );
    const origin = `http://127.0.0.1:${server.addr.port}`;
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    try {
      await withBrowser(async (browser) => {
        for (const view of VIEWS) {
          await t.step(`${view.name} ${view.viewport.width}×${view.viewport.height}`, async () => {
            const context = await browser.newContext({
              viewport: view.viewport,
              deviceScaleFactor: view.scale,
            });
            const page = await context.newPage();
            const problems: string[] = [];
            page.on("console", (message) => {
              if (message.type() === "error") problems.push(`console: ${message.text()}`);
            });
            page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
            page.on("request", (request) => {
              if (!request.url().startsWith(origin)) problems.push(`request: ${request.url()}`);
            });
            await page.goto(`${origin}/`, { waitUntil: "load" });
            await page.screenshot({
              path: new URL(`report-${view.name}.png`, ARTIFACTS).pathname,
              fullPage: true,
            });

            const chart = page.locator(view.chart);
            assert.ok(await chart.isVisible(), `${view.chart} is the chart shown`);
            assert.equal(await chart.locator(".cpu-point").count(), expectedPoints);
            const spike = chart.locator(`.anomaly-mark[data-date="${SPIKE_DAY}"]`);
            assert.ok(await spike.isVisible(), "the spike carries a visible anomaly mark");
            assert.equal(await chart.locator(".anomaly-mark").count(), 1);

            assert.deepEqual(await overflowOutsideTable(page), []);
            if (view.name === "phone") {
              const widths = await page.evaluate<[number, number]>(
                `(({ scrollWidth, clientWidth }) => [scrollWidth, clientWidth])(document.querySelector(".table-scroll"))`,
              );
              assert.ok(widths[0] > widths[1], "the table scrolls inside its own box");
            }
            const texts = await textBoxes(page, view.chart);
            assert.deepEqual(overlaps(texts), [], "no chart labels overlap");
            const smallest = Math.min(...texts.map((box) => box.bottom - box.top));
            assert.ok(smallest >= 10, `chart type is at least 10 px tall on screen (${smallest})`);

            assert.deepEqual(problems, []);
            await context.close();
          });
        }
      });
    } finally {
      await server.shutdown();
    }
  },
});

// The scripts below run in the page; they are strings because this program is type-checked
// without the DOM library.

/** Elements poking out of the viewport sideways, other than inside the table's scroll box. */
function overflowOutsideTable(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    const offenders = [];
    if (document.documentElement.scrollWidth > width) offenders.push("document scrolls sideways");
    for (const node of document.body.querySelectorAll("*")) {
      if (node.closest(".table-scroll")) continue;
      const box = node.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.left < -0.5 || box.right > width + 0.5) {
        offenders.push(node.tagName.toLowerCase() + "." + node.getAttribute("class"));
      }
    }
    return offenders;
  })()`);
}

/** On-screen boxes of every visible text in the chart. */
function textBoxes(page: Page, chart: string): Promise<Box[]> {
  return page.evaluate<Box[]>(
    `[...document.querySelectorAll(${JSON.stringify(`${chart} svg text`)})].map((node) => {
    const { left, right, top, bottom } = node.getBoundingClientRect();
    return { text: node.textContent, left, right, top, bottom };
  })`,
  );
}

function overlaps(boxes: Box[]): string[] {
  const found: string[] = [];
  boxes.forEach((a, i) =>
    boxes.slice(i + 1).forEach((b) => {
      const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top ||
        b.bottom <= a.top;
      if (!apart) found.push(`"${a.text}" × "${b.text}"`);
    })
  );
  return found;
}
