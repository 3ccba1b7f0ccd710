// queries.js: the routes answered from the D1 projection (the DB binding,
// through glue/directory.js), without waking any facility object: the
// facility directory, a member's own upcoming reservations across
// facilities, a facility's reservations, waitlist and audit log for its
// staff, and a booking's reminder jobs.
// The projection follows the facilities shortly after each change (the
// outbox drain), so these reads may lag a live facility by a moment.
import { auditLog, facilityReservations, facilityWaitlist, listFacilities, upcomingReservations } from "../glue/directory.js";
import { reminderJobs, reservationOwner } from "../glue/reminder-jobs.js";
import { assertStaffOf, requireIdentity, requireStaffOf } from "./auth.js";
import { checkFacilityId } from "./booking.js";
import { HttpError, invalidField, jsonResponse } from "./http.js";

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

// GET /api/bookings/{reservationId}/reminders: [{jobId, state,
// scheduledFor}] by scheduled time, for the member who owns the booking
// (per D1) or staff of its facility / admins.
export async function bookingReminders(request, env, url, reservationId) {
  const identity = await requireIdentity(request, env);
  const owner = await reservationOwner(env.DB, reservationId);
  if (owner === null) throw new HttpError(404, "not_found", "no such reservation");
  if (owner.memberId !== identity.memberId) assertStaffOf(identity, owner.facilityId);
  return jsonResponse(200, await reminderJobs(env.DB, reservationId));
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
