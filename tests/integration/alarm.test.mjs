// alarm.test.mjs: an expired hold frees its slot through the Durable Object's
// alarm, with no request arriving: the reservation's updatedAt is the
// alarm's tick (at its holdExpiry), not the later read.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, test } from "node:test";
import { DATE, Stack, assertError, at } from "./harness.mjs";

let stack;
before(async () => {
  stack = await Stack.start();
});
after(() => stack?.stop());

test("a hold expires at its deadline without any request", async () => {
  const facilityId = "alarm";
  await stack.configure(facilityId, { holdTtlSeconds: 1 });
  const member = await stack.as("m-1");
  const attempt = await member.post("/api/realtime/attempt", {
    facilityId, courtId: "court-1", startTime: at("12:00"), endTime: at("13:00"), memberId: "m-1",
  });
  assert.equal(attempt.status, 200);
  const { reservationId, holdExpiry } = attempt.body;

  await sleep(3000); // nothing reaches the facility meanwhile but its alarm

  const got = await member.get(`/api/reservations/${reservationId}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.reservation.status, "expired");
  const lateMs = Date.parse(got.body.reservation.updatedAt) - Date.parse(holdExpiry);
  assert.ok(lateMs >= 0 && lateMs <= 1500, `expired ${lateMs} ms after holdExpiry`);

  assertError(await member.post("/api/realtime/confirm", { facilityId, reservationId }), 410, "hold_expired");
  const day = await stack.request(`/api/realtime/availability?facilityId=${facilityId}&date=${DATE}`);
  assert.ok(day.body.courts.every((court) => court.slots.every((slot) => slot.status === "available")));
});
