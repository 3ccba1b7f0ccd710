// queries.js: the routes answered from the D1 projection (the DB binding,
// through glue/directory.js), without waking any facility object: the
// facility directory, a member's own upcoming reservations across
// facilities, and a facility's reservations, waitlist and audit log for its
// staff.
// The projection follows the facilities shortly after each change (the
// outbox drain), so these reads may lag a live facility by a moment.
import { auditLog, facilityReservations, facilityWaitlist, listFacilities, upcomingReservations } from "../glue/directory.js";
import { requireIdentity, requireStaffOf } from "./auth.js";
import { checkFacilityId } from "./booking.js";
import { invalidField, jsonResponse } from "./http.js";

// GET /api/facilities: public.
export async function showDirectory(request, env) {
  return jsonResponse(200, await listFacilities(env.DB));
}

// GET /api/members/me/reservations: the caller's held and confirmed
// reservations that have not ended, in every facility.
export async function myReservations(request, env) {
  const identity = await requireIdentity(request, env);
  const reservations = await upcomingReservations(env.DB, identity.memberId, Date.now());
  return jsonResponse(200, { success: true, memberId: identity.memberId, reservations });
}

// GET /api/facilities/{id}/reservations: every reservation that has not
// ended (any status), for staff of the facility.
export async function projectedReservations(request, env, url, facilityId) {
  checkFacilityId(facilityId);
  await requireStaffOf(request, env, facilityId);
  const reservations = await facilityReservations(env.DB, facilityId, Date.now());
  return jsonResponse(200, { success: true, facilityId, reservations });
}

// GET /api/facilities/{id}/waitlist: every waitlist entry whose window has
// not passed (any state), for staff of the facility.
export async function projectedWaitlist(request, env, url, facilityId) {
  checkFacilityId(facilityId);
  await requireStaffOf(request, env, facilityId);
  const entries = await facilityWaitlist(env.DB, facilityId, Date.now());
  return jsonResponse(200, { success: true, facilityId, entries });
}

// GET /api/facilities/{id}/audit[?after=LOGSEQ.IDX]: the audit log, a page
// at a time, for staff of the facility.
export async function showAudit(request, env, url, facilityId) {
  checkFacilityId(facilityId);
  await requireStaffOf(request, env, facilityId);
  const after = url.searchParams.get("after");
  const match = after === null ? null : /^(\d{1,15})\.(\d{1,9})$/.exec(after);
  if (after !== null && match === null) throw invalidField("after", "must be LOGSEQ.INDEX, as `next` gave it");
  const page = await auditLog(env.DB, facilityId, match && { logSeq: Number(match[1]), idx: Number(match[2]) });
  const next = page.next === null ? null : `${page.next.logSeq}.${page.next.idx}`;
  return jsonResponse(200, { success: true, facilityId, entries: page.entries, next });
}
