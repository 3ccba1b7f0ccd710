// notifier.test.mjs: the notification queue's consumer (edge/notifier.js)
// against the real local runtime (wrangler dev: a local queue with the
// consumer settings of wrangler.toml, local D1), with fake Twilio and
// SendGrid servers on 127.0.0.1 (tests/fakes/) that check each request's
// format and auth and fail on demand. Messages are put on the queue by the
// development route POST /api/debug/notify, as a facility's outbox will;
// their log rows are read back with GET /api/debug/notify. Retries wait
// RETRY_BASE_SECONDS = 1 (1 s, 5 s, ...) instead of 5 s, or 0 where a
// test runs out of retries.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startFakeSendGrid } from "../fakes/sendgrid.mjs";
import { startFakeTwilio } from "../fakes/twilio.mjs";
import { CLAIM_LEASE_MS, RETRIES_MAX } from "../../edge/notifier.js";
import { KINDS, LANGUAGES, render } from "../../edge/templates.js";
import { ROOT, Stack, TIME_ZONE, WRANGLER, assertError, at, eventually } from "./harness.mjs";

const FACILITY = "notify";
const TWILIO = { accountSid: `AC${"0123456789abcdef".repeat(2)}`, authToken: "test-twilio-auth-token" };
const TWILIO_FROM = "+15005550006";
const SENDGRID = { apiKey: "SG.test-sendgrid-key" };
const SENDGRID_FROM = "club@courtside.test";
const PUBLIC_BASE_URL = "https://courtside.test";
const LINK = `${PUBLIC_BASE_URL}/f/${FACILITY}`;
const SETTLE_MS = 60_000; // generous: a 2-core machine runs wrangler, workerd and the fakes

let twilio;
let sendgrid;
let serial = 0;

before(async () => {
  twilio = await startFakeTwilio(TWILIO);
  sendgrid = await startFakeSendGrid(SENDGRID);
});
after(async () => {
  await twilio?.close();
  await sendgrid?.close();
});

// A runtime whose notifier talks to the fakes; the facility configured and
// in the D1 directory (the notifier reads its name and zone there).
async function startStack(retryBaseSeconds) {
  const stack = await Stack.start({
    vars: {
      TWILIO_API_BASE: twilio.url, TWILIO_ACCOUNT_SID: TWILIO.accountSid, TWILIO_AUTH_TOKEN: TWILIO.authToken,
      TWILIO_FROM_NUMBER: TWILIO_FROM, SENDGRID_API_BASE: sendgrid.url, SENDGRID_API_KEY: SENDGRID.apiKey,
      SENDGRID_FROM_EMAIL: SENDGRID_FROM, PUBLIC_BASE_URL, RETRY_BASE_SECONDS: String(retryBaseSeconds),
    },
  });
  await stack.configure(FACILITY);
  await eventually(async () => {
    const listed = await stack.request("/api/facilities");
    return listed.body.some((facility) => facility.facilityId === FACILITY) ? true : undefined;
  }, { what: "the facility reaching the D1 directory" });
  return stack;
}

// A notice as the core emits it, plus the facility id, unique per call.
function notice(memberId, fields = {}) {
  serial += 1;
  const reservationId = `${FACILITY}_res${serial}`;
  return {
    facilityId: FACILITY, kind: "confirmation", noticeId: `${reservationId}-confirmation-2`, memberId, reservationId,
    courtId: "court-1", startTime: at("18:00"), endTime: at("19:30"), ...fields,
  };
}

async function setContact(stack, memberId, contact) {
  const reply = await (await stack.as(memberId)).put("/api/members/me/contact", contact);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.contact;
}

async function enqueue(stack, ...messages) {
  const reply = await stack.post("/api/debug/notify", messages);
  assert.equal(reply.status, 202, JSON.stringify(reply.body));
}

// The notice's log row once it is in `state` (waits for it).
function settled(stack, noticeId, state) {
  return eventually(async () => {
    const { body } = await stack.request(`/api/debug/notify?facilityId=${FACILITY}`);
    const row = body.notices.find((n) => n.noticeId === noticeId);
    return row?.state === state ? row : undefined;
  }, { what: `notice ${noticeId} becoming ${state}`, timeoutMs: SETTLE_MS, intervalMs: 250 });
}

// What the local queue logs when it moves a message to the dead-letter queue.
const DEAD_LETTERED = /Moving message "\w+" on queue "courtside-notifications" to dead letter queue "courtside-notifications-dlq"/;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Runs `sql` on the stack's local D1 database (the running runtime sees it).
function d1(stack, sql) {
  const run = spawnSync(WRANGLER, ["d1", "execute", "courtside", "--local", "--persist-to", stack.persistTo, "--command", sql], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
}

// The facility's wall clock, formatted independently of edge/templates.js.
function localText(locale, instant, options) {
  return new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, ...options }).format(new Date(instant)).replace(/[\u00a0\u202f]/g, " ");
}
const DAY = { weekday: "short", month: "short", day: "numeric" };

test("wrangler.toml's max_retries is the consumer's RETRIES_MAX", () => {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const consumer = /\[\[queues\.consumers\]\]([^[]*)/.exec(toml)[1];
  assert.equal(Number(/max_retries\s*=\s*(\d+)/.exec(consumer)[1]), RETRIES_MAX);
  assert.match(consumer, /dead_letter_queue\s*=\s*"courtside-notifications-dlq"/);
  assert.ok(Number(/max_batch_timeout\s*=\s*(\d+)/.exec(consumer)[1]) <= 30);
});

test("every kind has words in every language, with court, date, times and link", () => {
  const context = { facilityName: "Club", timeZone: TIME_ZONE, courtName: "Court 1", baseUrl: `${PUBLIC_BASE_URL}/` };
  for (const language of [...LANGUAGES, "es-MX", "fr", null]) {
    for (const kind of KINDS) {
      const message = notice("t-1", { kind, minutesBefore: 90, waitlistId: "wl-1", offerExpiry: at("17:30") });
      const { subject, text } = render(message, { ...context, language });
      const what = `${kind} in ${language}`;
      assert.ok(subject.includes("Court 1") && text.startsWith("Club: ") && text.includes("Court 1"), what);
      assert.ok(text.includes(localText(language === "fr" ? "en-US" : (language ?? "en-US"), message.startTime, DAY)), what);
      assert.match(text, /(6:00 PM-7:30 PM|18:00-19:30|6:00 p\.m\.-7:30 p\.m\.)[ ,.(]/, what);
      assert.doesNotMatch(text, /\.\./, what);
      assert.ok(text.endsWith(LINK), what);
      assert.doesNotMatch(text + subject, /undefined|null|[\u00a0\u202f]/, what);
    }
  }
  const reminder = notice("t-1", { kind: "reminder", minutesBefore: 90 });
  assert.match(render(reminder, { ...context, language: "en" }).text, /\(starts in 1 hour 30 minutes\)/);
  assert.match(render(reminder, { ...context, language: "es" }).text, /\(empieza en 1 hora y 30 minutos\)/);
  assert.throws(() => render({ ...reminder, kind: "hours" }, context), /no template/);
});

describe("the notifier", () => {
  let stack;
  before(async () => {
    stack = await startStack(1);
  });
  after(async () => {
    await stack?.stop();
  });

  test("an SMS goes out once, form-encoded, in the facility's local time", async () => {
    const phone = "+14155550101";
    await setContact(stack, "sms-1", { channel: "sms", phone });
    const message = notice("sms-1");
    await enqueue(stack, message);
    const row = await settled(stack, message.noticeId, "sent");
    const [sent] = twilio.sentTo(phone);
    assert.equal(twilio.sentTo(phone).length, 1);
    assert.equal(sent.channel, "sms");
    assert.equal(sent.from, TWILIO_FROM);
    const date = localText("en-US", message.startTime, DAY);
    assert.equal(sent.body, `Test ${FACILITY}: your booking is confirmed. Court 1, ${date}, 6:00 PM-7:30 PM. ${LINK}`);
    assert.equal(row.channel, "sms");
    assert.equal(row.attempts, 1);
    assert.match(row.providerId, /^SM[0-9a-f]{32}$/);
    assert.equal(row.kind, "confirmation");
  });

  test("a WhatsApp reminder goes to whatsapp: addresses, in the member's language", async () => {
    const phone = "+34600000002";
    await setContact(stack, "wa-1", { channel: "whatsapp", phone, language: "es" });
    const message = notice("wa-1", { kind: "reminder", minutesBefore: 120, courtId: "padel-1" });
    message.noticeId = `${message.reservationId}-reminder-2`;
    await enqueue(stack, message);
    await settled(stack, message.noticeId, "sent");
    const sent = twilio.sentTo(phone);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].channel, "whatsapp"); // the fake saw whatsapp:+E164 for both To and From
    assert.equal(sent[0].from, TWILIO_FROM);
    const date = localText("es", message.startTime, DAY);
    assert.equal(sent[0].body, `Test ${FACILITY}: recordatorio de tu reserva en Padel court, ${date}, 18:00-19:30 (empieza en 2 horas). ${LINK}`);
  });

  test("an email waitlist offer goes out once as JSON, with its accept deadline", async () => {
    const email = "offer-1@example.com";
    await setContact(stack, "mail-1", { channel: "email", email });
    const message = notice("mail-1", { kind: "waitlist_offer", waitlistId: "wl-1", offerExpiry: at("17:30") });
    message.noticeId = `${message.reservationId}-waitlist_offer-1`;
    await enqueue(stack, message);
    const row = await settled(stack, message.noticeId, "sent");
    const sent = sendgrid.sentTo(email);
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0].recipients, [email]);
    assert.equal(sent[0].from, SENDGRID_FROM);
    const date = localText("en-US", message.startTime, DAY);
    const deadline = localText("en-US", message.offerExpiry, { ...DAY, hour: "numeric", minute: "2-digit", timeZoneName: "short" });
    assert.match(deadline, /5:30 PM E[SD]T$/);
    assert.equal(sent[0].subject, `A court is free for you: Court 1, ${date}, 6:00 PM`);
    assert.equal(
      sent[0].text,
      `Test ${FACILITY}: Court 1 is free on ${date}, 6:00 PM-7:30 PM. It is held for you until ${deadline}; accept it here: ${LINK}`,
    );
    assert.equal(row.channel, "email");
    assert.ok(row.providerId, "SendGrid's X-Message-Id is kept");
  });

  test("a duplicated or redelivered notice is sent once", async () => {
    const phone = "+14155550103";
    await setContact(stack, "dup-1", { channel: "sms", phone });
    const message = notice("dup-1", { kind: "cancellation" });
    message.noticeId = `${message.reservationId}-cancellation-3`;
    await enqueue(stack, message, message); // two copies in one batch
    await settled(stack, message.noticeId, "sent");
    // Again after it was sent, followed by a marker to know the copy was seen.
    const marker = notice("dup-1");
    await enqueue(stack, message, marker);
    await settled(stack, marker.noticeId, "sent");
    const sent = twilio.sentTo(phone);
    assert.equal(sent.filter((request) => request.body.includes("cancelled")).length, 1);
    assert.equal(sent.length, 2);
    // One second apart at least: the per-channel rate limit.
    assert.ok(sent[1].at - sent[0].at >= 900, `sends ${sent[1].at - sent[0].at} ms apart`);
  });

  test("sends on one channel are at least a second apart within a batch", async () => {
    const phones = ["+14155550111", "+14155550112", "+14155550113"];
    const messages = [];
    for (const [i, phone] of phones.entries()) {
      await setContact(stack, `pace-${i}`, { channel: "sms", phone });
      messages.push(notice(`pace-${i}`));
    }
    await enqueue(stack, ...messages);
    for (const message of messages) await settled(stack, message.noticeId, "sent");
    const times = phones.map((phone) => twilio.sentTo(phone)[0].at).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 900, `sends ${times[i] - times[i - 1]} ms apart`);
  });

  test("429 then 200 is retried after the backoff and sent once", async () => {
    const phone = "+14155550104";
    await setContact(stack, "busy-1", { channel: "sms", phone });
    twilio.script(phone, [{ status: 429, code: 20429, message: "Too Many Requests" }]);
    const email = "busy-2@example.com";
    await setContact(stack, "busy-2", { channel: "email", email });
    sendgrid.script(email, [{ status: 500, message: "Internal server error" }, { status: 503, message: "Service unavailable" }]);
    const sms = notice("busy-1");
    const mail = notice("busy-2");
    await enqueue(stack, sms, mail);
    const smsRow = await settled(stack, sms.noticeId, "sent");
    assert.deepEqual(twilio.sentTo(phone).map((request) => request.status), [429, 201]);
    const [first, second] = twilio.sentTo(phone);
    assert.ok(second.at - first.at >= 1000, `retried after ${second.at - first.at} ms (RETRY_BASE_SECONDS=1)`);
    assert.equal(smsRow.attempts, 2);
    const mailRow = await settled(stack, mail.noticeId, "sent");
    assert.deepEqual(sendgrid.sentTo(email).map((request) => request.status), [500, 503, 202]);
    const mails = sendgrid.sentTo(email);
    assert.ok(mails[2].at - mails[1].at >= 5000, `second retry after ${mails[2].at - mails[1].at} ms (1 s * 5)`);
    assert.equal(mailRow.attempts, 3);
  });

  test("a claim left by a crashed attempt is taken over once its lease has run out", async () => {
    const phone = "+14155550108";
    await setContact(stack, "crash-1", { channel: "sms", phone });
    const message = notice("crash-1");
    // As a consumer that claimed the notice and died would leave it.
    const claimedMs = Date.now() - CLAIM_LEASE_MS - 1000;
    d1(stack, `INSERT INTO notification_log (id, notice_id, notification_type, facility_id, member_id, state, attempts,
      claimed_ms, updated_at) VALUES ('${FACILITY}/${message.noticeId}', '${message.noticeId}', 'confirmation', '${FACILITY}',
      'crash-1', 'claimed', 1, ${claimedMs}, '${new Date(claimedMs).toISOString()}')`);
    await enqueue(stack, message);
    const row = await settled(stack, message.noticeId, "sent");
    assert.equal(row.attempts, 2);
    assert.equal(twilio.sentTo(phone).length, 1);
  });

  test("a permanent error is logged failed with its reason and not retried", async () => {
    const phone = "+14155550105";
    await setContact(stack, "bad-1", { channel: "sms", phone });
    twilio.script(phone, [{ status: 400, code: 21211, message: "The 'To' number is not a valid phone number." }]);
    const email = "bad-2@example.com";
    await setContact(stack, "bad-2", { channel: "email", email });
    sendgrid.script(email, [{ status: 400, message: "Does not contain a valid address." }]);
    const sms = notice("bad-1");
    const mail = notice("bad-2");
    await enqueue(stack, sms, mail);
    const smsRow = await settled(stack, sms.noticeId, "failed");
    assert.match(smsRow.lastError, /^twilio 400 code 21211: /);
    const mailRow = await settled(stack, mail.noticeId, "failed");
    assert.match(mailRow.lastError, /^sendgrid 400: Does not contain a valid address\.$/);
    await sleep(6_000); // past a first retry's delay (1 s) and the batch timeout (2 s), twice
    assert.equal(twilio.sentTo(phone).length, 1);
    assert.equal(sendgrid.sentTo(email).length, 1);
    assert.equal((await settled(stack, sms.noticeId, "failed")).attempts, 1);
  });

  test("a member without a channel is skipped and logged, nothing sent", async () => {
    await setContact(stack, "quiet-2", { channel: null, phone: "+14155550106" });
    const never = notice("quiet-1"); // never set a contact
    const optedOut = notice("quiet-2");
    const sentBefore = twilio.requests.length + sendgrid.requests.length;
    await enqueue(stack, never, optedOut);
    assert.match((await settled(stack, never.noticeId, "skipped")).lastError, /member quiet-1 has no channel configured/);
    assert.match((await settled(stack, optedOut.noticeId, "skipped")).lastError, /has no channel configured/);
    assert.equal(twilio.requests.length + sendgrid.requests.length, sentBefore);
  });

  test("the contact endpoint checks who is calling, E.164 numbers and emails", async () => {
    const member = await stack.as("contact-1");
    assertError(await stack.request("/api/members/me/contact", { method: "PUT", body: { channel: "sms", phone: "+14155550107" } }), 401, "unauthenticated");
    for (const [body, field] of [
      [{ channel: "sms", phone: "4155550107" }, "phone"],
      [{ channel: "sms", phone: "+04155550107" }, "phone"],
      [{ channel: "sms", phone: "+1415555" }, "phone"],
      [{ channel: "whatsapp", phone: "+1415555010712345" }, "phone"],
      [{ channel: "sms", phone: 14155550107 }, "phone"],
      [{ channel: "sms" }, "phone"],
      [{ channel: "email", email: "not-an-email" }, "email"],
      [{ channel: "email", email: "a@b" }, "email"],
      [{ channel: "email" }, "email"],
      [{ channel: "pigeon" }, "channel"],
      [{ phone: "+14155550107" }, "channel"],
      [{ channel: "sms", phone: "+14155550107", language: "english please" }, "language"],
      [{ channel: "sms", phone: "+14155550107", fax: "+14155550107" }, "fax"],
    ]) {
      const reply = await member.put("/api/members/me/contact", body);
      assertError(reply, 400, "invalid_field", JSON.stringify(body));
      assert.equal(reply.body.field, field, JSON.stringify(body));
    }
    assert.equal((await member.get("/api/members/me/contact")).body.contact, null, "nothing stored by the refusals");
    const stored = await setContact(stack, "contact-1", { channel: "email", email: "me@example.com", phone: "+447700900123", language: "es-MX" });
    assert.deepEqual(
      { ...(await member.get("/api/members/me/contact")).body.contact, updatedAt: undefined },
      { memberId: "contact-1", channel: "email", email: "me@example.com", phone: "+447700900123", language: "es-MX", updatedAt: undefined },
    );
    assert.match(stored.updatedAt, /^\d{4}-\d\d-\d\dT/);
  });

  test("queue stats count the log's states, for staff of the facility", async () => {
    const staff = await stack.as("desk-1", { role: "staff", facilities: [FACILITY] });
    const stats = await staff.get(`/api/queue/stats?facilityId=${FACILITY}`);
    assert.equal(stats.status, 200);
    const { waiting, active, completed, failed, delayed, skipped } = stats.body;
    assert.deepEqual({ waiting, active, delayed }, { waiting: 0, active: 0, delayed: 0 });
    assert.ok(completed >= 10, `completed ${completed}`);
    assert.ok(failed >= 2, `failed ${failed}`);
    assert.ok(skipped >= 2, `skipped ${skipped}`);
    assertError(await (await stack.as("m-9")).get(`/api/queue/stats?facilityId=${FACILITY}`), 403, "forbidden");
    assertError(await staff.get("/api/queue/stats"), 403, "forbidden");
    assertError(await stack.request(`/api/queue/stats?facilityId=${FACILITY}`), 401, "unauthenticated");
    const all = await (await stack.as("root", { role: "admin" })).get("/api/queue/stats");
    assert.equal(all.status, 200);
    assert.equal(all.body.completed, completed);
  });

  test("the cron sweep reports the log's health", async () => {
    const reply = await fetch(`${stack.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
    await reply.text();
    assert.equal(reply.status, 200);
    await eventually(() => (/notifier sweep: \{"waiting":0,"active":0,"completed":\d+/.test(stack.output) ? true : undefined), {
      what: "the sweep's report on the runtime's log",
    });
  });

  test("the fakes saw no request in a format the real APIs would refuse", () => {
    assert.deepEqual(twilio.problems, []);
    assert.deepEqual(sendgrid.problems, []);
  });
});

describe("a notice out of retries", () => {
  let stack;
  before(async () => {
    stack = await startStack(0); // no backoff: the retries come one batch timeout apart
  });
  after(async () => {
    await stack?.stop();
  });

  test("is logged failed after the first delivery and every retry, and dead-lettered", async () => {
    const phone = "+14155550120";
    await setContact(stack, "down-1", { channel: "sms", phone });
    twilio.script(phone, Array(RETRIES_MAX + 1).fill({ status: 503, code: 20500, message: "Service Unavailable" }));
    const message = notice("down-1");
    await enqueue(stack, message);
    const row = await settled(stack, message.noticeId, "failed");
    assert.match(row.lastError, new RegExp(`^gave up after ${RETRIES_MAX + 1} attempts: twilio 503 code 20500: `));
    assert.equal(row.attempts, RETRIES_MAX + 1);
    assert.equal(twilio.sentTo(phone).length, RETRIES_MAX + 1);
    await eventually(() => (DEAD_LETTERED.test(stack.output) ? true : undefined), {
      what: "the runtime moving the message to the dead-letter queue",
    });
    assert.deepEqual(twilio.problems, []);
  });
});
