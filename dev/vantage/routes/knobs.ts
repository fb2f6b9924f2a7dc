/**
 * Test knobs over HTTP, for a client in another process (the demo, a CLI run).
 * Mounted at `/_emulator`: outside `/v2`, so never logged, rate limited or failed.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { VantageEmulator } from "../emulator.ts";
import { apiError, parseOrThrow } from "../errors.ts";

const failNextBody = z.object({
  count: z.int().min(0),
  status: z.union([z.int().min(400).max(599), z.literal("drop")]),
  body: z.unknown().optional(),
});
const latencyBody = z.object({ ms: z.number().min(0) });
const rateLimitBody = z.object({
  limit: z.int().min(0),
  windowSeconds: z.int().min(1),
  retryAfter: z.boolean().optional(),
});

/**
 * The knob routes:
 * `POST /fail-next {count, status: 400..599 | "drop", body?}`, `POST /latency {ms}`,
 * `POST /rate-limit {limit, windowSeconds, retryAfter?}`, `POST /reset` (all 204),
 * `GET /requests` → `{requests}`, `GET /values/:token` → `{values}` (stored values, oldest first).
 *
 * @example
 * ```ts
 * app.route("/_emulator", knobRoutes(emulator));
 * // curl -X POST localhost:54330/_emulator/fail-next -d '{"count":1,"status":503}'
 * ```
 */
export function knobRoutes(emulator: VantageEmulator): Hono {
  const app = new Hono();
  const body = async (request: Request) => await request.json().catch(() => undefined);

  app.post("/fail-next", async (c) => {
    const { count, status, body: failure } = parseOrThrow(failNextBody, await body(c.req.raw), 400);
    emulator.failNext(count, status, failure);
    return c.body(null, 204);
  });

  app.post("/latency", async (c) => {
    emulator.setLatency(parseOrThrow(latencyBody, await body(c.req.raw), 400).ms);
    return c.body(null, 204);
  });

  app.post("/rate-limit", async (c) => {
    emulator.setRateLimit(parseOrThrow(rateLimitBody, await body(c.req.raw), 400));
    return c.body(null, 204);
  });

  app.post("/reset", (c) => {
    emulator.reset();
    return c.body(null, 204);
  });

  app.get("/requests", (c) => c.json({ requests: emulator.requests }));

  app.get("/values/:token", (c) => {
    const token = c.req.param("token");
    if (!emulator.state.metric(token)) throw apiError(404, "BusinessMetric not found");
    return c.json({ values: emulator.state.values(token) });
  });

  return app;
}
