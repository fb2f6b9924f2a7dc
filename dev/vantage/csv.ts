/**
 * The business-metric CSV format: a `date,amount,label` header (`label` optional, any column
 * order), `YYYY-MM-DD` dates, numeric amounts.
 *
 * @module
 */

import { parseStrictDay } from "./dates.ts";
import { canonicalDecimal } from "./decimal.ts";
import type { ValueChange } from "./state.ts";

/**
 * The parsed rows, or every problem found, each naming its line (the header is line 1).
 *
 * @example
 * ```ts
 * const result: CsvResult = parseMetricCsv("date,amount\n2024-01-01,1\n");
 * ```
 */
export type CsvResult = { ok: true; changes: ValueChange[] } | { ok: false; errors: string[] };

/**
 * Parses a metric CSV upload. Quoted fields (`"a,b"`, `""` for a quote) are supported;
 * blank lines are skipped.
 *
 * @example
 * ```ts
 * parseMetricCsv("date,amount,label\n2024-01-01,12,web\n");
 * // { ok: true, changes: [{ date: "2024-01-01", amount: "12.0", label: "web" }] }
 * parseMetricCsv("date,amount\n2024-13-01,1\n");
 * // { ok: false, errors: ["line 2: date must be YYYY-MM-DD, got '2024-13-01'"] }
 * ```
 */
export function parseMetricCsv(text: string): CsvResult {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? "").map((name) => name.trim().toLowerCase());
  const column = (name: string) => header.indexOf(name);
  if (column("date") < 0 || column("amount") < 0) {
    return { ok: false, errors: ["line 1: the header must name the columns date and amount"] };
  }
  const changes: ValueChange[] = [];
  const errors: string[] = [];
  lines.slice(1).forEach((line, index) => {
    if (line.trim() === "") return;
    const fields = splitCsvLine(line);
    const where = `line ${index + 2}`;
    const dateText = (fields[column("date")] ?? "").trim();
    const amountText = (fields[column("amount")] ?? "").trim();
    const date = parseStrictDay(dateText);
    const amount = canonicalDecimal(amountText);
    if (!date) errors.push(`${where}: date must be YYYY-MM-DD, got '${dateText}'`);
    if (!amount) errors.push(`${where}: amount must be a number, got '${amountText}'`);
    if (date && amount) {
      const label = column("label") < 0 ? "" : (fields[column("label")] ?? "").trim();
      changes.push({ date, amount, label: label || null });
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, changes };
}

function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      fields.push(field);
      field = "";
    } else field += char;
  }
  fields.push(field);
  return fields;
}
