// sessions.js: open sessions in the SESSIONS KV namespace, so a signed
// token can be revoked before it expires. Key `session:<sid>`, value the
// token's payload as JSON, kept for the token's lifetime (expirationTtl),
// so KV forgets a session when its token would have expired anyway.
const KV_TTL_MIN = 60; // seconds; KV refuses a shorter expirationTtl

export async function openSession(kv, payload) {
  const ttl = Math.max(KV_TTL_MIN, payload.exp - payload.iat);
  await kv.put(key(payload.sid), JSON.stringify(payload), { expirationTtl: ttl });
}

// Whether the session `sid` of member `sub` is still open.
export async function isSessionOpen(kv, { sid, sub }) {
  const stored = await kv.get(key(sid), "json");
  return stored !== null && stored.sub === sub;
}

export async function closeSession(kv, sid) {
  await kv.delete(key(sid));
}

function key(sid) {
  return `session:${sid}`;
}
