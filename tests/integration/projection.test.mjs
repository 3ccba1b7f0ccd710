// projection.test.mjs: the D1 projection as clients see it. A member's
// upcoming reservations across facilities (GET /api/members/me/reservations),
// and POST /api/realtime/sync rebuilding a facility's live state from D1:
// it says what it found and imported, and availability is the same after.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DATE, Stack, assertError, at, eventually } from "./harness.mjs";

let stack;
before(async () => {
  stack = await Stack.start();
});
after(() => stack?.stop());

async function book(member, memberId, facilityId, courtId, start, end, date = DATE) {
  const attempt = await member.post("/api/realtime/attempt", {
    facilityId, courtId, startTime: at(start, date), endTime: at(end, date), memberId,
  });
  assert.equal(attempt.status, 200, JSON.stringify(attempt.body));
  const confirm = await member.post("/api/realtime/confirm", { facilityId, reservationId: attempt.body.reservationId });
  assert.equal(confirm.status, 200);
  return confirm.body.reservation;
}

// Polls the staff's projection of `facilityId` until it has `count` rows.
function projected(staff, facilityId, count) {
  return eventually(async () => {
    const reply = await staff.get(`/api/facilities/${facilityId}/reservations`);
    return reply.body.reservations.length === count && reply.body.reservations.every((row) => row.status !== "held")
      ? reply.body.reservations
      : undefined;
  }, { what: `${count} rows of ${facilityId} in D1` });
}

test("a member's upcoming reservations across facilities, from D1", async () => {
  await stack.configure("mine-a");
  await stack.configure("mine-b");
  const member = await stack.as("mine-1");
  const later = await book(member, "mine-1", "mine-b", "court-2", "18:00", "19:00");
  const sooner = await book(member, "mine-1", "mine-a", "court-1", "08:00", "09:00");
  const cancelled = await book(member, "mine-1", "mine-a", "court-3", "10:00", "11:00");
  assert.equal((await member.delete(`/api/reservations/${cancelled.reservationId}`)).status, 200);
  await book(await stack.as("mine-2"), "mine-2", "mine-a", "court-4", "08:00", "09:00"); // someone else's

  const mine = await eventually(async () => {
    const reply = await member.get("/api/members/me/reservations");
    assert.equal(reply.status, 200);
    const ids = reply.body.reservations.map((r) => r.reservationId);
    // The projection follows the facility: wait until both are confirmed there too.
    const caughtUp = reply.body.reservations.every((r) => r.status === "confirmed");
    return ids.length === 2 && !ids.includes(cancelled.reservationId) && caughtUp ? reply.body : undefined;
  }, { what: "the two upcoming bookings in D1, confirmed" });
  assert.equal(mine.memberId, "mine-1");
  assert.deepEqual(mine.reservations.map((r) => r.reservationId), [sooner.reservationId, later.reservationId], "soonest first");
  assert.deepEqual(mine.reservations.map((r) => r.facilityId), ["mine-a", "mine-b"]);
  for (const [row, live] of [[mine.reservations[0], sooner], [mine.reservations[1], later]]) {
    assert.deepEqual([row.status, row.version, row.courtId, row.startTime], [live.status, live.version, live.courtId, live.startTime]);
  }
});

test("sync rebuilds a facility from D1: found and imported match, availability unchanged", async () => {
  const facilityId = "sync";
  await stack.configure(facilityId, { tiers: [{ tier: "gold", priority: 5 }] });
  const staff = await stack.as("desk", { role: "staff", facilities: [facilityId] });
  const m1 = await stack.as("m-1");
  const m2 = await stack.as("m-2");
  const kept = [
    await book(m1, "m-1", facilityId, "court-1", "08:00", "09:00"),
    await book(m2, "m-2", facilityId, "court-2", "08:00", "09:30"),
    await book(m1, "m-1", facilityId, "lane-1", "18:00", "19:00"),
  ];
  // A blocked period and a member's tier, which the rebuild must bring back too.
  const block = await staff.post(`/api/facilities/${facilityId}/blocks`, {
    courtId: "court-4", startTime: at("14:00"), endTime: at("16:00"), reason: "resurfacing",
  });
  assert.equal(block.status, 200, JSON.stringify(block.body));
  const tier = await staff.put(`/api/facilities/${facilityId}/members/m-2`, { tier: "gold" });
  assert.equal(tier.status, 200, JSON.stringify(tier.body));
  const gone = await book(m2, "m-2", facilityId, "court-3", "12:00", "13:00");
  assert.equal((await m2.delete(`/api/reservations/${gone.reservationId}`)).status, 200);
  const moved = await m1.patch(`/api/reservations/${kept[0].reservationId}`, { startTime: at("10:00"), expectedVersion: kept[0].version });
  assert.equal(moved.status, 200);
  kept[0] = moved.body.reservation;
  await projected(staff, facilityId, 4); // D1 has caught up (sync would also wait for it)
  const board = `/api/realtime/availability?facilityId=${facilityId}&date=${DATE}`;
  const before = (await stack.request(board)).body;

  assertError(await stack.post("/api/realtime/sync", { facilityId }), 401, "unauthenticated");
  assertError(await m1.post("/api/realtime/sync", { facilityId }), 403, "forbidden");
  assertError(await staff.post("/api/realtime/sync", { facilityId: "sync-nowhere" }), 403, "forbidden");
  assertError(await staff.post("/api/realtime/sync", {}), 400, "invalid_field");
  const admin = await stack.as("root", { role: "admin" });
  assertError(await admin.post("/api/realtime/sync", { facilityId: "sync-nowhere" }), 404, "not_found");

  const synced = await staff.post("/api/realtime/sync", { facilityId });
  assert.equal(synced.status, 200, JSON.stringify(synced.body));
  assert.deepEqual(synced.body, { success: true, facilityId, found: { reservations: 3 }, imported: 3, skipped: [] });

  const afterSync = (await stack.request(board)).body;
  assert.deepEqual(afterSync.courts, before.courts, "the same availability, the blocked court closed as before");
  assert.ok(afterSync.seq > before.seq, `the seq goes on (${before.seq} -> ${afterSync.seq})`);
  assert.equal((await staff.get(`/api/facilities/${facilityId}/members/m-2`)).body.member.tier, "gold");
  for (const reservation of kept) {
    const live = await staff.get(`/api/reservations/${reservation.reservationId}`);
    assert.equal(live.status, 200);
    assert.deepEqual(
      [live.body.reservation.status, live.body.reservation.version, live.body.reservation.courtId, live.body.reservation.startTime],
      [reservation.status, reservation.version, reservation.courtId, reservation.startTime],
    );
  }
  // The rebuilt facility takes bookings and keeps capacity.
  assertError(await m2.post("/api/realtime/attempt", {
    facilityId, courtId: "court-2", startTime: at("08:00"), endTime: at("09:00"), memberId: "m-2",
  }), 409, "slot_unavailable");
  await book(m2, "m-2", facilityId, "court-3", "12:00", "13:00");
  const second = await staff.post("/api/realtime/sync", { facilityId });
  assert.equal(second.status, 200);
  assert.equal(second.body.found.reservations, 4, "the booking made after the first sync is in D1 too");
  assert.equal(second.body.imported, 4);
});
