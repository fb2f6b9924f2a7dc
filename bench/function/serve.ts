/**
 * The function as `deno task serve` serves it (dev/serve.ts), but with the benchmark's five metric
 * declarations: the process whose wall time and peak RSS the backfill measurement reports.
 *
 * @module
 */
import { createApp } from "../../functions/unit-economics/app.ts";
import { serveLikeGateway } from "../../dev/gateway.ts";
import { FIVE_METRICS } from "../five-metrics.ts";

const port = Number(Deno.env.get("PORT") ?? 54321);
const { app } = createApp({ env: (name) => Deno.env.get(name), metrics: FIVE_METRICS });
serveLikeGateway(app.fetch, { port });
