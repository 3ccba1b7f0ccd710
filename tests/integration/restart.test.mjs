// restart.test.mjs: the state survives the runtime being killed (SIGKILL to
// wrangler and workerd): a new runtime on the same storage replays each
// facility's log and has every confirmed reservation, at the same seq.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { DATE, Stack, at, eventually } from "./harness.mjs";

let stack;
after(() => stack?.stop());

test("confirmed reservations survive a killed runtime", async () => {
  stack = await Stack.start();
  const facilityId = "restart";
  await stack.configure(facilityId);
  const bookings = [
    ["court-1", "08:00", "09:00"],
    ["court-1", "09:00", "10:30"],
    ["padel-1", "17:00", "19:00"],
  ];
  const ids = [];
  const member = await stack.as("m-1");
  for (const [courtId, start, end] of bookings) {
    const attempt = await member.post("/api/realtime/attempt", {
      facilityId, courtId, startTime: at(start), endTime: at(end), memberId: "m-1",
    });
    assert.equal(attempt.status, 200);
    const confirm = await member.post("/api/realtime/confirm", { facilityId, reservationId: attempt.body.reservationId });
    assert.equal(confirm.status, 200);
    ids.push(attempt.body.reservationId);
  }
  const path = `/api/realtime/availability?facilityId=${facilityId}&date=${DATE}`;
  const before = await stack.request(path);

  await stack.kill();
  stack = await Stack.start({ persistTo: stack.persistTo });

  for (const id of ids) {
    const got = await stack.request(`/api/reservations/${id}`, { token: member.token }); // the session survived too
    assert.equal(got.status, 200, id);
    assert.equal(got.body.reservation.status, "confirmed", id);
  }
  const afterRestart = await stack.request(path);
  assert.equal(afterRestart.headers.get("ETag"), before.headers.get("ETag"));
  assert.deepEqual(afterRestart.body, before.body);
  await eventually(async () => {
    const listed = await stack.request("/api/facilities");
    return listed.body.some((facility) => facility.facilityId === facilityId) || undefined;
  }, { what: "the directory listing the facility" });
});
