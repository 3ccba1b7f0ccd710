// waitlist.test.mjs: the waitlist through the real runtime (README.md,
// docs/PROTOCOL.md "The waitlist"). A cancel auto-books the waiting member
// and a watching socket sees the slot go released then reserved; an offer
// is accepted; an offer that lapses (the object's alarm, no request) passes
// to the next member; a free place serves a join at once; the errors; the
// staff's metrics; the D1 projection of the entries and the audit log of
// the reservations they made. Each test has facilities of its own.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DATE, Stack, assertError, at, eventually } from "./harness.mjs";

let stack;
before(async () => {
  stack = await Stack.start();
});
after(() => stack?.stop());

const slot = (courtId, start, end) => ({ courtId, startTime: at(start), endTime: at(end) });

async function book(member, memberId, facilityId, place) {
  const attempt = await member.post("/api/realtime/attempt", { facilityId, ...place, memberId });
  assert.equal(attempt.status, 200, JSON.stringify(attempt.body));
  const confirm = await member.post("/api/realtime/confirm", { facilityId, reservationId: attempt.body.reservationId });
  assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
  return confirm.body.reservation;
}

// The body of a join for exactly `place` (its court, its hour).
const joining = (facilityId, memberId, place, mode) => ({
  facilityId, memberId, courtId: place.courtId, earliestStart: place.startTime, latestEnd: place.endTime, durationMinutes: 60, mode,
});

// The next broadcast of `type` for `place` on `socket`.
function nextFor(socket, type, place, timeoutMs) {
  return socket.next(
    (m) => m.type === type && m.courtId === place.courtId && m.startTime === place.startTime && m.endTime === place.endTime,
    timeoutMs,
  );
}

// The caller's own entries, live from the facility, by id.
async function entriesOf(member, facilityId) {
  const reply = await member.get(`/api/waitlist?facilityId=${facilityId}`);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return new Map(reply.body.entries.map((entry) => [entry.waitlistId, entry]));
}

async function metrics(staff, facilityId) {
  const reply = await staff.get(`/api/facilities/${facilityId}/waitlist/metrics`);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.metrics;
}

// Polls the staff's D1 read of the facility's waitlist until its entries
// (by id) have the live `states`.
function projected(staff, facilityId, states) {
  return eventually(async () => {
    const reply = await staff.get(`/api/facilities/${facilityId}/waitlist`);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const rows = new Map(reply.body.entries.map((row) => [row.waitlistId, row]));
    const ok = rows.size === Object.keys(states).length && Object.entries(states).every(([id, state]) => rows.get(id)?.state === state);
    return ok ? rows : undefined;
  }, { what: `the waitlist of ${facilityId} in D1: ${JSON.stringify(states)}` });
}

// Polls the audit log until it has every action of `actions` (in order).
function audited(staff, facilityId, actions) {
  return eventually(async () => {
    const reply = await staff.get(`/api/facilities/${facilityId}/audit`);
    const seen = reply.body.entries.map((entry) => entry.action);
    let found = 0;
    for (const action of seen) if (action === actions[found]) found++;
    return found === actions.length ? reply.body.entries : undefined;
  }, { what: `audit actions ${actions.join(", ")} of ${facilityId}` });
}

test("a cancel auto-books the waiting member; a watcher sees released then reserved", async () => {
  const facilityId = `wl-auto-${"x".repeat(32)}`; // 40 characters, the most allowed: the longest waitlist ids
  await stack.configure(facilityId);
  const alice = await stack.as("alice");
  const bob = await stack.as("bob");
  const staff = await stack.as("desk", { role: "staff", facilities: [facilityId] });
  const place = slot("court-1", "10:00", "11:00");
  const booked = await book(alice, "alice", facilityId, place);

  const joined = await bob.post("/api/waitlist", joining(facilityId, "bob", place, "auto_book"));
  assert.equal(joined.status, 201, JSON.stringify(joined.body));
  const { waitlistId, entry } = joined.body;
  assert.match(waitlistId, /^wl-auto-x{32}_[A-Za-z0-9]{19}$/);
  assert.equal(waitlistId.length, 60, "the most a waitlist entry's id may have");
  assert.equal(entry.waitlistId, waitlistId);
  assert.deepEqual([entry.state, entry.mode, entry.memberId, entry.courtId, entry.reservationId], ["waiting", "auto_book", "bob", "court-1", null]);
  assert.equal(joined.body.promotion, undefined, "the slot is taken: bob waits");

  const watcher = await stack.socket(facilityId, { date: DATE });
  const initial = await watcher.nextOfType("initial_state");
  const cancelled = await alice.delete(`/api/reservations/${booked.reservationId}`);
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
  assert.equal(cancelled.body.reservation.status, "cancelled");
  const promotion = cancelled.body.waitlistPromotion;
  assert.deepEqual(promotion, { action: "auto_booked", waitlistId, reservationId: promotion.reservationId });
  assert.equal(promotion.reservationId, `${waitlistId}-1`);

  const released = await nextFor(watcher, "slot_released", place);
  const reserved = await nextFor(watcher, "slot_reserved", place);
  assert.ok(initial.seq < released.seq && released.seq < reserved.seq, `seqs ${initial.seq} < ${released.seq} < ${reserved.seq}`);
  assert.equal(Object.keys(reserved).sort().join(), "courtId,date,endTime,seq,startTime,type", "no member data");
  watcher.close();

  const bobs = await bob.get(`/api/reservations/${promotion.reservationId}`);
  assert.equal(bobs.status, 200, JSON.stringify(bobs.body));
  assert.deepEqual(
    [bobs.body.reservation.memberId, bobs.body.reservation.status, bobs.body.reservation.courtId, bobs.body.reservation.startTime],
    ["bob", "confirmed", place.courtId, place.startTime],
  );
  const live = (await entriesOf(bob, facilityId)).get(waitlistId);
  assert.deepEqual([live.state, live.reservationId], ["booked", promotion.reservationId]);
  assert.deepEqual(await metrics(staff, facilityId), {
    waiting: 0, joined: 1, autoBooked: 1, offered: 0, accepted: 0, declined: 0, offersExpired: 0, noMatch: 0,
  });

  // D1: the entry as the facility has it; the booking in the audit log.
  const rows = await projected(staff, facilityId, { [waitlistId]: "booked" });
  assert.deepEqual(rows.get(waitlistId), { ...live, facilityId });
  const audit = await audited(staff, facilityId, ["attempt", "confirm", "cancel", "waitlist_book"]);
  const row = audit.find((e) => e.action === "waitlist_book");
  assert.deepEqual([row.reservationId, row.to.status, row.from], [promotion.reservationId, "confirmed", null]);
});

test("an offer is accepted: pending on the board, then reserved", async () => {
  const facilityId = "wl-offer";
  await stack.configure(facilityId);
  const alice = await stack.as("alice");
  const bob = await stack.as("bob");
  const staff = await stack.as("desk", { role: "staff", facilities: [facilityId] });
  const place = slot("court-2", "12:00", "13:00");
  const booked = await book(alice, "alice", facilityId, place);

  // Bob joins over his socket (the same command as POST /api/waitlist).
  const socket = await stack.socket(facilityId, { token: bob.token, date: DATE });
  await socket.nextOfType("initial_state");
  const joined = await socket.command("j-1", { action: "waitlist_join", ...joining(facilityId, "bob", place, "offer") });
  assert.equal(joined.status, 201, JSON.stringify(joined.body));
  const { waitlistId } = joined.body;
  assert.equal(joined.body.entry.state, "waiting");

  const cancelled = await alice.post("/api/realtime/cancel", { facilityId, reservationId: booked.reservationId });
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
  const promotion = cancelled.body.waitlistPromotion;
  assert.equal(promotion.action, "offered");
  assert.equal(promotion.waitlistId, waitlistId);
  const released = await nextFor(socket, "slot_released", place);
  const pending = await nextFor(socket, "slot_pending", place);
  assert.ok(released.seq < pending.seq);

  const offer = await bob.get(`/api/reservations/${promotion.reservationId}`);
  assert.deepEqual([offer.body.reservation.memberId, offer.body.reservation.status], ["bob", "held"]);
  const holdMs = Date.parse(offer.body.reservation.holdExpiry) - Date.parse(offer.body.reservation.updatedAt);
  assert.equal(holdMs, 30 * 60_000, "the default offer lasts 30 minutes");
  assert.equal((await entriesOf(bob, facilityId)).get(waitlistId).state, "offered");
  await projected(staff, facilityId, { [waitlistId]: "offered" });

  const accepted = await bob.post("/api/waitlist/accept", { facilityId, waitlistId });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.deepEqual([accepted.body.waitlistId, accepted.body.entry.state], [waitlistId, "booked"]);
  const reserved = await nextFor(socket, "slot_reserved", place);
  assert.ok(pending.seq < reserved.seq);
  const confirmed = await bob.get(`/api/reservations/${promotion.reservationId}`);
  assert.equal(confirmed.body.reservation.status, "confirmed");
  const again = await bob.post("/api/waitlist/accept", { facilityId, waitlistId });
  assert.equal(again.status, 200, "accepting twice returns the entry unchanged");
  assert.equal(again.body.entry.state, "booked");
  socket.close();

  const counts = await metrics(staff, facilityId);
  assert.deepEqual([counts.joined, counts.offered, counts.accepted, counts.autoBooked, counts.waiting], [1, 1, 1, 0, 0]);
  await projected(staff, facilityId, { [waitlistId]: "booked" });
  await audited(staff, facilityId, ["cancel", "waitlist_offer", "waitlist_accept"]);
});

test("an offer that lapses passes to the next member, by the alarm alone", async () => {
  const facilityId = "wl-expiry";
  await stack.configure(facilityId, { waitlist: { offerMinutes: 1 } });
  const alice = await stack.as("alice");
  const bob = await stack.as("bob");
  const carol = await stack.as("carol");
  const staff = await stack.as("desk", { role: "staff", facilities: [facilityId] });
  const place = slot("court-3", "14:00", "15:00");
  const booked = await book(alice, "alice", facilityId, place);
  const first = await bob.post("/api/waitlist", joining(facilityId, "bob", place, "offer"));
  const second = await carol.post("/api/waitlist", joining(facilityId, "carol", place, "offer"));
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.equal(second.status, 201, JSON.stringify(second.body));
  const bobsEntry = first.body.waitlistId;
  const carolsEntry = second.body.waitlistId;

  const watcher = await stack.socket(facilityId, { date: DATE });
  await watcher.nextOfType("initial_state");
  const cancelled = await alice.delete(`/api/reservations/${booked.reservationId}`);
  assert.equal(cancelled.status, 200);
  const promotion = cancelled.body.waitlistPromotion;
  assert.deepEqual([promotion.action, promotion.waitlistId], ["offered", bobsEntry], "first come, first offered");
  await nextFor(watcher, "slot_released", place);
  const offered = await nextFor(watcher, "slot_pending", place);
  const { holdExpiry } = (await bob.get(`/api/reservations/${promotion.reservationId}`)).body.reservation;
  assert.equal(Date.parse(holdExpiry) - Date.parse(cancelled.body.reservation.updatedAt), 60_000, "offerMinutes: 1");

  // Nothing reaches the facility now but its alarm: bob's offer lapses a
  // minute later and carol is offered the place, which the watcher sees.
  const lapsed = await nextFor(watcher, "slot_released", place, 75_000);
  const passedOn = await nextFor(watcher, "slot_pending", place, 5_000);
  assert.ok(offered.seq < lapsed.seq && lapsed.seq < passedOn.seq);
  watcher.close();

  const bobsOffer = (await bob.get(`/api/reservations/${promotion.reservationId}`)).body.reservation;
  assert.equal(bobsOffer.status, "expired");
  const lateMs = Date.parse(bobsOffer.updatedAt) - Date.parse(holdExpiry);
  assert.ok(lateMs >= 0 && lateMs <= 2000, `expired ${lateMs} ms after its expiry`);
  const carols = (await entriesOf(carol, facilityId)).get(carolsEntry);
  assert.equal(carols.state, "offered");
  assert.notEqual(carols.reservationId, null);
  assert.equal((await carol.get(`/api/reservations/${carols.reservationId}`)).body.reservation.status, "held");
  assert.equal((await entriesOf(bob, facilityId)).get(bobsEntry).state, "waiting");

  // Bob's offer is gone: accepting it now is 410.
  assertError(await bob.post("/api/waitlist/accept", { facilityId, waitlistId: bobsEntry }), 410, "hold_expired");
  const counts = await metrics(staff, facilityId);
  assert.deepEqual([counts.joined, counts.offered, counts.offersExpired, counts.waiting], [2, 2, 1, 1]);
  await projected(staff, facilityId, { [bobsEntry]: "waiting", [carolsEntry]: "offered" });
  await audited(staff, facilityId, ["cancel", "waitlist_offer", "expire", "waitlist_offer"]);
});

test("a free place serves a join at once", async () => {
  const facilityId = "wl-now";
  await stack.configure(facilityId);
  const bob = await stack.as("bob");
  const place = slot("court-4", "16:00", "17:00");
  const joined = await bob.post("/api/waitlist", { ...joining(facilityId, "bob", place, "auto_book"), courtId: undefined });
  assert.equal(joined.status, 201, JSON.stringify(joined.body));
  assert.equal(joined.body.entry.courtId, null, "any court");
  assert.equal(joined.body.entry.state, "booked");
  assert.equal(joined.body.promotion.action, "auto_booked");
  const booking = await bob.get(`/api/reservations/${joined.body.promotion.reservationId}`);
  assert.deepEqual([booking.body.reservation.status, booking.body.reservation.startTime], ["confirmed", place.startTime]);
});

test("errors: credentials, ownership, states, unknown entries, bad fields; staff only reads", async () => {
  const facilityId = "wl-errors";
  await stack.configure(facilityId);
  const alice = await stack.as("alice");
  const bob = await stack.as("bob");
  const staff = await stack.as("desk", { role: "staff", facilities: [facilityId] });
  const place = slot("court-1", "18:00", "19:00");
  await book(alice, "alice", facilityId, place);
  const body = joining(facilityId, "bob", place, "offer");

  assertError(await stack.post("/api/waitlist", body), 401, "unauthenticated");
  assertError(await stack.request(`/api/waitlist?facilityId=${facilityId}`), 401, "unauthenticated");
  assertError(await alice.post("/api/waitlist", body), 403, "forbidden", "alice joins for bob");
  const badMode = await bob.post("/api/waitlist", { ...body, mode: "maybe" });
  assertError(badMode, 400, "invalid_field");
  assert.equal(badMode.body.field, "mode");
  assertError(await bob.post("/api/waitlist", { ...body, facilityId: "bad_id" }), 400, "invalid_field");
  assertError(await bob.post("/api/waitlist", { ...body, facilityId: "wl-nowhere" }), 404, "not_found");

  const joined = await bob.post("/api/waitlist", body);
  assert.equal(joined.status, 201, JSON.stringify(joined.body));
  const { waitlistId } = joined.body;
  assertError(await bob.post("/api/waitlist/decline", { facilityId, waitlistId }), 409, "invalid_state", "no offer to decline");
  assertError(await bob.post("/api/waitlist/accept", { facilityId, waitlistId }), 410, "hold_expired", "no offer to accept");
  assertError(await alice.post("/api/waitlist/accept", { facilityId, waitlistId }), 403, "forbidden", "not hers");
  assertError(await alice.delete(`/api/waitlist/${waitlistId}`), 403, "forbidden");
  assertError(await bob.post("/api/waitlist/accept", { facilityId, waitlistId: `${facilityId}_unknown` }), 404, "not_found");
  assertError(await bob.delete(`/api/waitlist/${facilityId}_unknown`), 404, "not_found");
  assertError(await bob.delete("/api/waitlist/no-facility-prefix"), 404, "not_found");
  assertError(await bob.request("/api/waitlist", { method: "PUT", body: {} }), 405, "method_not_allowed");

  // Lists: a member sees their own; staff anyone's.
  assertError(await alice.get(`/api/waitlist?facilityId=${facilityId}&memberId=bob`), 403, "forbidden");
  assert.equal((await entriesOf(alice, facilityId)).size, 0);
  const forStaff = await staff.get(`/api/waitlist?facilityId=${facilityId}&memberId=bob`);
  assert.deepEqual(forStaff.body.entries.map((e) => e.waitlistId), [waitlistId]);

  // Over a socket: the same answers.
  const socket = await stack.socket(facilityId, { token: bob.token, date: DATE });
  await socket.nextOfType("initial_state");
  const declined = await socket.command("d-1", { action: "waitlist_decline", waitlistId });
  assert.deepEqual([declined.status, declined.body.error], [409, "invalid_state"]);
  const left = await socket.command("l-1", { action: "waitlist_leave", waitlistId });
  assert.equal(left.status, 200, JSON.stringify(left.body));
  assert.equal(left.body.entry.state, "left");
  socket.close();
  const leftAgain = await bob.delete(`/api/waitlist/${waitlistId}`);
  assert.deepEqual([leftAgain.status, leftAgain.body.entry.state], [200, "left"], "leaving twice changes nothing");

  // Metrics and the D1 read are for staff.
  assertError(await bob.get(`/api/facilities/${facilityId}/waitlist/metrics`), 403, "forbidden");
  assertError(await bob.get(`/api/facilities/${facilityId}/waitlist`), 403, "forbidden");
  assertError(await stack.request(`/api/facilities/${facilityId}/waitlist/metrics`), 401, "unauthenticated");
  const counts = await metrics(staff, facilityId);
  assert.deepEqual([counts.joined, counts.waiting, counts.offered], [1, 0, 0]);
  await projected(staff, facilityId, { [waitlistId]: "left" });
});
