// snapshot.test.mjs: snapshots in the real runtime. Every SNAPSHOT_EVERY
// logged commands (5 here) and on demand, the facility object writes the
// core's snapshot and trims its log; after a killed runtime it restores the
// snapshot and replays only the tail, reaching the same state hash; after
// a snapshot that empties the log, the log's numbers go on from it.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { DATE, Stack, assertError, at } from "./harness.mjs";

let stack;
after(() => stack?.stop());

test("snapshots every N commands and on demand; a restart restores snapshot + tail to the same hash", async () => {
  const facilityId = "snap";
  const vars = { SNAPSHOT_EVERY: "5" };
  stack = await Stack.start({ vars });
  await stack.configure(facilityId); // logged command 1
  const member = await stack.as("m-1");
  const staff = await stack.as("desk", { role: "staff", facilities: [facilityId] });
  const state = async () => {
    const reply = await stack.request(`/api/facilities/${facilityId}/state`, { token: staff.token });
    assert.equal(reply.status, 200);
    return reply.body;
  };
  const book = async (courtId, start, end) => { // before the restarts
    const attempt = await member.post("/api/realtime/attempt", { facilityId, courtId, startTime: at(start), endTime: at(end), memberId: "m-1" });
    const confirm = await member.post("/api/realtime/confirm", { facilityId, reservationId: attempt.body.reservationId });
    assert.equal(confirm.status, 200);
    return attempt.body.reservationId;
  };

  const fresh = await state();
  assert.equal(fresh.logLength, 1);
  assert.equal(fresh.snapshotSeq, null);
  assert.match(fresh.stateHash, /^[0-9a-f]{16}$/);

  await book("court-1", "08:00", "09:00"); // commands 2, 3
  await book("court-2", "08:00", "09:00"); // 4, 5: the fifth triggers a snapshot
  const automatic = await state();
  assert.equal(automatic.snapshotSeq, 5);
  assert.equal(automatic.logLength, 0);

  const id = await book("court-3", "08:00", "09:00"); // 6, 7
  const beforeForced = await state();
  assert.equal(beforeForced.logLength, 2);
  const forced = await stack.request(`/api/facilities/${facilityId}/snapshot`, { method: "POST", token: staff.token });
  assert.equal(forced.status, 200);
  assert.equal(forced.body.snapshotSeq, 7);
  const afterForced = await state();
  assert.equal(afterForced.stateHash, beforeForced.stateHash, "a snapshot changes nothing");
  assert.equal(afterForced.logLength, 0);
  assert.equal(afterForced.snapshotSeq, 7);

  assert.equal((await member.delete(`/api/reservations/${id}`)).status, 200); // 8
  await book("padel-1", "17:00", "19:00"); // 9, 10
  const last = await state();
  assert.equal(last.logLength, 3);
  assert.notEqual(last.stateHash, afterForced.stateHash);
  const board = `/api/realtime/availability?facilityId=${facilityId}&date=${DATE}`;
  const day = (await stack.request(board)).body;

  await stack.kill();
  stack = await Stack.start({ persistTo: stack.persistTo, vars });
  const restarted = await state();
  // The outbox's count is the drain's progress, which goes on meanwhile.
  const durable = ({ outbox, ...rest }) => (assert.equal(typeof outbox, "number"), rest);
  assert.deepEqual(durable(restarted), durable(last), "same seq, hash, tail and snapshot after the restart");
  assert.deepEqual((await stack.request(board)).body, day);

  // A snapshot that leaves the log empty, a restart: the log's numbers must
  // go on from the snapshot's (they key the outbox and D1's audit). Numbered
  // from 1 again, the next commands would sit before the snapshot, and the
  // second restart below would not replay them.
  const emptied = await stack.request(`/api/facilities/${facilityId}/snapshot`, { method: "POST", token: staff.token });
  assert.equal(emptied.body.snapshotSeq, last.seq);
  await stack.kill();
  stack = await Stack.start({ persistTo: stack.persistTo, vars });
  const again = await stack.as("m-1");
  const held = await again.post("/api/realtime/attempt", { facilityId, courtId: "court-4", startTime: at("08:00"), endTime: at("09:00"), memberId: "m-1" });
  assert.equal((await again.post("/api/realtime/confirm", { facilityId, reservationId: held.body.reservationId })).status, 200);
  assert.equal((await again.delete(`/api/reservations/${held.body.reservationId}`)).status, 200);
  const goneOn = await state();
  assert.equal(goneOn.seq, last.seq + 3, "attempt, confirm and cancel, each changing the state");
  assert.equal(goneOn.logLength, 3);
  await stack.kill();
  stack = await Stack.start({ persistTo: stack.persistTo, vars });
  assert.deepEqual(durable(await state()), durable(goneOn), "the three replayed after the snapshot");
});

test("state and snapshot are for staff of the facility; an unknown facility is 404", async () => {
  stack ??= await Stack.start();
  const member = await stack.as("m-1");
  const staff = await stack.as("desk-2", { role: "staff", facilities: ["snap-none"] });
  assertError(await stack.request("/api/facilities/snap/state"), 401, "unauthenticated");
  assertError(await member.get("/api/facilities/snap/state"), 403, "forbidden");
  assertError(await member.post("/api/facilities/snap/snapshot"), 403, "forbidden");
  assertError(await staff.get("/api/facilities/snap-none/state"), 404, "not_found");
  assertError(await staff.post("/api/facilities/snap-none/snapshot"), 404, "not_found");
});
