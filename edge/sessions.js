// sessions.js: open sessions in the SESSIONS KV namespace, so a signed
// token can be revoked before it expires. Key `session:<sid>`, value the
// token's payload as JSON, kept for the token's lifetime (expirationTtl),
// so KV forgets a session when its token would have expired anyway.
//
// A session found open is remembered in this isolate's memory for
// SESSION_CACHE_SECONDS (default 30; 0 turns it off), so a member's burst
// of requests reads KV once. Signing out forgets it here at once; another
// isolate may accept the token until its memory of it expires, as KV
// itself may answer from a location's cache for up to 60 s after a
// delete. At most CACHE_MAX sessions are remembered.
import { Recent } from "./recent.js";

const KV_TTL_MIN = 60; // seconds; KV refuses a shorter expirationTtl
const CACHE_SECONDS_DEFAULT = 30;
const CACHE_MAX = 10_000;

const remembered = new Recent(CACHE_MAX); // sid → {sub, until (ms)}

export async function openSession(kv, payload) {
  const ttl = Math.max(KV_TTL_MIN, payload.exp - payload.iat);
  await kv.put(key(payload.sid), JSON.stringify(payload), { expirationTtl: ttl });
}

// Whether the session `sid` of member `sub` is still open. `cacheSeconds`
// is the SESSION_CACHE_SECONDS variable (a string, or undefined).
export async function isSessionOpen(kv, { sid, sub }, cacheSeconds) {
  const now = Date.now();
  const known = remembered.get(sid);
  if (known !== undefined && known.until > now && known.sub === sub) return true;
  const stored = await kv.get(key(sid), "json");
  const open = stored !== null && stored.sub === sub;
  const until = now + cacheMs(cacheSeconds);
  if (open && until > now) remembered.set(sid, { sub, until });
  return open;
}

export async function closeSession(kv, sid) {
  remembered.delete(sid);
  await kv.delete(key(sid));
}

function cacheMs(cacheSeconds) {
  const seconds = cacheSeconds === undefined ? CACHE_SECONDS_DEFAULT : Number(cacheSeconds);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1000 : 0;
}

function key(sid) {
  return `session:${sid}`;
}
