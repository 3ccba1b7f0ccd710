// account.js: the session routes (the SESSIONS binding): minting a session
// token for an identity provider (the admin token) or, in development only,
// for anyone; signing out. A token is signed with SESSION_SECRET
// (edge/tokens.js) and its session kept in KV (edge/sessions.js).
import { isFacilityId, isId, newSessionId } from "../glue/ids.js";
import { requireAdmin, requireIdentity } from "./auth.js";
import { HttpError, invalidField, jsonResponse, readJsonObject } from "./http.js";
import { closeSession, openSession } from "./sessions.js";
import { signToken } from "./tokens.js";

const ROLES = ["member", "staff", "admin"];
const TTL_DEFAULT = 86_400; // seconds: a day
const TTL_MIN = 60;
const TTL_MAX = 30 * 86_400;
const FACILITIES_MAX = 64;

// POST /api/auth/token {memberId, role?, facilities?, ttlSeconds?} with the
// admin token → 201 {success, token, sessionId, expiresAt}.
export async function mintToken(request, env) {
  requireAdmin(request, env);
  return mint(request, env);
}

// POST /api/dev/token: the same without credentials (development only).
export async function mintDevToken(request, env) {
  return mint(request, env);
}

// POST /api/auth/logout: closes the caller's session; its token is refused
// from now on.
export async function logout(request, env) {
  const identity = await requireIdentity(request, env);
  await closeSession(env.SESSIONS, identity.sid);
  return jsonResponse(200, { success: true });
}

async function mint(request, env) {
  if (!env.SESSION_SECRET) throw new HttpError(500, "internal", "SESSION_SECRET is not set: no session can be signed");
  const body = await readJsonObject(request, ["memberId", "role", "facilities", "ttlSeconds"]);
  const { memberId, role = "member", facilities, ttlSeconds = TTL_DEFAULT } = body;
  if (!isId(memberId)) throw invalidField("memberId", "must be 1-64 characters of A-Z, a-z, 0-9, _ and -");
  if (!ROLES.includes(role)) throw invalidField("role", `must be one of ${ROLES.join(", ")}`);
  if (
    facilities !== undefined &&
    !(Array.isArray(facilities) && facilities.length <= FACILITIES_MAX && facilities.every(isFacilityId))
  ) {
    throw invalidField("facilities", `must be a list of at most ${FACILITIES_MAX} facility ids`);
  }
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < TTL_MIN || ttlSeconds > TTL_MAX) {
    throw invalidField("ttlSeconds", `must be an integer from ${TTL_MIN} to ${TTL_MAX}`);
  }
  const iat = Math.floor(Date.now() / 1000);
  const scope = facilities === undefined ? {} : { facilities };
  const payload = { sub: memberId, role, ...scope, sid: newSessionId(), iat, exp: iat + ttlSeconds };
  await openSession(env.SESSIONS, payload);
  const token = await signToken(env.SESSION_SECRET, payload);
  return jsonResponse(201, {
    success: true,
    token,
    sessionId: payload.sid,
    expiresAt: new Date(payload.exp * 1000).toISOString(),
  });
}
