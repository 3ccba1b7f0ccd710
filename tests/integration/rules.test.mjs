// rules.test.mjs: every club rule over HTTP through the real runtime, one
// test per rule, each on a facility of its own. The rules live in the core;
// these prove the edge carries them (the actor, the time, the 409 naming the
// rule). Facilities whose rules depend on the time of day use a fixed-offset
// zone in which it is now about noon, so "later today" and "the window opens
// at 14:30" mean the same whenever the suite runs. Plus a daylight-saving
// day in America/New_York.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { localDate, localInstant } from "../../scripts/local-time.mjs";
import { Stack, assertError } from "./harness.mjs";

let stack;
let desk; // staff everywhere these tests configure
before(async () => {
  stack = await Stack.start();
});
after(() => stack?.stop());

// The Etc/GMT zone where the local time is now 12:00-12:59 (Etc/GMT-N is UTC+N).
const NOON_ZONE = (() => {
  const offset = 12 - new Date().getUTCHours();
  return offset === 0 ? "Etc/GMT" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
})();

// Configures `facilityId` in NOON_ZONE with `changes`; returns helpers for
// its days and times.
async function facility(facilityId, changes = {}) {
  await stack.configure(facilityId, { timeZone: NOON_ZONE, ...changes });
  desk ??= await stack.as("desk", { role: "staff", facilities: FACILITIES });
  const day = (daysAhead) => localDate(NOON_ZONE, daysAhead);
  const slot = (daysAhead, start, end, courtId = "court-1") => ({
    facilityId, courtId, startTime: localInstant(day(daysAhead), start, NOON_ZONE), endTime: localInstant(day(daysAhead), end, NOON_ZONE),
  });
  return { day, slot };
}
const FACILITIES = ["r-window", "r-opens-late", "r-opens-early", "r-notice", "r-active", "r-per-day", "r-buffer", "r-block", "r-late", "r-holds", "r-tier"];

async function book(member, memberId, place) {
  const attempt = await member.post("/api/realtime/attempt", { ...place, memberId });
  assert.equal(attempt.status, 200, JSON.stringify(attempt.body));
  const confirm = await member.post("/api/realtime/confirm", { facilityId: place.facilityId, reservationId: attempt.body.reservationId });
  assert.equal(confirm.status, 200);
  return attempt.body.reservationId;
}

function assertRule(reply, rule) {
  assertError(reply, 409, "rule_violation", rule);
  assert.equal(reply.body.rule, rule);
}

test("booking_window: members book at most windowDays ahead; staff are not bound", async () => {
  const { slot } = await facility("r-window", { rules: { windowDays: 2 } });
  const member = await stack.as("m-1");
  assertRule(await member.post("/api/realtime/attempt", { ...slot(3, "18:00", "19:00"), memberId: "m-1" }), "booking_window");
  assert.equal((await member.post("/api/realtime/attempt", { ...slot(1, "18:00", "19:00"), memberId: "m-1" })).status, 200);
  assert.equal((await desk.post("/api/reservations", { ...slot(3, "18:00", "19:00"), memberId: "m-1" })).status, 201);
});

test("booking_window with windowOpensAt: the farthest day opens at that local time", async () => {
  const member = await stack.as("m-1");
  // It is about 12:00 there: a window opening at 14:30 has not opened today's farthest day yet...
  const late = await facility("r-opens-late", { rules: { windowDays: 3, windowOpensAt: "14:30" } });
  assertRule(await member.post("/api/realtime/attempt", { ...late.slot(3, "18:00", "19:00"), memberId: "m-1" }), "booking_window");
  assert.equal((await member.post("/api/realtime/attempt", { ...late.slot(2, "18:00", "19:00"), memberId: "m-1" })).status, 200);
  // ...one opening at 10:00 has.
  const early = await facility("r-opens-early", { rules: { windowDays: 3, windowOpensAt: "10:00" } });
  assert.equal((await member.post("/api/realtime/attempt", { ...early.slot(3, "18:00", "19:00"), memberId: "m-1" })).status, 200);
  assertRule(await member.post("/api/realtime/attempt", { ...early.slot(4, "18:00", "19:00"), memberId: "m-1" }), "booking_window");
});

test("min_notice: a booking must start far enough ahead", async () => {
  const { slot } = await facility("r-notice", { rules: { minNoticeMinutes: 120 } });
  const member = await stack.as("m-1");
  assertRule(await member.post("/api/realtime/attempt", { ...slot(0, "13:30", "14:30"), memberId: "m-1" }), "min_notice");
  assert.equal((await member.post("/api/realtime/attempt", { ...slot(0, "15:30", "16:30"), memberId: "m-1" })).status, 200);
});

test("max_active_reservations: upcoming reservations per member", async () => {
  const { slot } = await facility("r-active", { rules: { maxActiveReservations: 2 } });
  const member = await stack.as("m-1");
  const first = await book(member, "m-1", slot(1, "08:00", "09:00"));
  await book(member, "m-1", slot(2, "08:00", "09:00"));
  assertRule(await member.post("/api/realtime/attempt", { ...slot(3, "08:00", "09:00"), memberId: "m-1" }), "max_active_reservations");
  assert.equal((await (await stack.as("m-2")).post("/api/realtime/attempt", { ...slot(3, "08:00", "09:00"), memberId: "m-2" })).status, 200, "per member");
  assert.equal((await member.delete(`/api/reservations/${first}`)).status, 200);
  assert.equal((await member.post("/api/realtime/attempt", { ...slot(3, "10:00", "11:00"), memberId: "m-1" })).status, 200);
});

test("max_bookings_per_day: bookings per member on one local day", async () => {
  const { slot } = await facility("r-per-day", { rules: { maxBookingsPerDay: 1 } });
  const member = await stack.as("m-1");
  await book(member, "m-1", slot(1, "08:00", "09:00"));
  assertRule(await member.post("/api/realtime/attempt", { ...slot(1, "18:00", "19:00", "court-2"), memberId: "m-1" }), "max_bookings_per_day");
  assert.equal((await member.post("/api/realtime/attempt", { ...slot(2, "18:00", "19:00"), memberId: "m-1" })).status, 200);
});

test("bufferMinutes: bookings on a court keep the gap", async () => {
  const { slot } = await facility("r-buffer", { bufferMinutes: 30 });
  await book(await stack.as("m-1"), "m-1", slot(1, "18:00", "19:00"));
  const other = await stack.as("m-2");
  assertError(await other.post("/api/realtime/attempt", { ...slot(1, "19:00", "20:00"), memberId: "m-2" }), 409, "slot_unavailable");
  assertError(await other.post("/api/realtime/attempt", { ...slot(1, "17:00", "18:00"), memberId: "m-2" }), 409, "slot_unavailable");
  assert.equal((await other.post("/api/realtime/attempt", { ...slot(1, "19:30", "20:30"), memberId: "m-2" })).status, 200);
  assert.equal((await other.post("/api/realtime/attempt", { ...slot(1, "16:30", "17:30"), memberId: "m-2" })).status, 200);
  const third = await stack.as("m-3");
  assert.equal((await third.post("/api/realtime/attempt", { ...slot(1, "19:00", "20:00", "court-2"), memberId: "m-3" })).status, 200, "other courts are not buffered");
});

test("blocked_period: staff close a court for a while; availability shows it closed", async () => {
  const facilityId = "r-block";
  const { day, slot } = await facility(facilityId);
  const member = await stack.as("m-1");
  const period = { courtId: "court-1", startTime: slot(1, "08:00", "12:00").startTime, endTime: slot(1, "08:00", "12:00").endTime, reason: "resurfacing" };
  assertError(await member.post(`/api/facilities/${facilityId}/blocks`, period), 403, "forbidden");
  const blocked = await desk.post(`/api/facilities/${facilityId}/blocks`, period);
  assert.equal(blocked.status, 200);
  assert.equal(blocked.body.blocks.length, 1);
  const { blockId } = blocked.body.blocks[0];
  assert.match(blockId, /^r-block_[A-Za-z0-9]{19}$/);

  assertRule(await member.post("/api/realtime/attempt", { ...slot(1, "09:00", "10:00"), memberId: "m-1" }), "blocked_period");
  assert.equal((await member.post("/api/realtime/attempt", { ...slot(1, "09:00", "10:00", "court-2"), memberId: "m-1" })).status, 200);
  const board = await stack.request(`/api/realtime/availability?facilityId=${facilityId}&date=${day(1)}`);
  const court = board.body.courts.find((c) => c.courtId === "court-1");
  const closed = court.slots.filter((s) => s.status === "closed").map((s) => s.startTime);
  assert.equal(closed.length, 8, "08:00-12:00 in 30-minute slots");
  assert.equal(closed[0], period.startTime);

  // A block over a live booking is refused; staff move or cancel it first.
  const booked = await book(member, "m-1", slot(1, "14:00", "15:00", "court-3"));
  const over = { courtId: "court-3", startTime: slot(1, "13:00", "16:00").startTime, endTime: slot(1, "13:00", "16:00").endTime, reason: "tournament" };
  assertError(await desk.post(`/api/facilities/${facilityId}/blocks`, over), 409, "invalid_state");
  assert.equal((await desk.delete(`/api/reservations/${booked}`)).status, 200);
  assert.equal((await desk.post(`/api/facilities/${facilityId}/blocks`, over)).status, 200);

  assertError(await member.delete(`/api/facilities/${facilityId}/blocks/${blockId}`), 403, "forbidden");
  const unblocked = await desk.delete(`/api/facilities/${facilityId}/blocks/${blockId}`);
  assert.equal(unblocked.status, 200);
  assert.equal(unblocked.body.blocks.length, 1, "the other block stays");
  assert.equal((await member.post("/api/realtime/attempt", { ...slot(1, "10:00", "11:00"), memberId: "m-1" })).status, 200);
});

test("cancelCutoffMinutes: a late cancellation frees the court and is recorded on the member", async () => {
  const facilityId = "r-late";
  const { slot } = await facility(facilityId, { rules: { cancelCutoffMinutes: 7 * 1440 } });
  const member = await stack.as("late-1");
  const record = () => member.get(`/api/facilities/${facilityId}/members/late-1`);
  const fresh = (await record()).body.member;
  assert.deepEqual([fresh.memberId, fresh.tier, fresh.lateCancellations], ["late-1", null, 0]);

  const id = await book(member, "late-1", slot(1, "18:00", "19:00"));
  const cancel = await member.delete(`/api/reservations/${id}`);
  assert.equal(cancel.status, 200);
  assert.equal(cancel.body.lateCancellation, true);
  assert.equal((await record()).body.member.lateCancellations, 1);
  assert.equal((await desk.get(`/api/facilities/${facilityId}/members/late-1`)).body.member.lateCancellations, 1);
  assert.equal((await member.post("/api/realtime/attempt", { ...slot(1, "18:00", "19:00"), memberId: "late-1" })).status, 200, "the court is free again");

  // Releasing a hold is not a late cancellation.
  const hold = await member.post("/api/realtime/attempt", { ...slot(2, "18:00", "19:00"), memberId: "late-1" });
  await member.post("/api/realtime/release", { facilityId, reservationId: hold.body.reservationId });
  assert.equal((await record()).body.member.lateCancellations, 1);
});

test("maxHoldsPerMember: one hold too many is 429 rate_limited; staff are not limited", async () => {
  const { slot } = await facility("r-holds", { maxHoldsPerMember: 1 });
  const member = await stack.as("m-1");
  assert.equal((await member.post("/api/realtime/attempt", { ...slot(1, "08:00", "09:00"), memberId: "m-1" })).status, 200);
  assertError(await member.post("/api/realtime/attempt", { ...slot(1, "10:00", "11:00"), memberId: "m-1" }), 429, "rate_limited");
  assert.equal((await desk.post("/api/realtime/attempt", { ...slot(1, "10:00", "11:00"), memberId: "m-1" })).status, 200);
  assert.equal((await desk.post("/api/realtime/attempt", { ...slot(1, "12:00", "13:00"), memberId: "m-1" })).status, 200);
});

test("tiers: staff put a member in a tier, whose rules then apply", async () => {
  const facilityId = "r-tier";
  const { slot } = await facility(facilityId, {
    rules: { windowDays: 2 },
    tiers: [{ tier: "gold", priority: 10, rules: { windowDays: 14 } }],
  });
  const member = await stack.as("gold-1");
  const far = { ...slot(5, "18:00", "19:00"), memberId: "gold-1" };
  assertRule(await member.post("/api/realtime/attempt", far), "booking_window");
  assertError(await member.put(`/api/facilities/${facilityId}/members/gold-1`, { tier: "gold" }), 403, "forbidden");
  assertError(await desk.put(`/api/facilities/${facilityId}/members/gold-1`, { tier: "platinum" }), 400, "invalid_field");
  const set = await desk.put(`/api/facilities/${facilityId}/members/gold-1`, { tier: "gold" });
  assert.equal(set.status, 200);
  assert.equal(set.body.member.tier, "gold");
  assert.equal((await member.get(`/api/facilities/${facilityId}/members/gold-1`)).body.member.tier, "gold");
  assert.equal((await member.post("/api/realtime/attempt", far)).status, 200);
});

test("daylight saving in America/New_York: 23- and 25-hour Sundays, openings move in UTC", async () => {
  const facilityId = "r-dst";
  const hours = { mon: ["06:00-22:00"], fri: ["06:00-22:00"], sun: ["00:00-24:00"] };
  await stack.configure(facilityId, { openingHours: hours });
  const day = async (date) => (await stack.request(`/api/realtime/availability?facilityId=${facilityId}&date=${date}`)).body;

  const spring = await day("2027-03-14");
  const fall = await day("2027-11-07");
  for (const court of spring.courts) assert.equal(court.slots.length, 46, `spring-forward Sunday, ${court.courtId}`);
  for (const court of fall.courts) assert.equal(court.slots.length, 50, `fall-back Sunday, ${court.courtId}`);
  assert.equal(spring.courts[0].slots[0].startTime, "2027-03-14T05:00:00Z");
  assert.equal(spring.courts[0].slots.at(-1).endTime, "2027-03-15T04:00:00Z");
  for (const { slots } of [spring.courts[0], fall.courts[0]]) {
    slots.forEach((s, i) => {
      assert.equal(Date.parse(s.endTime) - Date.parse(s.startTime), 30 * 60_000, s.startTime);
      if (i > 0) assert.equal(s.startTime, slots[i - 1].endTime, "no gap and no overlap across the change");
    });
  }

  assert.equal((await day("2027-03-12")).courts[0].slots[0].startTime, "2027-03-12T11:00:00Z", "Friday 06:00 EST");
  assert.equal((await day("2027-03-15")).courts[0].slots[0].startTime, "2027-03-15T10:00:00Z", "Monday 06:00 EDT");
  assert.equal((await day("2027-11-05")).courts[0].slots[0].startTime, "2027-11-05T10:00:00Z", "Friday 06:00 EDT");
  assert.equal((await day("2027-11-08")).courts[0].slots[0].startTime, "2027-11-08T11:00:00Z", "Monday 06:00 EST");
});
