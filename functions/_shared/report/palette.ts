/**
 * The report's colours, shared by the chart and the page so a rise looks the same in both. Blue
 * and orange stay apart for the common colour-vision deficiencies; every meaning carried by a
 * colour is also carried by a shape or a word (▲ rise, ▼ fall, hatching for provisional days).
 *
 * @module
 */

/** Colours by role; text colours keep at least 4.5:1 against white. */
export const PALETTE = {
  ink: "#1c2430",
  muted: "#566170",
  grid: "#e4e7eb",
  axis: "#8a939e",
  weekend: "#eef0f3",
  costBar: "#7d93ab",
  costText: "#3f5468",
  hatch: "#7d93ab",
  amount: "#a85400",
  costPerUnit: "#1d5fa6",
  rise: "#b83a00",
  fall: "#0a7357",
  halo: "#ffffff",
} as const;
