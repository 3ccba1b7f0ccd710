// notifications.js: the HTTP side of the notifier. `GET /api/queue/stats`
// (staff of a facility, or admins) counts notification_log rows by state;
// `/api/debug/notify` (development only) puts messages on
// NOTIFICATION_QUEUE as a facility's outbox will (POST) and shows a
// facility's log (GET), for tests and for trying templates locally.
import { isFacilityId } from "../glue/ids.js";
import { rows, stats } from "../glue/notification-log.js";
import { credentials, requireStaffOf, unauthenticated } from "./auth.js";
import { HttpError, invalidField, jsonResponse, readBody } from "./http.js";
import { CLAIM_LEASE_MS } from "./notifier.js";

const BATCH_MAX = 100; // the queue's sendBatch limit
const LOG_ROWS_MAX = 500;

// GET /api/queue/stats[?facilityId=F] → {success, facilityId, waiting,
// active, completed, failed, delayed, skipped}. With facilityId: staff of
// it or admins; without: all facilities, admins only.
export async function queueStats(request, env, url) {
  const facilityId = url.searchParams.get("facilityId");
  if (facilityId !== null) {
    if (!isFacilityId(facilityId)) throw invalidField("facilityId", "must be 1-40 characters of A-Z, a-z, 0-9 and -");
    await requireStaffOf(request, env, facilityId);
  } else {
    const { admin, identity } = await credentials(request, env);
    if (!admin && identity === undefined) throw unauthenticated("this needs a session token (Authorization: Bearer TOKEN)");
    if (!admin && identity.role !== "admin") {
      throw new HttpError(403, "forbidden", "the stats of every facility need an admin; staff add ?facilityId=F");
    }
  }
  const counts = await stats(env.DB, facilityId, Date.now(), CLAIM_LEASE_MS);
  return jsonResponse(200, { success: true, facilityId, ...counts });
}

// POST /api/debug/notify with one message or a list of them → 202
// {success, queued}. Each goes on the queue as it is (the consumer
// validates it).
export async function debugNotify(request, env) {
  let value;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(await readBody(request)));
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, "invalid_json", "request body is not valid JSON");
  }
  const messages = Array.isArray(value) ? value : [value];
  if (messages.length === 0 || messages.length > BATCH_MAX) {
    throw invalidField("messages", `must be 1 to ${BATCH_MAX} messages`);
  }
  await env.NOTIFICATION_QUEUE.sendBatch(messages.map((body) => ({ body, contentType: "json" })));
  return jsonResponse(202, { success: true, queued: messages.length });
}

// GET /api/debug/notify?facilityId=F → {success, notices: [...]}: the
// facility's notification_log rows, newest first.
export async function debugNotices(request, env, url) {
  const facilityId = url.searchParams.get("facilityId");
  if (!isFacilityId(facilityId)) throw invalidField("facilityId", "must be 1-40 characters of A-Z, a-z, 0-9 and -");
  return jsonResponse(200, { success: true, notices: await rows(env.DB, facilityId, LOG_ROWS_MAX) });
}
