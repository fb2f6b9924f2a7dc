/**
 * The shape of a cost-per-unit report: what `GET /unit-costs` answers and what the HTML report and
 * its chart are drawn from.
 *
 * @module
 */
import type { IsoDate } from "../dates.ts";
import type { UnitScale } from "../metrics.ts";

/** How far a day's cost per unit departs from its trailing baseline. */
export interface Anomaly {
  /** `up`: cost per unit rose (the wrong way); `down`: it fell. */
  direction: "up" | "down";
  /** Median cost per unit of the trailing baseline days. */
  baseline: number;
  /** Departure in robust standard deviations (scaled MAD): (value − median) ÷ (1.4826 × MAD). */
  score: number;
  /** Departure relative to the baseline, in percent. */
  changePercent: number;
}

/** One day of one cost report attachment. */
export interface UnitCostDay {
  date: IsoDate;
  /** Saturday or Sunday. */
  weekend: boolean;
  /** Total cost of the cost report that day, in `currency`; null when Vantage has none. */
  cost: number | null;
  /** The metric's amount that day (labels in the attachment's label filter, summed); null when missing. */
  amount: number | null;
  /** cost ÷ (amount ÷ scale); null when cost or amount is missing, or the amount is zero. */
  costPerUnit: number | null;
  /** Cost data lags about two days: a recent day's cost may still rise. */
  provisional: boolean;
  /** Vantage's own figure from `GET /unit_costs`, when available. */
  vantageCostPerUnit: number | null;
  /** Ours and Vantage's differ by more than the tolerance. */
  disagreement: boolean;
  /** Set when the day departs from its trailing baseline. */
  anomaly: Anomaly | null;
}

/** The series of one cost report the metric is attached to. */
export interface UnitCostSeries {
  costReportToken: string;
  costReportTitle: string | null;
  unitScale: UnitScale;
  /** 1, 100, 1000, … as the unit scale says. */
  scale: number;
  /** Label filter of the attachment (`""` is unlabeled); null: every label counts. */
  labelFilter: string[] | null;
  currency: string;
  days: UnitCostDay[];
  /** Whether Vantage's `/unit_costs` answered for this report (it may need a paid plan). */
  vantageUnitCostsAvailable: boolean;
  summary: {
    totalCost: number;
    totalAmount: number;
    /** Total cost ÷ (total amount ÷ scale) over the window; null without amounts. */
    costPerUnit: number | null;
    anomalies: number;
    provisionalDays: number;
  };
}

/** A cost-per-unit report for one metric and window. */
export interface UnitCostReport {
  metric: { key: string; title: string; token: string };
  window: { from: IsoDate; to: IsoDate };
  generatedAt: string;
  /**
   * The anomaly rule's numbers, for the page to state: a day is compared with the days of the same
   * kind (weekday or weekend) among the previous `baselineDays`.
   */
  anomalyRule: { baselineDays: number; minimumBaselineDays: number; threshold: number };
  series: UnitCostSeries[];
}
