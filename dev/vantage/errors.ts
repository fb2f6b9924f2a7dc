/**
 * Vantage's error shape, `{"errors": string[]}`, for every failure the emulator answers.
 *
 * @module
 */

import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";

/**
 * An exception that renders as `{"errors": [...messages]}` with `status`.
 *
 * @example
 * ```ts
 * throw apiError(404, "BusinessMetric not found");
 * ```
 */
export function apiError(status: ContentfulStatusCode, ...messages: string[]): HTTPException {
  return new HTTPException(status, { message: messages.join("; "), cause: messages });
}

/**
 * Hono `onError` handler: API errors keep their status and messages; anything else is a 500.
 *
 * @example
 * ```ts
 * app.onError(renderError);
 * ```
 */
export function renderError(error: Error, c: Context): Response {
  if (error instanceof HTTPException) {
    const messages = Array.isArray(error.cause) ? error.cause : [error.message];
    return c.json({ errors: messages }, error.status);
  }
  console.error(error);
  return c.json({ errors: [`Internal emulator error: ${error.message}`] }, 500);
}

/**
 * Validates with a zod schema; failures become an {@link apiError} naming each field,
 * e.g. `values[2].amount must be a number`.
 *
 * @example
 * ```ts
 * const limit = parseOrThrow(z.number(), input, 400);
 * ```
 */
export function parseOrThrow<T>(
  schema: z.ZodType<T>,
  input: unknown,
  status: ContentfulStatusCode,
): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw apiError(
    status,
    ...result.error.issues.map((issue) => {
      const field = formatPath(issue.path);
      return field ? `${field} ${issue.message}` : issue.message;
    }),
  );
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) =>
      typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    "",
  );
}
