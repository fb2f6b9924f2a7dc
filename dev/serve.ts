/**
 * `deno task serve`: serves the function the way the Supabase gateway does, at
 * `http://127.0.0.1:$PORT/functions/v1/unit-economics/…` (PORT default 54321), so supabase-js
 * clients and pg_net work unchanged. Configuration comes from the environment, as on Supabase.
 *
 * @module
 */
import { createApp } from "../functions/unit-economics/app.ts";
import { serveLikeGateway } from "./gateway.ts";

const port = Number(Deno.env.get("PORT") ?? 54321);
const { app } = createApp({ env: (name) => Deno.env.get(name) });
const server = serveLikeGateway(app.fetch, { port });
console.error(`unit-economics function served at ${server.url}unit-economics`);
