/**
 * The pg_net and supabase_vault stand-ins (dev/extensions/), in a test database that has them as
 * a Supabase project would (tests/support/database.ts): requests reach a local server and their
 * responses land in net._http_response; secrets are stored encrypted and only for the right roles.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { createTestDatabase, freePort, type TestDatabase } from "./support/database.ts";

/** What the local server saw of one request. */
interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Headers;
  body: string;
}

/** A server on 127.0.0.1 that records every request and answers with `answer` (201 JSON). */
function recordingServer(answer?: (request: Request) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      seen.push({
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: request.headers,
        body: await request.text(),
      });
      return answer
        ? await answer(request)
        : Response.json({ received: true }, { status: 201, headers: { "x-reply": "yes" } });
    },
  );
  return { url: `http://127.0.0.1:${server.addr.port}`, seen, close: () => server.shutdown() };
}

/** Runs `fn` with a test database and a recording server, and cleans both up. */
async function withServer(
  fn: (db: TestDatabase, server: ReturnType<typeof recordingServer>) => Promise<void>,
  answer?: (request: Request) => Response | Promise<Response>,
): Promise<void> {
  const db = await createTestDatabase();
  const server = recordingServer(answer);
  try {
    await fn(db, server);
  } finally {
    await server.close();
    await db.drop();
  }
}

async function responseRow(sql: postgres.Sql, id: string) {
  const [row] = await sql`
    select status_code, content_type, headers, content, timed_out, error_msg
    from net._http_response where id = ${id}`;
  return row;
}

Deno.test("pg_net stand-in: http_post sends at once, with params, headers and the JSON body", async () => {
  await withServer(async (db, server) => {
    const [{ id }] = await db.sql`
      select net.http_post(
        url := ${server.url + "/functions/v1/sync"},
        body := '{"date": "2026-11-27", "n": [1, 2]}',
        params := '{"q": "a b&c", "page": "2"}',
        headers := '{"Authorization": "Bearer s3cret", "X-Request-Id": "pg-1"}',
        timeout_milliseconds := 5000
      ) as id`;
    const [{ version }] = await db.sql`
      select extversion as version from pg_extension where extname = 'pg_net'`;

    assert.equal(server.seen.length, 1, "sent before the call returned, not after COMMIT");
    const [request] = server.seen;
    assert.equal(request.method, "POST");
    assert.equal(request.path, "/functions/v1/sync");
    assert.deepEqual(request.query, { q: "a b&c", page: "2" });
    assert.equal(request.headers.get("authorization"), "Bearer s3cret");
    assert.equal(request.headers.get("x-request-id"), "pg-1");
    assert.equal(request.headers.get("content-type"), "application/json", "added when missing");
    assert.equal(request.headers.get("user-agent"), `pg_net/${version}`);
    assert.deepEqual(JSON.parse(request.body), { date: "2026-11-27", n: [1, 2] });

    const row = await responseRow(db.sql, id);
    assert.equal(row.status_code, 201);
    assert.equal(row.content_type, "application/json");
    assert.equal(row.headers["x-reply"], "yes");
    assert.deepEqual(JSON.parse(row.content), { received: true });
    assert.equal(row.timed_out, false);
    assert.equal(row.error_msg, null);

    const [result] = await db.sql`
      select (r).status::text as status, (r).message, ((r).response).status_code as code
      from net._http_collect_response(${id}) as r`;
    assert.deepEqual([result.status, result.message, result.code], ["SUCCESS", "ok", 201]);
    const [queue] = await db.sql`select count(*)::int as n from net.http_request_queue`;
    assert.equal(queue.n, 0);
  });
});

Deno.test("pg_net stand-in: http_get and http_delete", async () => {
  await withServer(async (db, server) => {
    const [get] = await db.sql`
      select net.http_get(${server.url + "/runs?limit=5"}, '{"from": "2026-11-01"}',
        '{"X-Trace": "t1"}') as id`;
    const [plainDelete] = await db.sql`select net.http_delete(${server.url + "/runs/7"}) as id`;
    const [bodyDelete] = await db.sql`
      select net.http_delete(${server.url + "/runs"}, body := '{"ids": [7]}') as id`;

    const [getSeen, deleteSeen, bodyDeleteSeen] = server.seen;
    assert.deepEqual([getSeen.method, getSeen.path, getSeen.query, getSeen.body], [
      "GET",
      "/runs",
      { limit: "5", from: "2026-11-01" },
      "",
    ]);
    assert.equal(getSeen.headers.get("x-trace"), "t1");
    assert.deepEqual([deleteSeen.method, deleteSeen.path, deleteSeen.body], [
      "DELETE",
      "/runs/7",
      "",
    ]);
    assert.deepEqual([bodyDeleteSeen.method, JSON.parse(bodyDeleteSeen.body)], [
      "DELETE",
      { ids: [7] },
    ]);
    // libcurl's default for a body without a Content-Type header, which pg_net sends as it is
    assert.equal(bodyDeleteSeen.headers.get("content-type"), "application/x-www-form-urlencoded");
    for (const { id } of [get, plainDelete, bodyDelete]) {
      assert.equal((await responseRow(db.sql, id)).status_code, 201);
    }
  });
});

Deno.test("pg_net stand-in: a refused connection is an error message, no status", async () => {
  const db = await createTestDatabase();
  try {
    const [{ id }] = await db.sql`
      select net.http_post(${`http://127.0.0.1:${freePort()}/sync`}) as id`;
    const row = await responseRow(db.sql, id);
    assert.equal(row.status_code, null);
    assert.equal(row.timed_out, false);
    assert.equal(row.error_msg, "Couldn't connect to server");
    const [result] = await db.sql`
      select (r).status::text as status, (r).message from net._http_collect_response(${id}) as r`;
    assert.deepEqual([result.status, result.message], ["ERROR", "Couldn't connect to server"]);
  } finally {
    await db.drop();
  }
});

Deno.test("pg_net stand-in: a slow server times out after timeout_milliseconds", async () => {
  let release = () => {};
  const released = new Promise<void>((resolve) => release = resolve);
  await withServer(async (db, server) => {
    try {
      const started = performance.now();
      const [{ id }] = await db.sql`
        select net.http_get(${server.url + "/slow"}, timeout_milliseconds := 300) as id`;
      const took = performance.now() - started;
      assert.ok(took >= 250 && took < 2_000, `the call took ${took} ms`);
      const row = await responseRow(db.sql, id);
      assert.equal(row.status_code, null);
      assert.equal(row.timed_out, true);
      assert.match(row.error_msg, /^Timeout of 300 ms reached\. Total time: [\d.]+ ms \(DNS time/);
    } finally {
      release();
    }
  }, async () => {
    await released;
    return new Response("too late");
  });
});

Deno.test("pg_net stand-in: POST refuses a Content-Type other than application/json", async () => {
  await withServer(async (db, server) => {
    await assert.rejects(
      db.sql`select net.http_post(${server.url}, headers := '{"content-TYPE": "text/plain"}')`,
      { message: 'Content-Type header must be "application/json"' },
    );
    // The name is matched without regard to case, as in the docs' own 'Content-type'.
    await db
      .sql`select net.http_post(${server.url}, headers := '{"Content-type": "application/json"}')`;
    assert.equal(server.seen.length, 1);
    assert.equal(server.seen[0].headers.get("content-type"), "application/json");
  });
});

Deno.test("pg_net stand-in: a rolled-back transaction still sent its request", async () => {
  await withServer(async (db, server) => {
    let id = "";
    await assert.rejects(
      db.sql.begin(async (tx) => {
        [{ id }] = await tx`select net.http_post(${server.url + "/once"}) as id`;
        throw new Error("roll back");
      }),
      { message: "roll back" },
    );
    // Unlike pg_net, which sends nothing when the transaction rolls back (dev/extensions/README.md).
    assert.equal(server.seen.length, 1);
    assert.equal(await responseRow(db.sql, id), undefined, "the response row went with it");
  });
});

Deno.test("Vault stand-in: create, read, update; the stored secret is ciphertext", async () => {
  const db = await createTestDatabase();
  try {
    const plaintext = "https://project-ref.supabase.co";
    const [{ id }] = await db.sql`
      select vault.create_secret(${plaintext}, 'project_url', 'where pg_cron calls') as id`;
    const [stored] = await db.sql`select secret, nonce from vault.secrets where id = ${id}`;
    assert.ok(!stored.secret.includes(plaintext) && !stored.secret.includes("supabase"));
    assert.equal(stored.nonce.length, 16);
    const [read] = await db.sql`
      select name, description, decrypted_secret from vault.decrypted_secrets where id = ${id}`;
    assert.deepEqual([read.name, read.description, read.decrypted_secret], [
      "project_url",
      "where pg_cron calls",
      plaintext,
    ]);

    await db.sql`select vault.update_secret(${id}, new_name := 'project_url_2')`;
    await db.sql`select vault.update_secret(${id}, 'https://other.supabase.co', 'project_url')`;
    const [updated] = await db.sql`
      select name, description, decrypted_secret, created_at < updated_at as touched
      from vault.decrypted_secrets where id = ${id}`;
    assert.equal(updated.touched, true, "updated_at moves");
    assert.deepEqual([updated.name, updated.description, updated.decrypted_secret], [
      "project_url",
      "where pg_cron calls",
      "https://other.supabase.co",
    ]);

    const [empty] = await db.sql`select vault.create_secret('') as id`;
    const [emptyRead] = await db.sql`
      select name, decrypted_secret from vault.decrypted_secrets where id = ${empty.id}`;
    assert.deepEqual([emptyRead.name, emptyRead.decrypted_secret], [null, ""]);

    await assert.rejects(db.sql`select vault.create_secret('again', 'project_url')`, {
      code: "23505",
    });

    // A ciphertext is bound to its row: moved to another row, it does not decrypt.
    await db.sql`update vault.secrets set secret = ${stored.secret} where id = ${empty.id}`;
    await assert.rejects(
      db.sql`select decrypted_secret from vault.decrypted_secrets where id = ${empty.id}`,
      { message: /invalid ciphertext/ },
    );
  } finally {
    await db.drop();
  }
});

Deno.test("Vault stand-in: the statements the Supabase CLI runs for [db.vault]", async () => {
  const db = await createTestDatabase();
  try {
    // apps/cli-go/pkg/vault/batch.go: read, then update the known names and create the others.
    await db.sql`select vault.create_secret('old-url', 'unit_economics_project_url')`;
    const names = ["unit_economics_project_url", "unit_economics_sync_secret"];
    const known = await db.sql`select id, name from vault.secrets where name = any(${names})`;
    assert.deepEqual(known.map((row) => row.name), ["unit_economics_project_url"]);
    await db.sql`select vault.update_secret(${known[0].id}, ${"http://127.0.0.1:54321"})`;
    await db.sql`select vault.create_secret(${"s3cret"}, ${"unit_economics_sync_secret"})`;
    const secrets = await db.sql`
      select name, decrypted_secret from vault.decrypted_secrets order by name`;
    assert.deepEqual(secrets.map((row) => [row.name, row.decrypted_secret]), [
      ["unit_economics_project_url", "http://127.0.0.1:54321"],
      ["unit_economics_sync_secret", "s3cret"],
    ]);
  } finally {
    await db.drop();
  }
});

Deno.test("Vault stand-in: anon and authenticated are refused; service_role may", async () => {
  const db = await createTestDatabase();
  try {
    await db.sql`select vault.create_secret('s3cret', 'unit_economics_sync_secret')`;
    for (const role of ["anon", "authenticated"]) {
      await assert.rejects(
        db.sql.begin(async (tx) => {
          await tx`select set_config('role', ${role}, true)`;
          await tx`select decrypted_secret from vault.decrypted_secrets`;
        }),
        { code: "42501" },
        `${role} read the secrets`,
      );
      await assert.rejects(
        db.sql.begin(async (tx) => {
          await tx`select set_config('role', ${role}, true)`;
          await tx`select vault.create_secret('x', 'y')`;
        }),
        { code: "42501" },
        `${role} created a secret`,
      );
    }
    const [row] = await db.sql.begin(async (tx) => {
      await tx`select set_config('role', 'service_role', true)`;
      await tx`select vault.create_secret('by service_role', 'service_secret')`;
      return await tx`
        select decrypted_secret from vault.decrypted_secrets where name = 'service_secret'`;
    });
    assert.equal(row.decrypted_secret, "by service_role");
    const [root] = await db.sql`
      select has_table_privilege('service_role', 'vault._stand_in_root_key', 'select') as readable`;
    assert.equal(root.readable, false, "the key stays with the owner");
  } finally {
    await db.drop();
  }
});
