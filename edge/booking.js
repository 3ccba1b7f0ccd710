// booking.js: the routes answered by a facility's Durable Object (the
// FACILITY binding): each checks the caller's credentials (edge/auth.js),
// takes the facility id from the path, query or body, and hands the command
// with the caller's actor to the object, which runs it in the core. The
// core judges everything else (ownership, staff-only operations, rules).
import { facilityOf, isFacilityId } from "../glue/ids.js";
import { actorFor, assertStaffOf, credentials, requireIdentity, requireStaffOf, unauthenticated } from "./auth.js";
import { ACTOR_HEADER } from "./facility.js";
import { HttpError, invalidField, jsonResponse, readBody, readJsonObject } from "./http.js";

const decoder = new TextDecoder();
// What a socket hears of: every change, or only those on the day it watches.
const SOCKET_SCOPES = ["all", "day"];

// GET /api/facilities/{id}: public.
export async function showFacility(request, env, url, facilityId) {
  return respond(await execute(env, "facility", { facilityId: checkFacilityId(facilityId) }));
}

// PUT /api/facilities/{id}: the admin token (seeding) or a session (the
// core lets staff of the facility and admins configure).
export async function configureFacility(request, env, url, facilityId) {
  const params = { facilityId: checkFacilityId(facilityId) };
  const { admin, identity } = await credentials(request, env);
  if (!admin && identity === undefined) {
    throw unauthenticated("this needs the admin token or a staff session (Authorization: Bearer TOKEN)");
  }
  const actor = admin ? undefined : actorFor(identity, params.facilityId);
  return respond(await execute(env, "configure", params, await readBody(request), actor));
}

// POST /api/realtime/{attempt,confirm,release,cancel} and POST
// /api/reservations (book): the facility id is in the body.
export async function runBodyCommand(request, env, url, op) {
  const identity = await requireIdentity(request, env);
  const body = await readBody(request);
  const facilityId = facilityIdOf(body);
  return respond(await execute(env, op, { facilityId }, body, actorFor(identity, facilityId)));
}

export function bookReservation(request, env, url) {
  return runBodyCommand(request, env, url, "book");
}

// GET /api/realtime/availability?facilityId=F&date=D: public, with the
// facility's seq as ETag.
export async function showAvailability(request, env, url) {
  const params = { facilityId: checkFacilityId(url.searchParams.get("facilityId")) };
  const date = url.searchParams.get("date");
  if (date !== null) params.date = date;
  const knownSeq = seqOfETag(request.headers.get("If-None-Match"));
  if (knownSeq !== null) params.knownSeq = knownSeq;
  const result = await execute(env, "availability", params);
  const fresh = result.status === 200 || result.status === 304;
  return respond(result, fresh ? { ETag: `"${result.seq}"` } : {});
}

// GET /api/realtime/price?facilityId=F&courtId=C&startTime=T&endTime=T[&memberId=M]:
// what a booking would cost, before holding it (docs/PAYMENTS.md). Public;
// signed in, the caller's own price (staff may name a member; without a
// session the price for a member without a tier).
export async function showPrice(request, env, url) {
  const params = { facilityId: checkFacilityId(url.searchParams.get("facilityId")) };
  for (const name of ["courtId", "startTime", "endTime", "memberId"]) {
    const value = url.searchParams.get(name);
    if (value !== null) params[name] = value;
  }
  const { admin, identity } = await credentials(request, env);
  if (!admin && identity === undefined) delete params.memberId; // nobody's tier is shown to strangers
  const actor = identity === undefined ? undefined : actorFor(identity, params.facilityId);
  return respond(await execute(env, "price", params, undefined, actor));
}

// GET|DELETE|PATCH /api/reservations/{id}: get, cancel, reschedule.
export async function showReservation(request, env, url, reservationId) {
  return reservationCommand(request, env, "get", reservationId, false);
}

export async function cancelReservation(request, env, url, reservationId) {
  return reservationCommand(request, env, "cancel", reservationId, true);
}

export async function rescheduleReservation(request, env, url, reservationId) {
  return reservationCommand(request, env, "reschedule", reservationId, true);
}

// POST /api/reservations/{id}/checkin: the member or staff (the core judges
// who and when).
export async function checkinReservation(request, env, url, reservationId) {
  return reservationCommand(request, env, "checkin", reservationId, false);
}

// POST /api/reservations/{id}/refund: staff give a paid booking's money
// back (the core checks the role; docs/PAYMENTS.md).
export async function refundReservation(request, env, url, reservationId) {
  return reservationCommand(request, env, "refund", reservationId, false);
}

// GET|PUT /api/facilities/{id}/members/{memberId}: a member's record; its tier.
export async function showMember(request, env, url, facilityId, memberId) {
  return facilityCommand(request, env, "member", { facilityId, memberId }, false);
}

export async function setMember(request, env, url, facilityId, memberId) {
  return facilityCommand(request, env, "set_member", { facilityId, memberId }, true);
}

// POST /api/facilities/{id}/blocks, DELETE /api/facilities/{id}/blocks/{blockId}.
export async function addBlock(request, env, url, facilityId) {
  return facilityCommand(request, env, "block", { facilityId }, true);
}

export async function removeBlock(request, env, url, facilityId, blockId) {
  return facilityCommand(request, env, "unblock", { facilityId, blockId }, true);
}

// GET /api/facilities/{id}/state, POST /api/facilities/{id}/snapshot:
// staff of the facility or admins.
export async function facilityState(request, env, url, facilityId) {
  checkFacilityId(facilityId);
  await requireStaffOf(request, env, facilityId);
  return respond(await stub(env, facilityId).state(facilityId));
}

export async function snapshotFacility(request, env, url, facilityId) {
  checkFacilityId(facilityId);
  await requireStaffOf(request, env, facilityId);
  return respond(await stub(env, facilityId).snapshot(facilityId));
}

// POST /api/realtime/sync {facilityId}: rebuild a facility from D1 (staff
// of it, or admins).
export async function syncFacility(request, env) {
  const identity = await requireIdentity(request, env);
  const { facilityId } = await readJsonObject(request, ["facilityId"]);
  checkFacilityId(facilityId);
  assertStaffOf(identity, facilityId);
  return respond(await stub(env, facilityId).sync(facilityId, actorFor(identity, facilityId)));
}

// GET /api/realtime/websocket?facilityId=F[&date=D][&scope=all|day][&token=T]: forwarded
// to the facility's object with the verified actor; without a token the
// socket only watches.
export async function connect(request, env, url) {
  const facilityId = checkFacilityId(url.searchParams.get("facilityId"));
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    throw new HttpError(426, "upgrade_required", "this endpoint takes a WebSocket upgrade (Upgrade: websocket)", {
      headers: { Upgrade: "websocket" },
    });
  }
  const scope = url.searchParams.get("scope");
  if (scope !== null && !SOCKET_SCOPES.includes(scope)) throw invalidField("scope", `must be one of ${SOCKET_SCOPES.join(", ")}`);
  const { identity } = await credentials(request, env, url.searchParams.get("token"));
  const headers = new Headers(request.headers);
  headers.delete(ACTOR_HEADER);
  if (identity !== undefined) {
    const { sid, exp } = identity;
    headers.set(ACTOR_HEADER, JSON.stringify({ ...actorFor(identity, facilityId), sid, exp }));
  }
  return stub(env, facilityId).fetch(new Request(request.url, { headers }));
}

// POST /api/debug/trap?facilityId=F (development only): the core traps.
export async function trapFacility(request, env, url) {
  return respond(await execute(env, "debug_trap", { facilityId: checkFacilityId(url.searchParams.get("facilityId")) }));
}

// POST /api/debug/clock {facilityId, offsetMs} (DEVELOPMENT ONLY, routed
// only then): the facility's core sees Date.now() + offsetMs from now on,
// and a tick runs at once (edge/facility.js setClockOffset).
export async function setDebugClock(request, env) {
  const { facilityId, offsetMs } = await readJsonObject(request, ["facilityId", "offsetMs"]);
  checkFacilityId(facilityId);
  if (!Number.isSafeInteger(offsetMs)) throw new HttpError(400, "invalid_field", "offsetMs must be an integer", { field: "offsetMs" });
  return respond(await stub(env, facilityId).setClockOffset(facilityId, offsetMs));
}

async function reservationCommand(request, env, op, reservationId, hasBody) {
  const identity = await requireIdentity(request, env);
  const facilityId = facilityOf(reservationId);
  if (facilityId === null) throw new HttpError(404, "not_found", "no such reservation");
  const body = hasBody ? await readBody(request) : undefined;
  return respond(await execute(env, op, { facilityId, reservationId }, body, actorFor(identity, facilityId)));
}

async function facilityCommand(request, env, op, params, hasBody) {
  checkFacilityId(params.facilityId);
  const identity = await requireIdentity(request, env);
  const body = hasBody ? await readBody(request) : undefined;
  return respond(await execute(env, op, params, body, actorFor(identity, params.facilityId)));
}

function stub(env, facilityId) {
  return env.FACILITY.get(env.FACILITY.idFromName(facilityId));
}

// Runs `op` in the facility's object; `params` always carry the facility
// id. Returns {status, reply, seq}.
export function execute(env, op, params, body, actor) {
  return stub(env, params.facilityId).execute(op, params, body, actor);
}

export function respond({ status, reply }, headers = {}) {
  return status === 304 ? new Response(null, { status, headers }) : jsonResponse(status, reply, headers);
}

export function checkFacilityId(value) {
  if (isFacilityId(value)) return value;
  throw new HttpError(400, "invalid_field", "facilityId must be 1-40 characters of A-Z, a-z, 0-9 and -", {
    field: "facilityId",
  });
}

// The facility id named in a JSON body, needed to route it.
export function facilityIdOf(body) {
  let value;
  try {
    value = JSON.parse(decoder.decode(body));
  } catch {
    throw new HttpError(400, "invalid_json", "request body is not valid JSON");
  }
  return checkFacilityId(value?.facilityId);
}

// The sequence number in an If-None-Match header: "N", W/"N" or N.
function seqOfETag(header) {
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header ?? "");
  return match === null ? null : Number(match[1]);
}
