/**
 * JSON parsing that keeps every number's source text, so that an amount such as
 * 9007199254740993 reaches the store unrounded.
 *
 * @module
 */

/**
 * A JSON number, kept as written in the request body.
 *
 * @example
 * ```ts
 * new JsonNumber("1.50").source; // "1.50"
 * ```
 */
export class JsonNumber {
  /**
   * @example
   * ```ts
   * new JsonNumber("1.50").source; // "1.50"
   * ```
   */
  constructor(readonly source: string) {}
}

/**
 * Parses JSON like `JSON.parse`, but every number becomes a {@link JsonNumber}.
 * Throws a `SyntaxError` on malformed input.
 *
 * @example
 * ```ts
 * const body = parseJsonExact('{"amount": 9007199254740993}') as { amount: JsonNumber };
 * body.amount.source; // "9007199254740993"
 * ```
 */
export function parseJsonExact(text: string): unknown {
  // The reviver's third argument is the TC39 "JSON.parse source text access" feature (V8 ≥ 11.4).
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) => {
    if (typeof value !== "number") return value;
    return new JsonNumber(context?.source ?? String(value));
  });
}
