/**
 * Signed, expiring links to the HTML report: a browser cannot send the bearer secret, so
 * `POST /report-link` returns a URL whose query carries an expiry and an HMAC-SHA256 signature of
 * the metric, the window and the expiry. The key is UNIT_ECONOMICS_LINK_SECRET, or one derived
 * from the sync secret (rotating that secret then revokes every link).
 *
 * @module
 */
import { timingSafeEqual } from "hono/utils/buffer";

/** What a link grants: one metric, one window, until a time. */
export interface LinkGrant {
  metric: string;
  from: string;
  to: string;
  /** Epoch seconds. */
  expires: number;
}

const encoder = new TextEncoder();
const DERIVATION_LABEL = "unit-economics report links v1";

/**
 * The signing key: the link secret itself, or HMAC(sync secret, label) when only that is set.
 *
 * @example
 * ```ts
 * const key = await linkKey({ linkSecret: undefined, syncSecret: "…" });
 * ```
 */
export async function linkKey(
  secrets: { linkSecret?: string; syncSecret: string },
): Promise<CryptoKey> {
  const material = secrets.linkSecret ? encoder.encode(secrets.linkSecret) : new Uint8Array(
    await hmac(await importKey(encoder.encode(secrets.syncSecret)), DERIVATION_LABEL),
  );
  return await importKey(material);
}

/**
 * The base64url signature of a grant.
 *
 * @example
 * ```ts
 * const signature = await signGrant(key, { metric: "orders", from, to, expires });
 * ```
 */
export async function signGrant(key: CryptoKey, grant: LinkGrant): Promise<string> {
  return toBase64Url(await hmac(key, canonical(grant)));
}

/**
 * Whether `signature` signs `grant` and the grant has not expired, compared in constant time.
 *
 * @example
 * ```ts
 * if (!(await verifyGrant(key, grant, signature, Date.now()))) throw new AppError("unauthorized", "…");
 * ```
 */
export async function verifyGrant(
  key: CryptoKey,
  grant: LinkGrant,
  signature: string,
  nowMs: number,
): Promise<"valid" | "expired" | "invalid"> {
  const expected = await signGrant(key, grant);
  if (!(await timingSafeEqual(expected, signature))) return "invalid";
  return grant.expires * 1000 < nowMs ? "expired" : "valid";
}

function canonical(grant: LinkGrant): string {
  return [grant.metric, grant.from, grant.to, String(grant.expires)].join("\n");
}

async function importKey(material: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return await crypto.subtle.importKey("raw", material, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
}

async function hmac(key: CryptoKey, text: string): Promise<ArrayBuffer> {
  return await crypto.subtle.sign("HMAC", key, encoder.encode(text));
}

function toBase64Url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replaceAll("+", "-").replaceAll(
    "/",
    "_",
  )
    .replace(/=+$/, "");
}
