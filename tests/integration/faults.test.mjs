// faults.test.mjs: the runtime killed (SIGKILL to wrangler and workerd) in
// the middle of a burst of bookings, then started again on the same state.
// Members set off one after another, each holding and confirming a slot
// that another member wants too; the kill lands once a few confirms have
// answered, while others are in flight or not yet sent. After the restart:
// every booking whose confirm was answered is there, no member whose
// attempt was refused has anything, no slot holds two, the D1 projection
// agrees with the facility, and each confirmed booking's confirmation
// reaches the member's phone (the fake Twilio) exactly once, the cron sweep
// putting back on the queue what the killed runtime's queue lost.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startFakeTwilio } from "../fakes/twilio.mjs";
import { Client, Stack, at, eventually } from "./harness.mjs";

const TWILIO = { accountSid: `AC${"fedcba9876543210".repeat(2)}`, authToken: "test-twilio-auth-token" };
const MEMBERS = 24; // two per slot
const SLOTS = ["court-1", "court-2", "court-3", "court-4"].flatMap((courtId) =>
  ["08:00", "10:00", "12:00"].map((start) => ({ courtId, start, end: `${String(Number(start.slice(0, 2)) + 1).padStart(2, "0")}:00` })));
const KILL_AFTER_CONFIRMS = 4;
const STAGGER_MS = 40;
const facilityId = "burst";

let twilio;
let stack;
let vars;

before(async () => {
  twilio = await startFakeTwilio(TWILIO);
  vars = {
    TWILIO_API_BASE: twilio.url, TWILIO_ACCOUNT_SID: TWILIO.accountSid, TWILIO_AUTH_TOKEN: TWILIO.authToken,
    TWILIO_FROM_NUMBER: "+15005550006", RETRY_BASE_SECONDS: "1",
  };
  stack = await Stack.start({ vars });
});
after(async () => {
  await stack?.stop();
  await twilio?.close();
});

const phoneOf = (i) => `+1415555${String(3000 + i)}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("a runtime killed mid-burst keeps every answered booking, none refused, and sends each confirmation once", async () => {
  await stack.configure(facilityId);
  await eventually(async () => ((await stack.request("/api/facilities")).body.some((f) => f.facilityId === facilityId) ? true : undefined), {
    what: "the facility in the D1 directory",
  });
  const clients = [];
  for (let i = 0; i < MEMBERS; i++) {
    const client = await stack.as(`b-${i}`);
    const contact = await client.put("/api/members/me/contact", { channel: "sms", phone: phoneOf(i) });
    assert.equal(contact.status, 200, JSON.stringify(contact.body));
    clients.push(client);
  }

  // The burst. outcome[i]: {attempt: status | "lost", reservationId?, confirm: status | "lost" | undefined}
  const outcome = clients.map(() => ({}));
  let confirmed = 0;
  let killed = null;
  const book = async (i) => {
    await sleep(i * STAGGER_MS);
    const slot = SLOTS[i % SLOTS.length];
    const result = outcome[i];
    try {
      const attempt = await clients[i].post("/api/realtime/attempt", {
        facilityId, memberId: `b-${i}`, courtId: slot.courtId, startTime: at(slot.start), endTime: at(slot.end),
      });
      result.attempt = attempt.status;
      if (attempt.status !== 200) return;
      result.reservationId = attempt.body.reservationId;
      result.confirm = "lost";
      const confirm = await clients[i].post("/api/realtime/confirm", { facilityId, reservationId: result.reservationId });
      result.confirm = confirm.status;
      if (confirm.status === 200 && ++confirmed === KILL_AFTER_CONFIRMS) killed = stack.kill();
    } catch {
      result.attempt ??= "lost";
    }
  };
  await Promise.all(clients.map((_, i) => book(i)));
  assert.ok(killed !== null, "the kill came after the confirms it waits for");
  await killed;

  const answered = outcome.filter((o) => o.confirm === 200);
  const refused = outcome.map((o, i) => ({ ...o, i })).filter((o) => typeof o.attempt === "number" && o.attempt !== 200);
  const lost = outcome.filter((o) => o.attempt === "lost" || o.confirm === "lost");
  assert.ok(answered.length >= KILL_AFTER_CONFIRMS, JSON.stringify(outcome));
  assert.ok(lost.length > 0, `the kill landed mid-burst: ${JSON.stringify(outcome)}`);
  for (const o of refused) assert.equal(o.attempt, 409, JSON.stringify(o));

  stack = await Stack.start({ persistTo: stack.persistTo, vars });
  const again = clients.map((client) => new Client(stack, client.token)); // sessions survive too

  // The facility: every answered confirm is there.
  const known = outcome.map((o, i) => ({ ...o, i })).filter((o) => o.reservationId !== undefined);
  const status = new Map();
  for (const o of known) {
    const reply = await again[o.i].get(`/api/reservations/${o.reservationId}`);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    status.set(o.reservationId, reply.body.reservation.status);
  }
  for (const o of answered) assert.equal(status.get(o.reservationId), "confirmed", o.reservationId);
  const confirmedIds = [...status].filter(([, s]) => s === "confirmed").map(([id]) => id).sort();

  // The projection catches up: the same confirmed bookings, no member refused
  // has anything, no slot has two.
  const staff = await stack.as("desk", { role: "staff", facilities: [facilityId] });
  const projected = await eventually(async () => {
    const reply = await staff.get(`/api/facilities/${facilityId}/reservations`);
    const ids = reply.body.reservations.filter((r) => r.status === "confirmed").map((r) => r.reservationId).sort();
    return JSON.stringify(ids) === JSON.stringify(confirmedIds) ? reply.body.reservations : undefined;
  }, { what: "D1 agreeing with the facility on the confirmed bookings", timeoutMs: 30_000 });
  for (const o of refused) {
    assert.equal(projected.filter((r) => r.memberId === `b-${o.i}`).length, 0, `b-${o.i} was refused`);
  }
  const perSlot = new Map();
  for (const r of projected.filter((r) => r.status === "confirmed")) {
    const key = `${r.courtId} ${r.startTime}`;
    perSlot.set(key, (perSlot.get(key) ?? 0) + 1);
  }
  assert.ok([...perSlot.values()].every((n) => n === 1), JSON.stringify([...perSlot]));

  // The queue catches up. Notices the local queue held in memory died with
  // the runtime; D1 has them `queued`, and the cron sweep (fired with a time
  // past its 5-minute margin) puts them back. One confirmation per
  // confirmed booking, none twice.
  const owners = projected.filter((r) => r.status === "confirmed").map((r) => Number(r.memberId.slice(2)));
  const confirmations = (i) => twilio.sentTo(phoneOf(i)).length;
  const swept = await fetch(`${stack.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/15 * * * *")}&time=${Date.now() + 6 * 60_000}`);
  assert.equal(swept.status, 200, `${await swept.text()}\n${stack.output}`);
  await eventually(() => (owners.every((i) => confirmations(i) >= 1) ? true : undefined), {
    what: "every confirmed booking's confirmation sent", timeoutMs: 60_000, intervalMs: 250,
  });
  await sleep(2000); // a duplicate would arrive here
  for (let i = 0; i < MEMBERS; i++) {
    assert.equal(confirmations(i), owners.includes(i) ? 1 : 0, `messages to b-${i}`);
  }
});
