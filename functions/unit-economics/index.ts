// Entry point of the Supabase Edge Function: serve the app, nothing else (see app.ts).
import { createApp } from "./app.ts";

Deno.serve(createApp({ env: (name) => Deno.env.get(name) }).app.fetch);
