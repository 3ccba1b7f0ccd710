// stripe-signature.js: checks the Stripe-Signature header of a webhook with
// WebCrypto: `t=<unix seconds>,v1=<hex>[,v1=...]`, where each v1 is
// HMAC-SHA256 under the endpoint secret (whsec_...) of `${t}.${raw body}`.
// The raw bytes are used as received; the comparison is constant-time; a
// timestamp more than TOLERANCE_SECONDS from now (either way) is refused,
// so a captured request cannot be replayed later.
export const TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

// Why the signature fails, or null when it holds. `body` is the raw bytes
// (Uint8Array), `nowSeconds` the current Unix time.
export async function signatureProblem(secret, header, body, nowSeconds) {
  if (typeof header !== "string" || header === "") return "no Stripe-Signature header";
  let timestamp = null;
  const signatures = [];
  for (const item of header.split(",")) {
    const at = item.indexOf("=");
    const key = item.slice(0, at).trim();
    const value = item.slice(at + 1).trim();
    if (key === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === "v1" && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === null) return "the Stripe-Signature header has no timestamp";
  if (signatures.length === 0) return "the Stripe-Signature header has no v1 signature";
  if (Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return "the signature's timestamp is outside the tolerance";
  const expected = await hmacHex(secret, concat(encoder.encode(`${timestamp}.`), body));
  let match = false;
  for (const signature of signatures) match = constantTimeEqual(signature, expected) || match;
  return match ? null : "no signature matches the payload";
}

async function hmacHex(secret, bytes) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// Equal strings of equal length, compared without an early exit.
function constantTimeEqual(a, b) {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

function concat(a, b) {
  const bytes = new Uint8Array(a.length + b.length);
  bytes.set(a);
  bytes.set(b, a.length);
  return bytes;
}
