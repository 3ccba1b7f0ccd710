// flow.test.mjs: the booking flow over HTTP through the real local runtime:
// attempt → confirm → availability (with its ETag) → get → cancel, and the
// facility directory. Members act with session tokens.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ADMIN_TOKEN, DATE, Stack, assertError, at, eventually } from "./harness.mjs";

let stack;
before(async () => {
  stack = await Stack.start();
});
after(() => stack?.stop());

const BYTE_ORDERED = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const availabilityPath = (facilityId) => `/api/realtime/availability?facilityId=${facilityId}&date=${DATE}`;

test("a hold, confirmed, shows as reserved, then cancelled frees the slots", async () => {
  const facilityId = "flow";
  await stack.configure(facilityId);
  const booking = { facilityId, courtId: "court-2", startTime: at("18:00"), endTime: at("19:00"), memberId: "m-1" };
  const member = await stack.as("m-1");

  const sentAt = Date.now();
  const attempt = await member.post("/api/realtime/attempt", booking);
  assert.equal(attempt.status, 200);
  assert.equal(attempt.body.success, true);
  assert.match(attempt.body.reservationId, /^flow_[A-Za-z0-9]{19}$/);
  // After the facility's `_`, the second it was made, in base62 digits
  // ordered as bytes are, so ids sort by when they were made.
  const made = [...attempt.body.reservationId.slice(5, 11)].reduce((n, digit) => n * 62 + BYTE_ORDERED.indexOf(digit), 0);
  assert.ok(made >= Math.floor(sentAt / 1000) && made <= Date.now() / 1000, `made at ${made}`);
  assert.ok(Date.parse(attempt.body.holdExpiry) > sentAt, "the hold expires in the future");
  const reservationId = attempt.body.reservationId;

  const confirm = await member.post("/api/realtime/confirm", { facilityId, reservationId });
  assert.equal(confirm.status, 200);
  assert.equal(confirm.body.reservation.status, "confirmed");

  const day = await stack.request(availabilityPath(facilityId));
  assert.equal(day.status, 200);
  assert.equal(day.headers.get("ETag"), `"${day.body.seq}"`);
  let reserved = 0;
  for (const court of day.body.courts) {
    for (const slot of court.slots) {
      const booked = court.courtId === booking.courtId && slot.startTime >= booking.startTime && slot.startTime < booking.endTime;
      assert.equal(slot.status, booked ? "reserved" : "available", `${court.courtId} at ${slot.startTime}`);
      if (booked) reserved++;
    }
  }
  assert.equal(reserved, 2, "two 30-minute slots cover the hour");

  for (const etag of [`"${day.body.seq}"`, `W/"${day.body.seq}"`, String(day.body.seq)]) {
    const unchanged = await stack.request(availabilityPath(facilityId), { headers: { "If-None-Match": etag } });
    assert.equal(unchanged.status, 304, etag);
    assert.equal(unchanged.body, null);
    assert.equal(unchanged.headers.get("ETag"), `"${day.body.seq}"`);
  }

  const got = await member.get(`/api/reservations/${reservationId}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.reservation.status, "confirmed");
  assert.equal(got.body.reservation.courtId, booking.courtId);

  const cancel = await member.delete(`/api/reservations/${reservationId}`, { reason: "rain" });
  assert.equal(cancel.status, 200);
  assert.equal(cancel.body.reservation.status, "cancelled");

  const freed = await stack.request(availabilityPath(facilityId), { headers: { "If-None-Match": `"${day.body.seq}"` } });
  assert.equal(freed.status, 200);
  assert.ok(freed.body.seq > day.body.seq);
  assert.ok(freed.body.courts.every((court) => court.slots.every((slot) => slot.status === "available")));
});

test("release and cancel by POST, at a facility with the longest id (so the longest reservation ids)", async () => {
  const facilityId = `flow-post-${"x".repeat(30)}`; // 40 characters, the most allowed
  await stack.configure(facilityId);
  const member = await stack.as("m-2");
  const hold = async (courtId) => {
    const attempt = await member.post("/api/realtime/attempt", {
      facilityId, courtId, startTime: at("09:00"), endTime: at("10:30"), memberId: "m-2", durationMinutes: 90,
    });
    assert.equal(attempt.status, 200);
    assert.equal(attempt.body.reservationId.length, 60, "the most an id the facility makes may have");
    return attempt.body.reservationId;
  };

  const held = await hold("court-1");
  const release = await member.post("/api/realtime/release", { facilityId, reservationId: held });
  assert.equal(release.status, 200);
  assert.equal(release.body.reservation.status, "released");

  const booked = await hold("court-1");
  assert.equal((await member.post("/api/realtime/confirm", { facilityId, reservationId: booked })).status, 200);
  const cancel = await member.post("/api/realtime/cancel", { facilityId, reservationId: booked, reason: "injury" });
  assert.equal(cancel.status, 200);
  assert.equal(cancel.body.reservation.status, "cancelled");
});

test("the facility directory and a facility's configuration", async () => {
  const config = await stack.configure("directory");

  // The directory is D1's projection, which follows the facility's outbox.
  const list = await eventually(async () => {
    const reply = await stack.request("/api/facilities");
    return reply.body.some((facility) => facility.facilityId === "directory") ? reply : undefined;
  }, { what: "the directory listing the facility" });
  assert.equal(list.status, 200);
  assert.deepEqual(
    list.body.find((facility) => facility.facilityId === "directory"),
    { facilityId: "directory", name: config.name, timeZone: config.timeZone },
  );
  const ids = list.body.map((facility) => facility.facilityId);
  assert.deepEqual(ids, [...ids].sort(), "ordered by facility id");

  const facility = await stack.request("/api/facilities/directory");
  assert.equal(facility.status, 200);
  assert.equal(facility.body.name, config.name);
  assert.equal(facility.body.timeZone, "America/New_York");
  assert.equal(facility.body.gridMinutes, 30);
  assert.deepEqual(facility.body.durationsMinutes, [60, 90, 120]);
  assert.deepEqual(
    facility.body.courts.map(({ courtId, capacity }) => ({ courtId, capacity })),
    config.courts.map(({ courtId, capacity = 1 }) => ({ courtId, capacity })),
  );
});

test("unknown things, wrong methods, missing credentials", async () => {
  assertError(await stack.request("/api/facilities/nowhere"), 404, "not_found");
  assertError(await stack.request(`/api/realtime/availability?facilityId=nowhere&date=${DATE}`), 404, "not_found");
  const token = await stack.token("m-1");
  for (const path of ["/api/reservations/nowhere_AAAAAAAAAAAAAAAA", "/api/reservations/no-facility-part", "/api/nothing", "/nothing.js", "/f/demo/extra"]) {
    assertError(await stack.request(path, { token }), 404, "not_found", path);
  }

  const wrongMethod = await stack.request("/api/realtime/attempt");
  assertError(wrongMethod, 405, "method_not_allowed");
  assert.equal(wrongMethod.headers.get("Allow"), "POST");

  for (const headers of [{}, { Authorization: `Bearer ${ADMIN_TOKEN}x` }, { Authorization: ADMIN_TOKEN }]) {
    const put = await stack.request("/api/facilities/locked", { method: "PUT", body: { facilityId: "locked" }, headers });
    assertError(put, 401, "unauthenticated", JSON.stringify(headers));
  }
});
