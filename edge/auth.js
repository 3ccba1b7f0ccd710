// auth.js: who may call what. For now one rule: configuring a facility needs
// the admin token (the ADMIN_TOKEN secret) as a bearer token; without the
// secret, nobody may.
import { HttpError } from "./http.js";

const encoder = new TextEncoder();

export function requireAdmin(request, env) {
  const given = request.headers.get("Authorization");
  if (!env.ADMIN_TOKEN || given === null || !sameSecret(given, `Bearer ${env.ADMIN_TOKEN}`)) {
    throw new HttpError(401, "unauthenticated", "this needs the admin token (Authorization: Bearer TOKEN)", {
      headers: { "WWW-Authenticate": "Bearer" },
    });
  }
}

// Compares in constant time, so the answer's timing does not leak the token.
function sameSecret(given, expected) {
  const a = encoder.encode(given);
  const b = encoder.encode(expected);
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}
