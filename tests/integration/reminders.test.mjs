// reminders.test.mjs: reminders and no-shows end to end, against the real
// local runtime (wrangler dev: the facility object, its outbox drain to D1
// and NOTIFICATION_QUEUE, the queue consumer) with the fake Twilio server
// (tests/fakes/). Time is driven through the core's `now` by the
// development-only POST /api/debug/clock (a per-facility offset), never by
// sleeping: a booking made "3 h ahead" of the offset clock has its 120-min
// reminder due after the next advance. Reminder jobs are read back with
// GET /api/bookings/{id}/reminders, notices with GET /api/debug/notify.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startFakeTwilio } from "../fakes/twilio.mjs";
import { Stack, assertError, at, eventually } from "./harness.mjs";

const TWILIO = { accountSid: `AC${"0123456789abcdef".repeat(2)}`, authToken: "test-twilio-auth-token" };
const SETTLE_MS = 30_000;
const REMINDERS = { offsetsMinutes: [120], noShowGraceMinutes: 15 };

let twilio;
let stack;

before(async () => {
  twilio = await startFakeTwilio(TWILIO);
  stack = await Stack.start({
    vars: {
      TWILIO_API_BASE: twilio.url, TWILIO_ACCOUNT_SID: TWILIO.accountSid, TWILIO_AUTH_TOKEN: TWILIO.authToken,
      TWILIO_FROM_NUMBER: "+15005550006", PUBLIC_BASE_URL: "https://courtside.test", RETRY_BASE_SECONDS: "1",
    },
  });
});
after(async () => {
  await stack?.stop();
  await twilio?.close();
});

// A facility with the reminder policy, in the D1 directory (the notifier
// reads its name and zone there).
async function facility(facilityId) {
  await stack.configure(facilityId, { reminders: REMINDERS });
  await eventually(async () => {
    const listed = await stack.request("/api/facilities");
    return listed.body.some((f) => f.facilityId === facilityId) ? true : undefined;
  }, { what: "the facility reaching the D1 directory" });
}

// Sets the facility's core clock to the local time `time` on the test day.
async function clock(facilityId, time) {
  const reply = await stack.post("/api/debug/clock", { facilityId, offsetMs: Date.parse(at(time)) - Date.now() });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
}

async function member(memberId, phone) {
  const client = await stack.as(memberId);
  const reply = await client.put("/api/members/me/contact", { channel: "sms", phone });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return client;
}

// A confirmed booking (a hold, then confirm, as members book).
async function book(client, memberId, facilityId, courtId, start, end) {
  const attempt = await client.post("/api/realtime/attempt", { facilityId, memberId, courtId, startTime: at(start), endTime: at(end) });
  assert.equal(attempt.status, 200, JSON.stringify(attempt.body));
  const confirm = await client.post("/api/realtime/confirm", { facilityId, reservationId: attempt.body.reservationId });
  assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
  assert.equal(confirm.body.reservation.status, "confirmed");
  return confirm.body.reservation.reservationId;
}

// The booking's reminder jobs once `probe(jobs)` holds.
function jobsWhen(client, reservationId, probe, what) {
  return eventually(async () => {
    const reply = await client.get(`/api/bookings/${reservationId}/reminders`);
    if (reply.status !== 200) return undefined; // not in D1 yet
    return probe(reply.body) ? reply.body : undefined;
  }, { what, timeoutMs: SETTLE_MS, intervalMs: 200 });
}

// The facility's notice log rows once `probe(rows)` holds.
function noticesWhen(facilityId, probe, what) {
  return eventually(async () => {
    const { body } = await stack.request(`/api/debug/notify?facilityId=${facilityId}`);
    return probe(body.notices) ? body.notices : undefined;
  }, { what, timeoutMs: SETTLE_MS, intervalMs: 200 });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("a booking's reminder is scheduled, then sent once when due; its confirmation too", async () => {
  const facilityId = "remind-a";
  await facility(facilityId);
  const phone = "+14155550201";
  const alice = await member("alice", phone);
  await clock(facilityId, "15:00");
  const id = await book(alice, "alice", facilityId, "court-1", "18:00", "19:00");
  const jobId = `${id}-reminder-1`;
  const [job] = await jobsWhen(alice, id, (jobs) => jobs.length === 1, "the reminder job in D1");
  assert.deepEqual([job.jobId, job.state, Date.parse(job.scheduledFor)], [jobId, "scheduled", Date.parse(at("16:00"))]);
  await noticesWhen(facilityId, (rows) => rows.some((n) => n.noticeId.startsWith(`${id}-confirmation`) && n.state === "sent"), "the confirmation sent");
  assert.equal(twilio.sentTo(phone).length, 1);

  await clock(facilityId, "16:01");
  await jobsWhen(alice, id, (jobs) => jobs[0]?.state === "sent", "the reminder job sent");
  await noticesWhen(facilityId, (rows) => rows.some((n) => n.noticeId === jobId && n.state === "sent"), "the reminder logged");
  await sleep(1000); // a second send would show up here
  const sent = twilio.sentTo(phone);
  assert.equal(sent.length, 2);
  assert.match(sent[1].body, /remind|6:00 PM/i);
  // someone else may not read the jobs; staff of the facility may
  const other = await stack.as("mallory");
  assert.equal((await other.get(`/api/bookings/${id}/reminders`)).status, 403);
  const staff = await stack.as("desk", { role: "staff", facilities: [facilityId] });
  assert.equal((await staff.get(`/api/bookings/${id}/reminders`)).body[0].jobId, jobId);
});

test("a cancel cancels the pending reminder and sends a cancellation; no reminder later", async () => {
  const facilityId = "remind-b";
  await facility(facilityId);
  const phone = "+14155550202";
  const bob = await member("bob", phone);
  await clock(facilityId, "15:00");
  const id = await book(bob, "bob", facilityId, "court-1", "18:00", "19:00");
  await jobsWhen(bob, id, (jobs) => jobs[0]?.state === "scheduled", "the reminder job in D1");
  const cancelled = await bob.delete(`/api/reservations/${id}`);
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
  await jobsWhen(bob, id, (jobs) => jobs.length === 1 && jobs[0].state === "cancelled", "the reminder job cancelled");
  await noticesWhen(facilityId, (rows) => rows.some((n) => n.noticeId.startsWith(`${id}-cancellation`) && n.state === "sent"), "the cancellation sent");

  await clock(facilityId, "16:05");
  await sleep(3000);
  const { body } = await stack.request(`/api/debug/notify?facilityId=${facilityId}`);
  assert.equal(body.notices.filter((n) => n.noticeId.includes("-reminder-")).length, 0);
  assert.equal(twilio.sentTo(phone).length, 2); // the confirmation and the cancellation
  assert.equal((await bob.get(`/api/bookings/${id}/reminders`)).body[0].state, "cancelled");
});

test("a booking not checked in becomes a no-show and its slot goes to the waitlist; a checked-in one does not", async () => {
  const facilityId = "remind-c";
  await facility(facilityId);
  const carol = await member("carol", "+14155550203");
  const dave = await member("dave", "+14155550204");
  const erin = await member("erin", "+14155550205");
  await clock(facilityId, "17:50");
  const absent = await book(carol, "carol", facilityId, "court-1", "18:00", "19:00");
  const present = await book(dave, "dave", facilityId, "court-2", "18:00", "19:00");
  const joined = await erin.post("/api/waitlist", {
    facilityId, memberId: "erin", courtId: "court-1", earliestStart: at("18:00"), latestEnd: at("19:30"), durationMinutes: 60,
    mode: "auto_book",
  });
  assert.equal(joined.status, 201, JSON.stringify(joined.body));
  assertError(await erin.post(`/api/reservations/${absent}/checkin`), 403, "forbidden", "checking in someone else's booking");
  assertError(await erin.post(`/api/reservations/${facilityId}_nosuch/checkin`), 404, "not_found", "checking in a booking that does not exist");
  const checkin = await dave.post(`/api/reservations/${present}/checkin`);
  assert.equal(checkin.status, 200, JSON.stringify(checkin.body));
  assert.equal(checkin.body.reservation.checkedIn, true);

  await clock(facilityId, "18:16");
  const noShow = await carol.get(`/api/reservations/${absent}`);
  assert.equal(noShow.body.reservation.status, "no_show");
  const kept = await dave.get(`/api/reservations/${present}`);
  assert.equal(kept.body.reservation.status, "confirmed");
  const entries = (await erin.get(`/api/waitlist?facilityId=${facilityId}`)).body.entries;
  const entry = entries.find((e) => e.waitlistId === joined.body.entry.waitlistId);
  assert.ok(entry.reservationId, JSON.stringify(entry));
  const booked = await erin.get(`/api/reservations/${entry.reservationId}`);
  assert.deepEqual(
    [booked.body.reservation.status, booked.body.reservation.courtId, booked.body.reservation.startTime],
    ["confirmed", "court-1", at("18:30")],
  );
  await noticesWhen(facilityId, (rows) => rows.some((n) => n.noticeId.startsWith(`${absent}-no_show`)), "the no-show notice");
});

test("bad input to the reminder routes is refused and changes nothing", async () => {
  const facilityId = "remind-d";
  await facility(facilityId);
  assertError(await stack.post("/api/debug/clock", { facilityId, offsetMs: "soon" }), 400, "invalid_field", "a clock offset that is not an integer");
  assertError(await stack.post("/api/debug/clock", { facilityId: "no_such" }), 400, "invalid_field", "a facility id with _ and no offset");
  const frank = await member("frank", "+14155550206");
  assertError(await frank.get(`/api/bookings/${facilityId}_nosuch/reminders`), 404, "not_found", "the reminders of a booking nobody made");
  const anonymous = await stack.request(`/api/bookings/${facilityId}_nosuch/reminders`);
  assert.equal(anonymous.status, 401);
});
