// waitlist.js: the waitlist routes (README.md, docs/PROTOCOL.md "The
// waitlist"), answered by the facility's Durable Object like the booking
// routes (edge/booking.js): each needs a session, takes the facility id
// from the body, the query, the path or the entry id's prefix, and hands
// the command with the caller's actor to the object. The core judges
// ownership, staff rights, limits and states; the object mints entry ids.
import { facilityOf } from "../glue/ids.js";
import { actorFor, requireIdentity } from "./auth.js";
import { checkFacilityId, execute, respond, runBodyCommand } from "./booking.js";
import { HttpError } from "./http.js";

// POST /api/waitlist {facilityId, memberId, courtId?, earliestStart,
// latestEnd, durationMinutes, partySize?, mode, preferredStart?}
// → 201 {success, waitlistId, entry, promotion?}.
export function joinWaitlist(request, env, url) {
  return runBodyCommand(request, env, url, "waitlist_join");
}

// POST /api/waitlist/{accept,decline} {facilityId, waitlistId}.
export function answerOffer(request, env, url, answer) {
  return runBodyCommand(request, env, url, `waitlist_${answer}`);
}

// DELETE /api/waitlist/{id}: leave the list; the facility is the id's prefix.
export async function leaveWaitlist(request, env, url, waitlistId) {
  const identity = await requireIdentity(request, env);
  const facilityId = facilityOf(waitlistId);
  if (facilityId === null) throw new HttpError(404, "not_found", "no such waitlist entry");
  return respond(await execute(env, "waitlist_leave", { facilityId, waitlistId }, undefined, actorFor(identity, facilityId)));
}

// GET /api/waitlist?facilityId=F[&memberId=M]: the caller's own entries
// (staff: a member's, or everyone's without memberId).
export async function listWaitlist(request, env, url) {
  const identity = await requireIdentity(request, env);
  const facilityId = checkFacilityId(url.searchParams.get("facilityId"));
  const params = { facilityId };
  const memberId = url.searchParams.get("memberId");
  if (memberId !== null) params.memberId = memberId;
  return respond(await execute(env, "waitlist_list", params, undefined, actorFor(identity, facilityId)));
}

// GET /api/facilities/{id}/waitlist/metrics: the conversion counts (staff).
export async function waitlistMetrics(request, env, url, facilityId) {
  checkFacilityId(facilityId);
  const identity = await requireIdentity(request, env);
  return respond(await execute(env, "waitlist_metrics", { facilityId }, undefined, actorFor(identity, facilityId)));
}
