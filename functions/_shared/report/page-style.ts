/**
 * The report page's stylesheet, inlined so the page works offline and from a file. System fonts
 * only; one column that breathes on a desktop and tightens on a phone, where the table scrolls
 * sideways inside its own box and the chart switches to its narrow drawing.
 *
 * @module
 */
import { PALETTE } from "./palette.ts";

/** Below this viewport width the page shows each chart's narrow drawing. */
const NARROW_BREAKPOINT = "56rem";

/**
 * The page's CSS.
 *
 * @example
 * ```ts
 * `<style>${PAGE_STYLE}</style>`;
 * ```
 */
export const PAGE_STYLE = `
:root {
  color-scheme: light;
  --ink: ${PALETTE.ink};
  --muted: ${PALETTE.muted};
  --line: ${PALETTE.grid};
  --paper: #f6f6f3;
  --card: #ffffff;
  --accent: ${PALETTE.costPerUnit};
  --rise: ${PALETTE.rise};
  --fall: ${PALETTE.fall};
  --weekend: #f7f8f9;
}
* { box-sizing: border-box; }
body {
  margin: 0;
  background: var(--paper);
  color: var(--ink);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  -webkit-text-size-adjust: 100%;
}
main { max-width: 68rem; margin: 0 auto; padding: 2.5rem 1.5rem 3rem; }
h1, h2, h3 { line-height: 1.2; margin: 0; }
h1 { font-size: clamp(1.75rem, 4.5vw, 2.5rem); letter-spacing: -0.02em; }
h2 { font-size: 1.25rem; margin: 0 0 0.75rem; }
p { margin: 0 0 0.75rem; }
.eyebrow {
  margin: 0 0 0.4rem;
  color: var(--muted);
  font-size: 0.8rem;
  font-weight: 600;
  letter-spacing: 0.08em;
  text-transform: uppercase;
}
.lede { margin: 0.6rem 0 0; font-size: 1.125rem; color: var(--muted); }
.lede .period { white-space: nowrap; }
.lede strong { color: var(--accent); font-size: 1.35em; font-variant-numeric: tabular-nums; }
header { margin-bottom: 2rem; }
section { margin-top: 2.5rem; }
.series-title { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.25rem 0.75rem; }
.series-title span { color: var(--muted); font-size: 0.9rem; font-weight: 400; }
.figures {
  display: grid;
  grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
  gap: 0.75rem;
  margin: 0 0 1rem;
}
.figure {
  background: var(--card);
  border: 1px solid var(--line);
  border-radius: 0.75rem;
  padding: 0.75rem 1rem;
}
.figure dt { color: var(--muted); font-size: 0.85rem; }
.figure dd {
  margin: 0.15rem 0 0;
  font-size: 1.4rem;
  font-weight: 600;
  font-variant-numeric: tabular-nums;
  overflow-wrap: anywhere;
}
.figure.headline dd { color: var(--accent); }
.figure.alert dd { color: var(--rise); }
.chart {
  margin: 0;
  background: var(--card);
  border: 1px solid var(--line);
  border-radius: 0.75rem;
  padding: 1rem 1rem 0.5rem;
}
.chart svg { display: block; width: 100%; height: auto; }
.chart-narrow { display: none; }
.notes { max-width: 44rem; }
.notes p { color: #333c48; }
.numbers h2 { margin-bottom: 0.5rem; }
.table-scroll {
  /* Contains the visually hidden cell texts too, which would otherwise widen the page. */
  position: relative;
  overflow-x: auto;
  background: var(--card);
  border: 1px solid var(--line);
  border-radius: 0.75rem;
  margin-bottom: 1.5rem;
}
.table-scroll:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
table { width: 100%; min-width: 44rem; border-collapse: collapse; font-size: 0.9rem; }
caption {
  caption-side: top;
  text-align: left;
  /* Stays readable without scrolling when the table is wider than a phone. */
  max-width: calc(100vw - 3.5rem);
  padding: 0.75rem 1rem;
  color: var(--muted);
  font-size: 0.85rem;
}
th, td { padding: 0.4rem 1rem; text-align: left; white-space: nowrap; }
thead th {
  border-bottom: 1px solid var(--ink);
  font-size: 0.8rem;
  font-weight: 600;
  color: var(--muted);
}
tbody th { font-weight: 500; }
tbody tr + tr > * { border-top: 1px solid var(--line); }
tbody tr.weekend > * { background: var(--weekend); }
tbody tr.anomaly-up > * { background: #fff4ee; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.cpu { font-weight: 600; }
.badge {
  display: inline-block;
  padding: 0.05rem 0.5rem;
  border-radius: 999px;
  border: 1px solid currentColor;
  font-size: 0.78rem;
  font-weight: 600;
}
.badge.rise { color: var(--rise); background: #fff; }
.badge.fall { color: var(--fall); background: #fff; }
.badge.provisional { color: var(--muted); border-style: dashed; }
.badge.differs { color: #7a5200; }
.visually-hidden {
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip-path: inset(50%);
  white-space: nowrap;
}
footer {
  margin-top: 2rem;
  padding-top: 1rem;
  border-top: 1px solid var(--line);
  color: var(--muted);
  font-size: 0.8rem;
  overflow-wrap: anywhere;
}
@media (max-width: ${NARROW_BREAKPOINT}) {
  main { padding: 1.5rem 0.875rem 2rem; }
  /* On a phone the figures become one compact list: label left, number right. */
  .figures {
    display: block;
    background: var(--card);
    border: 1px solid var(--line);
    border-radius: 0.75rem;
    padding: 0.25rem 0.875rem;
  }
  .figure {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    gap: 1rem;
    border: 0;
    border-radius: 0;
    padding: 0.45rem 0;
  }
  .figure + .figure { border-top: 1px solid var(--line); }
  .figure dt { font-size: 0.9rem; }
  .figure dd { margin: 0; font-size: 1.05rem; }
  .chart { padding: 0.5rem 0.375rem 0.25rem; }
  .chart-wide { display: none; }
  .chart-narrow { display: block; max-width: 30rem; margin: 0 auto; }
  th, td { padding: 0.4rem 0.75rem; }
}
@media print {
  body { background: #fff; }
  .table-scroll { overflow: visible; }
}
`;
