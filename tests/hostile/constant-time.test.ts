/**
 * The secret and the report-link signatures are compared in constant time. Proven by reading the
 * code, not by timing it: the middleware that guards the routes is Hono's bearer auth, which
 * compares with `timingSafeEqual` (SHA-256 of both sides, then a compare that does not stop at the
 * first difference); signed links are checked with the same helper; and no product source compares
 * a secret or a signature with `===`.
 *
 * No statistical timing test: the difference a naive `===` makes (nanoseconds) is far below the
 * noise of an in-process request (tens of microseconds), so such a test would pass for the naive
 * code too, or be flaky; it would prove nothing either way.
 */
import assert from "node:assert/strict";
import { bearerAuth } from "hono/bearer-auth";
import { timingSafeEqual } from "hono/utils/buffer";
import { readConfig } from "../../functions/_shared/config.ts";
import { requireSyncSecret } from "../../functions/unit-economics/auth.ts";
import { linkKey, signGrant, verifyGrant } from "../../functions/unit-economics/report-links.ts";
import { recordOutcome } from "../support/reliability.ts";
import { TEST_SECRET } from "../support/stack.ts";

const ROOT = new URL("../../", import.meta.url);

async function source(path: string): Promise<string> {
  return await Deno.readTextFile(new URL(path, ROOT));
}

/** Every TypeScript file of the product (the function and the CLI). */
async function productSources(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
      const path = `${dir}${entry.name}`;
      if (entry.isDirectory) await walk(`${path}/`);
      else if (entry.name.endsWith(".ts")) files.set(path, await source(path));
    }
  };
  await walk("functions/");
  await walk("cli/");
  return files;
}

Deno.test("the sync secret is checked by Hono's bearer auth, which compares in constant time", async () => {
  const auth = await source("functions/unit-economics/auth.ts");
  assert.match(auth, /import \{ bearerAuth \} from "hono\/bearer-auth";/);
  assert.match(auth, /return bearerAuth\(\{\s*token: config\.syncSecret,/);
  assert.doesNotMatch(auth, /verifyToken|hashFunction/, "no compare of our own replaces Hono's");

  // The middleware the routes get is Hono's own function, not a wrapper around another check.
  const config = readConfig((name) =>
    name === "UNIT_ECONOMICS_SYNC_SECRET" ? TEST_SECRET : undefined
  );
  assert.equal(requireSyncSecret(config).name, "bearerAuth");

  // And Hono's bearer auth compares the configured token with timingSafeEqual, which hashes both.
  const hono = bearerAuth.toString();
  assert.match(hono, /timingSafeEqual\(options\.token, tokenValue, options\.hashFunction\)/);
  assert.doesNotMatch(
    hono,
    /\b(?:options\.token|token|tokenValue)\s*[!=]==?\s*(?:tokenValue|token)\b/,
  );
  const compare = timingSafeEqual.toString();
  assert.match(compare, /hashFunction|sha256/, "both sides are hashed before they are compared");
  assert.equal(await timingSafeEqual(TEST_SECRET, TEST_SECRET), true);
  assert.equal(await timingSafeEqual(TEST_SECRET, `${TEST_SECRET}x`), false);
  assert.equal(await timingSafeEqual(TEST_SECRET, `x${TEST_SECRET.slice(1)}`), false);
});

Deno.test("signed report links are verified with timingSafeEqual", async () => {
  const links = await source("functions/unit-economics/report-links.ts");
  assert.match(links, /import \{ timingSafeEqual \} from "hono\/utils\/buffer";/);
  assert.match(links, /await timingSafeEqual\(expected, signature\)/);
  assert.doesNotMatch(
    links,
    /expected\s*[!=]==?|signature\s*[!=]==?|[!=]==?\s*(expected|signature)/,
  );
  const routes = await source("functions/unit-economics/report-routes.ts");
  assert.match(routes, /verifyGrant\(/, "the report route verifies through verifyGrant");

  // What it decides: a changed signature or grant is invalid wherever the change is.
  const key = await linkKey({ syncSecret: TEST_SECRET });
  const grant = { metric: "orders", from: "2026-01-01", to: "2026-01-31", expires: 2_000_000_000 };
  const signature = await signGrant(key, grant);
  assert.equal(await verifyGrant(key, grant, signature, Date.now()), "valid");
  const flip = (text: string, at: number) =>
    text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
  for (const at of [0, 21, signature.length - 1]) {
    assert.equal(await verifyGrant(key, grant, flip(signature, at), Date.now()), "invalid");
  }
  assert.equal(await verifyGrant(key, { ...grant, to: "2026-02-01" }, signature, 0), "invalid");
});

Deno.test("no product source compares a secret or a signature with == or ===", async () => {
  const offenders: string[] = [];
  let files = 0;
  for (const [path, text] of await productSources()) {
    files++;
    for (const [index, line] of text.split("\n").entries()) {
      if (!/secret|signature|SECRET/.test(line) || !/[!=]==?/.test(line)) continue;
      // A comparison with undefined or null asks whether one was given, not what it is.
      const withoutPresenceChecks = line.replace(/[!=]==?\s*(undefined|null)\b/g, "");
      if (/[!=]==?/.test(withoutPresenceChecks)) offenders.push(`${path}:${index + 1}: ${line}`);
    }
  }
  assert.ok(files > 50, `read the product's sources (${files})`);
  assert.deepEqual(offenders, [], "compare secrets with timingSafeEqual only");

  await recordOutcome({
    section: "hostile input",
    scenario: "constant-time-comparisons",
    title: "The sync secret and link signatures are compared in constant time",
    expected: "the routes are guarded by Hono's bearerAuth (timingSafeEqual of SHA-256 digests); " +
      "links are verified with timingSafeEqual; no == or === on a secret anywhere",
    observed: `proven from the code: auth.ts returns Hono's bearerAuth with the token option ` +
      `only, report-links.ts calls timingSafeEqual, ${files} product files hold no other ` +
      "comparison of a secret or signature",
  });
});
