// outbox.test.mjs: the outbox survives a crash between commit and drain.
// The first runtime has draining switched off (OUTBOX_DRAIN=off, a
// development-only switch that makes every drain fail as if D1 were down),
// so replies are released while D1 has none of the changes; halfway, a
// snapshot trims the log, so the older effects must have gone to the
// outbox table while the newer ones wait in memory. It is then killed
// (SIGKILL). A second runtime, draining still off, has every effect back
// (the table's, and the log's replay for the rest). A normal runtime on the
// same storage catches D1 up from the alarm, without any request waking
// the facility: exactly one audit row per change, and projected
// reservations equal to the live ones. A last runtime, draining off again,
// regenerates nothing: the drain stored how far it got.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { localDate } from "../../scripts/local-time.mjs";
import { DATE, Stack, TIME_ZONE, assertError, at, eventually } from "./harness.mjs";

let stack;
after(() => stack?.stop());

test("D1 catches up exactly after a crash between commit and drain", async () => {
  const facilityId = "outbox";
  stack = await Stack.start({ vars: { OUTBOX_DRAIN: "off" } });
  await stack.configure(facilityId);
  const member = await stack.as("m-1");
  const staff = await stack.as("desk", { role: "staff", facilities: [facilityId] });
  const expected = []; // [reservationId, action] per change, in commit order
  const ids = [];
  for (const [courtId, start, end] of [["court-1", "08:00", "09:00"], ["court-2", "08:00", "09:00"], ["court-3", "10:00", "11:00"]]) {
    const attempt = await member.post("/api/realtime/attempt", {
      facilityId, courtId, startTime: at(start), endTime: at(end), memberId: "m-1",
    });
    assert.equal(attempt.status, 200);
    const { reservationId } = attempt.body;
    assert.equal((await member.post("/api/realtime/confirm", { facilityId, reservationId })).status, 200);
    expected.push([reservationId, "attempt"], [reservationId, "confirm"]);
    ids.push(reservationId);
  }
  const snapshot = await stack.request(`/api/facilities/${facilityId}/snapshot`, { method: "POST", token: staff.token });
  assert.equal(snapshot.status, 200);
  assert.equal((await member.delete(`/api/reservations/${ids[1]}`, { reason: "rain" })).status, 200);
  expected.push([ids[1], "cancel"]);
  const booked = await staff.post("/api/reservations", {
    facilityId, courtId: "court-4", startTime: at("12:00"), endTime: at("13:00"), memberId: "m-2",
  });
  assert.equal(booked.status, 201);
  expected.push([booked.body.reservation.reservationId, "book"]);
  ids.push(booked.body.reservation.reservationId);

  // Replies were released, yet D1 has nothing: the drain is failing.
  assert.deepEqual((await staff.get(`/api/facilities/${facilityId}/audit`)).body.entries, []);
  assert.ok(!(await stack.request("/api/facilities")).body.some((facility) => facility.facilityId === facilityId));
  // A rebuild from D1 now would lose changes: refused, nothing changed.
  const seq = await stack.seq(facilityId, DATE);
  assertError(await staff.post("/api/realtime/sync", { facilityId }), 503, "unavailable");
  assert.equal(await stack.seq(facilityId, DATE), seq);

  const waiting = await outboxSize(staff, facilityId);
  assert.ok(waiting >= expected.length, `${waiting} effects wait for D1`);

  // Restarted, still unable to drain: the same effects wait, none twice.
  await stack.kill();
  stack = await Stack.start({ persistTo: stack.persistTo, vars: { OUTBOX_DRAIN: "off" } });
  assert.equal(await outboxSize(staff, facilityId), waiting);

  await stack.kill();
  stack = await Stack.start({ persistTo: stack.persistTo });

  // Only the Worker's D1 reads from here until D1 has caught up: the
  // facility object is woken by its own alarm.
  const audit = await eventually(async () => {
    const page = await stack.request(`/api/facilities/${facilityId}/audit`, { token: staff.token });
    return page.body.entries.length >= expected.length ? page.body : undefined;
  }, { what: "the audit log catching up", timeoutMs: 30_000 });
  assert.deepEqual(audit.entries.map((entry) => [entry.reservationId, entry.action]), expected);
  assert.equal(audit.next, null);
  const positions = audit.entries.map((entry) => `${entry.logSeq}.${entry.idx}`);
  assert.equal(new Set(positions).size, positions.length, "no change recorded twice");
  const cancel = audit.entries.find((entry) => entry.action === "cancel");
  assert.deepEqual(cancel.actor, { memberId: "m-1", role: "member" });
  assert.equal(cancel.from.status, "confirmed");
  assert.equal(cancel.to.status, "cancelled");
  assert.deepEqual(audit.entries.find((entry) => entry.action === "book").actor, { memberId: "desk", role: "staff" });

  // The projection holds each reservation exactly as the facility does.
  const projected = (await stack.request(`/api/facilities/${facilityId}/reservations`, { token: staff.token })).body.reservations;
  assert.deepEqual(projected.map((row) => row.reservationId).sort(), [...ids].sort());
  for (const row of projected) {
    const live = (await stack.request(`/api/reservations/${row.reservationId}`, { token: staff.token })).body.reservation;
    const same = Object.fromEntries(Object.keys(row).map((key) => [key, live[key]]));
    assert.deepEqual(row, same, row.reservationId);
    assert.equal(Object.keys(row).length, 11, "every projected column compared");
  }
  // Reminder plans too: a booking's jobs scheduled, and those of the one
  // confirmed and then cancelled (both in the same catch-up batch) cancelled.
  const jobs = async (id) => (await stack.request(`/api/bookings/${id}/reminders`, { token: staff.token })).body;
  const kept = await jobs(ids[0]);
  assert.ok(kept.length > 0 && kept.every((job) => job.state === "scheduled"), JSON.stringify(kept));
  const dropped = await jobs(ids[1]);
  assert.ok(dropped.length > 0 && dropped.every((job) => job.state === "cancelled"), JSON.stringify(dropped));
  const listed = await stack.request("/api/facilities");
  assert.ok(listed.body.some((facility) => facility.facilityId === facilityId), "the directory has the facility");

  // Nothing more arrives later: the outbox is empty, not replaying.
  const state = await stack.request(`/api/facilities/${facilityId}/state`, { token: staff.token });
  assert.equal(state.status, 200);
  const again = await stack.request(`/api/facilities/${facilityId}/audit`, { token: staff.token });
  assert.equal(again.body.entries.length, expected.length);
  await eventually(async () => (await outboxSize(staff, facilityId)) === 0 || undefined, { what: "the outbox emptying" });

  // Restarted once more with draining off: the log still holds the commands
  // since the snapshot, but their effects are known drained.
  await stack.kill();
  stack = await Stack.start({ persistTo: stack.persistTo, vars: { OUTBOX_DRAIN: "off" } });
  assert.equal(await outboxSize(staff, facilityId), 0);
  const log = (await stack.request(`/api/facilities/${facilityId}/state`, { token: staff.token })).body.logLength;
  assert.ok(log > 0, "commands since the snapshot are still logged");
});

// More than 4,096 effects waiting in memory go to the outbox table with the
// command that would pass that bound, without a snapshot (as at a facility
// too large for one while D1 is down). Past it, the count survives a
// killed runtime (the table's rows and the log's regenerated ones, none
// twice), and D1 then gets every change once.
test("past 4,096 effects waiting, the count survives a crash and D1 gets every change once", async () => {
  const facilityId = "outbox-bound";
  await stack?.stop();
  stack = await Stack.start({ vars: { OUTBOX_DRAIN: "off", SNAPSHOT_EVERY: "100000" } });
  await stack.configure(facilityId);
  const staff = await stack.as("desk", { role: "staff", facilities: [facilityId] });
  // One slot of its own for each member (two days, 4 courts, 08:00-20:00),
  // held, confirmed and cancelled 7 times: 21 commands, under the 30 per 10 s
  // a member may send.
  const slots = [];
  for (const date of [localDate(TIME_ZONE, 4), localDate(TIME_ZONE, 5)]) {
    for (const courtId of ["court-1", "court-2", "court-3", "court-4"]) {
      for (let hour = 8; hour < 20; hour++) {
        slots.push({ courtId, startTime: at(`${hour}:00`.padStart(5, "0"), date), endTime: at(`${hour + 1}:00`.padStart(5, "0"), date) });
      }
    }
  }
  const cycles = 7;
  const members = await Promise.all(slots.map((_, i) => stack.as(`bound-${i}`)));
  const cycle = async (member, memberId, slot) => {
    const held = await member.post("/api/realtime/attempt", { facilityId, ...slot, memberId });
    assert.equal(held.status, 200, JSON.stringify(held.body));
    const { reservationId } = held.body;
    assert.equal((await member.post("/api/realtime/confirm", { facilityId, reservationId })).status, 200);
    assert.equal((await member.delete(`/api/reservations/${reservationId}`, { reason: "test" })).status, 200);
  };
  for (let from = 0; from < slots.length; from += 16) {
    await Promise.all(slots.slice(from, from + 16).map(async (slot, k) => {
      for (let n = 0; n < cycles; n++) await cycle(members[from + k], `bound-${from + k}`, slot);
    }));
  }
  const waiting = await outboxSize(staff, facilityId);
  assert.ok(waiting > 4096, `${waiting} effects wait, past the bound of 4,096 in memory`);

  await stack.kill();
  stack = await Stack.start({ persistTo: stack.persistTo, vars: { OUTBOX_DRAIN: "off", SNAPSHOT_EVERY: "100000" } });
  assert.equal(await outboxSize(staff, facilityId), waiting);

  await stack.kill();
  stack = await Stack.start({ persistTo: stack.persistTo, vars: { SNAPSHOT_EVERY: "100000" } });
  await eventually(async () => (await outboxSize(staff, facilityId)) === 0 || undefined, { what: "the outbox emptying", timeoutMs: 60_000 });
  const actions = new Map();
  for (let after = ""; ;) {
    const page = await stack.request(`/api/facilities/${facilityId}/audit${after}`, { token: staff.token });
    assert.equal(page.status, 200);
    for (const entry of page.body.entries) actions.set(entry.action, (actions.get(entry.action) ?? 0) + 1);
    if (page.body.next === null) break;
    after = `?after=${page.body.next}`;
  }
  const changes = slots.length * cycles;
  assert.deepEqual(Object.fromEntries(actions), { attempt: changes, confirm: changes, cancel: changes });
});

// How many effects of the facility wait for D1 (GET .../state's `outbox`).
async function outboxSize(staff, facilityId) {
  const state = await stack.request(`/api/facilities/${facilityId}/state`, { token: staff.token });
  assert.equal(state.status, 200);
  return state.body.outbox;
}
