// tokens.js: signed session tokens, `v1.<payload>.<signature>`: the payload
// is base64url(JSON {sub, role, facilities?, sid, iat, exp}) and the
// signature base64url(HMAC-SHA256(secret, "v1.<payload>")), made and checked
// with WebCrypto. A token proves who signed it and until when; whether its
// session is still open is edge/sessions.js's question.
import { isFacilityId, isId } from "../glue/ids.js";
import { Recent } from "./recent.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
const ROLES = new Set(["member", "staff", "admin"]);
const keys = new Map(); // secret → CryptoKey; immutable, so safe to share
// Tokens whose signature checked out: token → {secret, payload (frozen)},
// at most 10,000 (edge/recent.js). The check is a pure function of the
// secret and the token, so a member's next request skips the HMAC; expiry
// is still checked every time.
const verified = new Recent(10_000);

export async function signToken(secret, payload) {
  const body = `v1.${base64url(encoder.encode(JSON.stringify(payload)))}`;
  const signature = await crypto.subtle.sign("HMAC", await keyFor(secret), encoder.encode(body));
  return `${body}.${base64url(new Uint8Array(signature))}`;
}

// The payload of a well-formed, correctly signed, unexpired token, else null.
// `nowSeconds` is the current Unix time.
export async function verifyToken(secret, token, nowSeconds) {
  if (!secret || typeof token !== "string" || token.length > 4096) return null;
  const known = verified.get(token);
  const payload = known !== undefined && known.secret === secret ? known.payload : await checkSignature(secret, token);
  return payload !== null && payload.exp > nowSeconds ? payload : null;
}

// The payload of a well-formed, correctly signed token, else null.
async function checkSignature(secret, token) {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== "v1") return null;
  const signature = unbase64url(parts[2]);
  if (signature === null) return null;
  const signed = encoder.encode(`v1.${parts[1]}`);
  if (!(await crypto.subtle.verify("HMAC", await keyFor(secret), signature, signed))) return null;
  let payload;
  try {
    payload = JSON.parse(decoder.decode(unbase64url(parts[1]) ?? new Uint8Array([0xff])));
  } catch {
    return null;
  }
  if (!isPayload(payload)) return null;
  if (payload.facilities !== undefined) Object.freeze(payload.facilities);
  Object.freeze(payload);
  verified.set(token, { secret, payload });
  return payload;
}

// Whether `value` is a payload this edge would have signed.
export function isPayload(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const { sub, role, facilities, sid, iat, exp } = value;
  return (
    isId(sub) &&
    ROLES.has(role) &&
    (facilities === undefined || (Array.isArray(facilities) && facilities.every(isFacilityId))) &&
    isId(sid) &&
    Number.isSafeInteger(iat) &&
    Number.isSafeInteger(exp)
  );
}

async function keyFor(secret) {
  let key = keys.get(secret);
  if (key === undefined) {
    key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    keys.set(secret, key);
  }
  return key;
}

function base64url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function unbase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}
