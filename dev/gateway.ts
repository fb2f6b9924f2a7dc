/**
 * A local stand-in for the Supabase gateway's function routing: `/functions/v1/<slug>/…` reaches
 * the function as `/<slug>/…`, and anything else is a 404, as on Supabase.
 *
 * @module
 */

/** Path prefix under which the gateway routes functions. */
export const FUNCTIONS_PREFIX = "/functions/v1";

/** A served gateway. */
export interface ServedGateway {
  /** Base URL of the functions, ending with `/functions/v1/`. */
  url: string;
  port: number;
  shutdown(): Promise<void>;
}

/**
 * Strips the gateway's prefix and hands the request to the function's fetch handler.
 *
 * @example
 * ```ts
 * const handler = gatewayHandler(app.fetch);
 * await handler(new Request("http://localhost/functions/v1/unit-economics/health"));
 * ```
 */
export function gatewayHandler(fetch: (request: Request) => Response | Promise<Response>) {
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(`${FUNCTIONS_PREFIX}/`)) {
      return Response.json({
        error: { code: "not_found", message: `Functions live under ${FUNCTIONS_PREFIX}/<name>` },
      }, { status: 404 });
    }
    url.pathname = url.pathname.slice(FUNCTIONS_PREFIX.length);
    // Buffered, so the function sees a Content-Length as behind the real gateway; and not
    // `new Request(url, request)`, which would carry over the incoming request's abort signal.
    const body = request.body ? await request.arrayBuffer() : undefined;
    return await fetch(
      new Request(url, { method: request.method, headers: request.headers, body }),
    );
  };
}

/**
 * Serves `fetch` behind the gateway prefix on 127.0.0.1.
 *
 * @example
 * ```ts
 * const gateway = serveLikeGateway(app.fetch, { port: 0 });
 * console.log(gateway.url); // http://127.0.0.1:PORT/functions/v1/
 * await gateway.shutdown();
 * ```
 */
export function serveLikeGateway(
  fetch: (request: Request) => Response | Promise<Response>,
  options: { port: number },
): ServedGateway {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: options.port, onListen: () => {} },
    gatewayHandler(fetch),
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}${FUNCTIONS_PREFIX}/`,
    port: server.addr.port,
    shutdown: () => server.shutdown(),
  };
}
