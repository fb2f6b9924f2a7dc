/**
 * Reads back from Vantage (the emulator in the demo) what a person would look at there: a cost
 * report's daily cost and a business metric's daily values, every page followed.
 *
 * @module
 */

/** Where and how to reach the Vantage API. */
export interface VantageAccess {
  /** Base URL including `/v2`. */
  url: string;
  token: string;
}

/**
 * Total cost per day (`YYYY-MM-DD` → USD) of a cost report between two days, both included.
 *
 * @example
 * ```ts
 * const costs = await dailyCosts(access, "rprt_…", "2026-11-21", "2026-11-27");
 * ```
 */
export async function dailyCosts(
  access: VantageAccess,
  reportToken: string,
  from: string,
  to: string,
): Promise<Map<string, number>> {
  const query = new URLSearchParams({
    cost_report_token: reportToken,
    start_date: from,
    end_date: to,
    date_bin: "day",
    limit: "5000",
  });
  const totals = new Map<string, number>();
  for await (const page of pages(access, `${access.url}/costs?${query}`)) {
    for (const cost of page.costs as { accrued_at: string; amount: string }[]) {
      const day = cost.accrued_at.slice(0, 10);
      totals.set(day, (totals.get(day) ?? 0) + Number(cost.amount));
    }
  }
  return totals;
}

/**
 * A business metric's values per day (`YYYY-MM-DD` → amount), labels summed.
 *
 * @example
 * ```ts
 * const orders = await metricValues(access, "bsnss_mtrc_…", "2026-11-21");
 * ```
 */
export async function metricValues(
  access: VantageAccess,
  metricToken: string,
  from: string,
): Promise<Map<string, number>> {
  const query = new URLSearchParams({ start_date: from, limit: "5000" });
  const values = new Map<string, number>();
  for await (
    const page of pages(access, `${access.url}/business_metrics/${metricToken}/values?${query}`)
  ) {
    for (const value of page.values as { date: string; amount: string }[]) {
      const day = value.date.slice(0, 10);
      values.set(day, (values.get(day) ?? 0) + Number(value.amount));
    }
  }
  return values;
}

/** Every page of a paginated Vantage list, following `links.next`. */
async function* pages(
  access: VantageAccess,
  first: string,
): AsyncGenerator<Record<string, unknown>> {
  for (let url: string | null = first; url;) {
    const response: Response = await fetch(url, {
      headers: { authorization: `Bearer ${access.token}`, accept: "application/json" },
    });
    if (!response.ok) {
      throw new Error(
        `Vantage answered ${response.status} to GET ${new URL(url).pathname}: ${await response
          .text()}`,
      );
    }
    const page: Record<string, unknown> = await response.json();
    yield page;
    url = (page.links as { next?: string | null } | undefined)?.next ?? null;
  }
}
