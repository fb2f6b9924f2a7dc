import assert from "node:assert/strict";
import {
  formatAmount,
  formatAmountTick,
  formatCostPerUnit,
  formatDay,
  formatMoney,
  formatMoneyTick,
  formatWindow,
  unitName,
  weekday,
} from "../../functions/_shared/report/format.ts";
import { element, escapeMarkup, text } from "../../functions/_shared/report/markup.ts";
import { linePath } from "../../functions/_shared/report/d3.ts";

Deno.test("markup escapes text and attribute values and drops absent attributes", () => {
  assert.equal(
    escapeMarkup(`<b>"R&D" 'x'</b>`),
    "&lt;b&gt;&quot;R&amp;D&quot; &#39;x&#39;&lt;/b&gt;",
  );
  assert.equal(
    element("rect", { class: `a"b`, x: 1.005, y: 2 / 3, hidden: false, title: null, open: true }),
    '<rect class="a&quot;b" x="1" y="0.67" open/>',
  );
  assert.equal(element("div", {}), "<div></div>", "HTML elements are never self-closed");
  assert.equal(element("p", {}, text("a < b")), "<p>a &lt; b</p>");
});

Deno.test("money: currency symbols, cents, compact thousands, unknown codes", () => {
  assert.equal(formatMoney(1234.5, "USD"), "$1,234.50");
  assert.equal(formatMoney(12_300, "USD", { compact: true }), "$12.3K");
  assert.equal(formatMoney(3, "EUR", { digits: 0 }), "€3");
  assert.equal(formatMoney(-42, "USD"), "-$42.00");
  assert.equal(formatMoney(5, "not a code"), "5.00 not a code");
});

Deno.test("cost per unit keeps three significant digits below a dollar", () => {
  assert.equal(formatCostPerUnit(0.4567, "USD"), "$0.457");
  assert.equal(formatCostPerUnit(12.345, "USD"), "$12.35");
  assert.equal(formatCostPerUnit(0.004213, "USD"), "$0.00421");
  assert.equal(formatCostPerUnit(0, "USD"), "$0.00");
});

Deno.test("ticks carry as many decimals as their step needs", () => {
  assert.equal(formatMoneyTick(0.4, 0.2, "USD"), "$0.40");
  assert.equal(formatMoneyTick(0.004, 0.002, "USD"), "$0.004");
  assert.equal(formatMoneyTick(1500, 500, "USD"), "$1,500");
  assert.equal(formatMoneyTick(20_000, 5000, "USD"), "$20K");
  assert.equal(formatAmountTick(2500), "2,500");
  assert.equal(formatAmountTick(25_000), "25K");
  assert.equal(formatAmount(12_345.678), "12,345.68");
});

Deno.test("dates are calendar days, independent of the server's zone", () => {
  assert.equal(formatDay("2026-03-01"), "Mar 1");
  assert.equal(weekday("2026-03-01"), "Sun");
  assert.equal(formatWindow("2026-03-01", "2026-03-30"), "Mar 1 – Mar 30, 2026");
  assert.equal(formatWindow("2025-12-20", "2026-01-05"), "Dec 20, 2025 – Jan 5, 2026");
});

Deno.test("unit names follow the metric's title and unit scale", () => {
  assert.equal(unitName("Orders", 1), "order");
  assert.equal(unitName("Page views", 1000), "1,000 page views");
  assert.equal(unitName("API calls", 1), "API call");
  assert.equal(unitName("Revenue", 1), "revenue");
  assert.equal(unitName("Business", 1), "business");
  assert.equal(unitName("Requests", 1_000_000), "1 million requests");
  assert.equal(unitName(" ", 1), "unit");
});

Deno.test("line paths break at nulls", () => {
  const data: [number, number | null][] = [[0, 1], [1, null], [2, 3], [3, 4]];
  assert.equal(linePath(data, ([x]) => x, ([, y]) => y), "M0,1ZM2,3L3,4");
  assert.equal(linePath([], (x: number) => x, () => null), "");
});
