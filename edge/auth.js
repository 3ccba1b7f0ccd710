// auth.js: who is calling. Two kinds of credentials, both as
// `Authorization: Bearer ...`: the ADMIN_TOKEN secret (for an identity
// provider minting tokens, and for seeding facilities), and signed session
// tokens (edge/tokens.js) whose session is open (edge/sessions.js). A
// session's identity becomes the core's actor for one facility; the core
// judges ownership and staff-only operations itself.
import { isSessionOpen } from "./sessions.js";
import { verifyToken } from "./tokens.js";
import { HttpError } from "./http.js";

const encoder = new TextEncoder();

// The caller's credentials: {admin: true} for the admin token, {identity}
// for a valid session token, {} for none. A session token that is forged,
// tampered with, expired or revoked is 401. `token` is one given elsewhere
// than the header (a WebSocket's ?token=).
export async function credentials(request, env, token = null) {
  const bearer = bearerOf(request) ?? token;
  if (bearer === null) return {};
  if (!bearer.startsWith("v1.") && env.ADMIN_TOKEN && sameSecret(bearer, env.ADMIN_TOKEN)) return { admin: true };
  const payload = await verifyToken(env.SESSION_SECRET, bearer, Math.floor(Date.now() / 1000));
  if (payload === null || !(await isSessionOpen(env.SESSIONS, payload, env.SESSION_CACHE_SECONDS))) {
    throw unauthenticated("the token is invalid, expired or signed out");
  }
  return { identity: identityOf(payload) };
}

// The caller's session identity, or 401.
export async function requireIdentity(request, env) {
  const { identity } = await credentials(request, env);
  if (identity === undefined) throw unauthenticated("this needs a session token (Authorization: Bearer TOKEN)");
  return identity;
}

// Admin token only (minting tokens for an identity provider).
export function requireAdmin(request, env) {
  const given = bearerOf(request);
  if (!env.ADMIN_TOKEN || given === null || !sameSecret(given, env.ADMIN_TOKEN)) {
    throw unauthenticated("this needs the admin token (Authorization: Bearer TOKEN)");
  }
}

// A session of staff at `facilityId` or an admin, else 401/403.
export async function requireStaffOf(request, env, facilityId) {
  const identity = await requireIdentity(request, env);
  assertStaffOf(identity, facilityId);
  return identity;
}

export function assertStaffOf(identity, facilityId) {
  if (actorFor(identity, facilityId).role === "member") {
    throw new HttpError(403, "forbidden", `this needs staff of facility ${facilityId} or an admin`);
  }
}

// The identity of a verified token's payload.
export function identityOf({ sub, role, facilities = [], sid, exp }) {
  return { memberId: sub, role, facilities, sid, exp };
}

// The actor the core sees at `facilityId`: the token's role, except that
// staff act as members at a facility their token does not list.
export function actorFor(identity, facilityId) {
  const staffHere = identity.role !== "staff" || identity.facilities.includes(facilityId);
  return { memberId: identity.memberId, role: staffHere ? identity.role : "member" };
}

export function unauthenticated(message) {
  return new HttpError(401, "unauthenticated", message, { headers: { "WWW-Authenticate": "Bearer" } });
}

function bearerOf(request) {
  const header = request.headers.get("Authorization");
  if (header === null) return null;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (match === null) throw unauthenticated("the Authorization header must be `Bearer TOKEN`");
  return match[1];
}

// Compares in constant time, so the answer's timing does not leak the token.
function sameSecret(given, expected) {
  const a = encoder.encode(given);
  const b = encoder.encode(expected);
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}
