/**
 * Reads a request's JSON body and checks it with zod, answering 400 `invalid_body` with the field
 * and the reason. An empty body counts as `{}`, so `POST /sync` with no body runs the default window.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { AppError } from "../_shared/errors.ts";
import { describeIssues } from "../_shared/sync-request.ts";

/** Largest accepted request body. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Refuses bodies over {@link MAX_BODY_BYTES} with 413 `payload_too_large`.
 *
 * @example
 * ```ts
 * app.post("/sync", limitBody, handler);
 * ```
 */
export const limitBody: MiddlewareHandler = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new AppError("payload_too_large", `The body is larger than ${MAX_BODY_BYTES} bytes`);
  },
});

/**
 * The parsed and validated body.
 *
 * @example
 * ```ts
 * const request = await readJsonBody(c, syncRequestSchema);
 * ```
 */
export async function readJsonBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const text = await c.req.text();
  let json: unknown = {};
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new AppError(
        "invalid_body",
        `The body is not valid JSON (${(error as Error).message})`,
      );
    }
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new AppError("invalid_body", "The body must be a JSON object");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const { message, details } = describeIssues(parsed.error);
    throw new AppError("invalid_body", `Invalid request body: ${message}`, { details });
  }
  return parsed.data;
}
