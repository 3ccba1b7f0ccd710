// reschedule.test.mjs: PATCH /api/reservations/{id} moves a booking in one
// step under optimistic locking. Two concurrent moves with the same
// expectedVersion: exactly one wins, the other is 409 version_conflict with
// currentVersion. The old place stays taken until the move succeeds: a
// refused move leaves everything as it was.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DATE, Stack, assertError, at } from "./harness.mjs";

let stack;
before(async () => {
  stack = await Stack.start();
});
after(() => stack?.stop());

const board = async (facilityId) =>
  (await stack.request(`/api/realtime/availability?facilityId=${facilityId}&date=${DATE}`)).body;
const status = (day, courtId, time) =>
  day.courts.find((court) => court.courtId === courtId).slots.find((slot) => slot.startTime === at(time)).status;

async function confirmed(member, memberId, facilityId, courtId, start, end) {
  const attempt = await member.post("/api/realtime/attempt", { facilityId, courtId, startTime: at(start), endTime: at(end), memberId });
  const confirm = await member.post("/api/realtime/confirm", { facilityId, reservationId: attempt.body.reservationId });
  assert.equal(confirm.status, 200);
  return confirm.body.reservation;
}

test("two concurrent moves with the same expectedVersion: exactly one wins", async () => {
  const facilityId = "move-race";
  await stack.configure(facilityId);
  const member = await stack.as("m-1");
  const booking = await confirmed(member, "m-1", facilityId, "court-1", "18:00", "19:00");
  const path = `/api/reservations/${booking.reservationId}`;

  const [toCourt2, toCourt3] = await Promise.all([
    member.patch(path, { courtId: "court-2", expectedVersion: booking.version }),
    member.patch(path, { courtId: "court-3", startTime: at("20:00"), endTime: at("21:00"), expectedVersion: booking.version }),
  ]);
  const replies = [toCourt2, toCourt3];
  const won = replies.filter((reply) => reply.status === 200);
  const lost = replies.filter((reply) => reply.status !== 200);
  assert.equal(won.length, 1, JSON.stringify(replies.map((reply) => reply.body)));
  assertError(lost[0], 409, "version_conflict");
  const moved = won[0].body.reservation;
  assert.equal(moved.version, booking.version + 1);
  assert.equal(lost[0].body.currentVersion, moved.version);

  // The facility holds exactly the winner's move.
  const live = (await member.get(path)).body.reservation;
  assert.deepEqual(live, moved);
  const day = await board(facilityId);
  assert.equal(status(day, "court-1", "18:00"), "available", "the old place is free after the move");
  assert.equal(status(day, moved.courtId, "18:00") === "reserved" || status(day, moved.courtId, "20:00") === "reserved", true);
  const loserCourt = moved.courtId === "court-2" ? "court-3" : "court-2";
  assert.ok(day.courts.find((court) => court.courtId === loserCourt).slots.every((slot) => slot.status === "available"));

  // A retry with the current version goes through.
  const retry = await member.patch(path, { courtId: "court-4", expectedVersion: lost[0].body.currentVersion });
  assert.equal(retry.status, 200);
  assert.equal(retry.body.reservation.courtId, "court-4");
});

test("the old place stays taken until the move succeeds; a refused move changes nothing", async () => {
  const facilityId = "move-hold";
  await stack.configure(facilityId);
  const member = await stack.as("m-1");
  const other = await stack.as("m-2");
  const booking = await confirmed(member, "m-1", facilityId, "court-1", "09:00", "10:00");
  await confirmed(other, "m-2", facilityId, "court-2", "09:00", "10:00");
  const path = `/api/reservations/${booking.reservationId}`;
  const before = await board(facilityId);

  // The target is taken: 409, and the booking keeps its place and version.
  assertError(await member.patch(path, { courtId: "court-2", expectedVersion: booking.version }), 409, "slot_unavailable");
  assertError(await member.patch(path, { startTime: at("09:10"), expectedVersion: booking.version }), 409, "rule_violation");
  assertError(await member.patch(path, { courtId: "court-9", expectedVersion: booking.version }), 404, "not_found");
  assertError(await member.patch(path, { courtId: "court-3" }), 400, "invalid_field");
  assertError(await other.patch(path, { courtId: "court-3", expectedVersion: booking.version }), 403, "forbidden");
  assert.deepEqual((await member.get(path)).body.reservation, booking);
  assert.deepEqual(await board(facilityId), before, "nothing changed, not even the seq");

  // Meanwhile nobody can take the old place.
  assertError(await other.post("/api/realtime/attempt", {
    facilityId, courtId: "court-1", startTime: at("09:00"), endTime: at("10:00"), memberId: "m-2",
  }), 409, "slot_unavailable");

  // Moving it later in the day, keeping its length.
  const moved = await member.patch(path, { startTime: at("11:00"), expectedVersion: booking.version });
  assert.equal(moved.status, 200);
  assert.equal(moved.body.reservation.endTime, at("12:00"));
  const after = await board(facilityId);
  assert.equal(status(after, "court-1", "09:00"), "available");
  assert.equal(status(after, "court-1", "11:00"), "reserved");
  assert.ok(after.seq > before.seq);
});
