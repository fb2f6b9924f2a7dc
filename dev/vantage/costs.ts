/**
 * Synthetic, deterministic AWS daily costs: the same seed and day always give the same amount.
 *
 * @module
 */

import { addDays, isWeekend } from "./dates.ts";
import type { Decimal } from "./decimal.ts";

/**
 * A service that accrues synthetic cost.
 *
 * @example
 * ```ts
 * const lambda: SyntheticService = { name: "AWS Lambda", dailyCents: 800, weekendFactor: 0.7 };
 * ```
 */
export interface SyntheticService {
  /** Service name as Vantage shows it. */
  name: string;
  /** Typical weekday cost, in cents. */
  dailyCents: number;
  /** Multiplier on Saturdays and Sundays (traffic-driven services drop). */
  weekendFactor: number;
}

/**
 * One day of one service's cost.
 *
 * @example
 * ```ts
 * const row: DailyCost = syntheticCosts(AWS_SERVICES, "2024-01-02", "2024-01-02", "2024-03-01", 1)[0];
 * ```
 */
export interface DailyCost {
  /** `YYYY-MM-DD`. */
  date: string;
  /** Always `"aws"`. */
  provider: "aws";
  /** Service name. */
  service: string;
  /** AWS account id. */
  account_id: string;
  /** Exact amount in USD (whole cents). */
  amount: Decimal;
}

/**
 * The services of the seeded report: about 300 USD on a weekday.
 *
 * @example
 * ```ts
 * AWS_SERVICES.map((service) => service.name); // ["Amazon Elastic Compute Cloud - Compute", …]
 * ```
 */
export const AWS_SERVICES: readonly SyntheticService[] = [
  { name: "Amazon Elastic Compute Cloud - Compute", dailyCents: 16_000, weekendFactor: 0.8 },
  { name: "Amazon Relational Database Service", dailyCents: 8_500, weekendFactor: 1 },
  { name: "Amazon Simple Storage Service", dailyCents: 2_400, weekendFactor: 1 },
  { name: "Amazon CloudFront", dailyCents: 1_800, weekendFactor: 0.6 },
];

/** The account every synthetic cost belongs to. */
const AWS_ACCOUNT_ID = "123456789012";

// AWS bills arrive late: today's and yesterday's costs are still provisional, hence lower.
const LAGGING_FACTORS = [0.35, 0.7];
const NOISE = 0.2;

/**
 * Daily costs from `start` to `end` inclusive, never after `today`, in date then service order.
 *
 * @example
 * ```ts
 * const rows = syntheticCosts(AWS_SERVICES, "2024-01-01", "2024-01-02", "2024-03-01", 1);
 * rows.length; // 8 (2 days × 4 services)
 * ```
 */
export function syntheticCosts(
  services: readonly SyntheticService[],
  start: string,
  end: string,
  today: string,
  seed: number,
): DailyCost[] {
  const rows: DailyCost[] = [];
  const last = end < today ? end : today;
  for (let day = start; day <= last; day = addDays(day, 1)) {
    const lag = LAGGING_FACTORS[daysBetween(day, today)] ?? 1;
    const weekend = isWeekend(day);
    for (const service of services) {
      const noise = 1 - NOISE / 2 + NOISE * unitHash(`${seed}|${day}|${service.name}`);
      const factor = (weekend ? service.weekendFactor : 1) * noise * lag;
      rows.push({
        date: day,
        provider: "aws",
        service: service.name,
        account_id: AWS_ACCOUNT_ID,
        amount: { units: BigInt(Math.round(service.dailyCents * factor)), scale: 2 },
      });
    }
  }
  return rows;
}

function daysBetween(day: string, today: string): number {
  return Math.round((Date.parse(today) - Date.parse(day)) / 86_400_000);
}

// FNV-1a: a tiny stable hash, so amounts depend on (seed, day, service) and nothing else.
function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 0x1_0000_0000;
}
