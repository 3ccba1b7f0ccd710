// capacity.test.mjs: a court's capacity holds under concurrent requests, and
// overlap is judged on intervals, not slot keys.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Stack, assertError, at } from "./harness.mjs";

let stack;
before(async () => {
  stack = await Stack.start();
});
after(() => stack?.stop());

const attempt = async (facilityId, courtId, start, end, memberId) =>
  (await stack.as(memberId)).post("/api/realtime/attempt", { facilityId, courtId, startTime: at(start), endTime: at(end), memberId });

test("50 concurrent attempts on one slot give exactly one hold", async () => {
  const facilityId = "rush";
  await stack.configure(facilityId);
  await Promise.all(Array.from({ length: 50 }, (_, i) => stack.token(`m-${i}`))); // sessions first, then the rush
  const replies = await Promise.all(
    Array.from({ length: 50 }, (_, i) => attempt(facilityId, "court-1", "18:00", "19:00", `m-${i}`)),
  );
  const held = replies.filter((reply) => reply.status === 200);
  assert.equal(held.length, 1);
  for (const reply of replies.filter((reply) => reply.status !== 200)) assertError(reply, 409, "slot_unavailable");
});

test("a 90-minute booking at 18:00 blocks 18:30 on its court only", async () => {
  const facilityId = "overlap";
  await stack.configure(facilityId);
  const long = await attempt(facilityId, "court-3", "18:00", "19:30", "m-1");
  assert.equal(long.status, 200);
  const confirm = await (await stack.as("m-1")).post("/api/realtime/confirm", { facilityId, reservationId: long.body.reservationId });
  assert.equal(confirm.status, 200);

  assertError(await attempt(facilityId, "court-3", "18:30", "19:30", "m-2"), 409, "slot_unavailable");
  assert.equal((await attempt(facilityId, "court-4", "18:30", "19:30", "m-2")).status, 200);
  assert.equal((await attempt(facilityId, "court-3", "19:30", "20:30", "m-3")).status, 200, "touching is not overlapping");
});

test("a shared lane takes as many as its capacity", async () => {
  const facilityId = "lane";
  await stack.configure(facilityId);
  for (let i = 0; i < 4; i++) assert.equal((await attempt(facilityId, "lane-1", "07:00", "08:00", `m-${i}`)).status, 200);
  assertError(await attempt(facilityId, "lane-1", "07:30", "08:30", "m-5"), 409, "slot_unavailable");
});
