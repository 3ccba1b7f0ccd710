// payments.test.mjs: paying for a court (docs/PAYMENTS.md) against the real
// local runtime (wrangler dev), with Stripe replaced at its HTTP boundary by
// a fake on 127.0.0.1 (tests/fakes/stripe.mjs) that checks the Checkout
// Session and Refund requests as Stripe would. Webhook signatures are made
// by the official stripe package (webhooks.generateTestHeaderString), so
// the Worker's WebCrypto check is held to Stripe's own scheme. The flow:
// attempt → checkout → webhook → confirmed; a late payment refunded; a
// redelivered event changing nothing; an expired checkout releasing the
// hold; refunds on cancel before the cutoff, none after, staff refunds.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import Stripe from "stripe";
import { startFakeStripe } from "../fakes/stripe.mjs";
import { Stack, assertError, at, eventually } from "./harness.mjs";

const SECRET_KEY = "sk_test_courtside_fake_key";
const WEBHOOK_SECRET = "whsec_test_courtside_webhook_secret";
const PUBLIC_BASE_URL = "https://courtside.test";
const stripe = new Stripe(SECRET_KEY);

// Prices: 60 minutes 25.00 (40.00 from 17:00 to 21:00), 90 minutes 35.00,
// 120 minutes 45.00; gold members free; cancelling later than 24 h before
// the start is late.
const PRICED = {
  tiers: [{ tier: "gold" }],
  rules: { cancelCutoffMinutes: 1440 },
  pricing: {
    currency: "usd",
    prices: [
      { durationMinutes: 60, amount: 2500, peakAmount: 4000 },
      { durationMinutes: 90, amount: 3500 },
      { durationMinutes: 120, amount: 4500 },
    ],
    peakHours: "17:00-21:00",
    freeTiers: ["gold"],
  },
};

let fake;
let stack;
before(async () => {
  fake = await startFakeStripe({ secretKey: SECRET_KEY });
  stack = await Stack.start({
    vars: {
      STRIPE_API_BASE: fake.url, STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, PUBLIC_BASE_URL,
    },
  });
});
after(async () => {
  await stack?.stop();
  await fake?.close();
});

// Delivers `event` to the webhook as Stripe would: the raw JSON, signed.
// `header` replaces the signature (a forgery); `payload` the signed bytes.
function deliver(event, { header, payload = JSON.stringify(event), body = payload, timestamp } = {}) {
  const signature =
    header === undefined ? stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp }) : header;
  const headers = { "Content-Type": "application/json; charset=utf-8" };
  if (signature !== null) headers["Stripe-Signature"] = signature;
  return stack.request("/api/stripe/webhook", { method: "POST", body, headers });
}

// A hold by `memberId` in checkout: {member, reservationId, checkout reply}.
async function holdInCheckout(facilityId, memberId, courtId, time = "18:00") {
  const member = await stack.as(memberId);
  const booking = { facilityId, courtId, startTime: at(time), endTime: at(addHour(time)), memberId };
  const attempt = await member.post("/api/realtime/attempt", booking);
  assert.equal(attempt.status, 200, JSON.stringify(attempt.body));
  const { reservationId } = attempt.body;
  const checkout = await member.post("/api/stripe/checkout", { facilityId, reservationId });
  assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
  return { member, reservationId, attempt: attempt.body, checkout: checkout.body };
}

function addHour(time) {
  const [h, m] = time.split(":").map(Number);
  return `${String(h + 1).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

async function reservation(member, reservationId) {
  const got = await member.get(`/api/reservations/${reservationId}`);
  assert.equal(got.status, 200, JSON.stringify(got.body));
  return got.body.reservation;
}

// Refund requests the fake received for a payment intent.
const refundsOf = (paymentIntent) => fake.requests.filter((r) => r.path === "/v1/refunds" && r.to === paymentIntent);

describe("paying for a court", () => {
  const facilityId = "paid";
  before(() => stack.configure(facilityId, PRICED));

  test("attempt → checkout → webhook → confirmed, with the amount the hold showed", async () => {
    const { member, reservationId, attempt, checkout } = await holdInCheckout(facilityId, "m-pay", "court-1");
    assert.deepEqual(attempt.payment, { status: "due", amount: 4000, currency: "usd" }, "18:00 is peak");

    // A priced hold is confirmed by its payment, not by confirm.
    assertError(await member.post("/api/realtime/confirm", { facilityId, reservationId }), 402, "payment_required");

    // The session Stripe got: what the core priced, expiring when the core said.
    assert.equal(checkout.free, false);
    assert.match(checkout.checkoutUrl, /^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);
    const sent = fake.requests.find((r) => r.path === "/v1/checkout/sessions" && r.to === reservationId);
    assert.equal(sent.params.get("line_items[0][price_data][unit_amount]"), "4000");
    assert.equal(sent.params.get("line_items[0][price_data][currency]"), "usd");
    assert.equal(sent.params.get("client_reference_id"), reservationId);
    assert.equal(sent.params.get("metadata[facilityId]"), facilityId);
    assert.equal(Number(sent.params.get("expires_at")) * 1000, Date.parse(checkout.payment.payBy));
    assert.equal(sent.params.get("success_url"), `${PUBLIC_BASE_URL}/f/${facilityId}?payment=success&reservationId=${reservationId}`);
    assert.match(sent.params.get("line_items[0][price_data][product_data][name]"), /^Court 1, .* 18:00-19:00 \(Test paid\)$/);
    // The hold now covers the payment window (35 minutes) and 5 minutes' grace.
    const held = await reservation(member, reservationId);
    assert.equal(Date.parse(held.holdExpiry), Date.parse(checkout.payment.payBy) + 5 * 60_000);
    assert.ok(Date.parse(checkout.payment.payBy) - Date.now() > 34 * 60_000);

    // Asking again gives the same session (same idempotency key, same deadline).
    const again = await member.post("/api/stripe/checkout", { facilityId, reservationId });
    assert.equal(again.status, 200);
    assert.equal(again.body.sessionId, checkout.sessionId);
    assert.deepEqual(fake.problems, []);

    const event = fake.completedEvent(checkout.sessionId, { paymentIntent: "pi_flow_1" });
    const paid = await deliver(event);
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.outcome, "confirmed");
    const confirmed = await reservation(member, reservationId);
    assert.equal(confirmed.status, "confirmed");
    assert.deepEqual(confirmed.payment, { status: "paid", amount: 4000, currency: "usd", payBy: checkout.payment.payBy, paymentId: "pi_flow_1" });

    // Stripe delivers the same event again: nothing changes, nothing is refunded.
    const redelivered = await deliver(event);
    assert.equal(redelivered.status, 200);
    assert.equal(redelivered.body.outcome, "duplicate");
    assert.equal((await reservation(member, reservationId)).version, confirmed.version);
    assert.equal(refundsOf("pi_flow_1").length, 0);
  });

  test("a quote before the hold: the price the hold then shows", async () => {
    const query = (fields) => `/api/realtime/price?${new URLSearchParams({ facilityId, courtId: "court-3", ...fields })}`;
    const peak = { startTime: at("18:00"), endTime: at("19:00") };
    const member = await stack.as("m-quote");
    const quoted = await member.get(query(peak));
    assert.equal(quoted.status, 200, JSON.stringify(quoted.body));
    assert.deepEqual(quoted.body, { success: true, amount: 4000, currency: "usd", peak: true, free: false });
    const offPeak = await stack.request(query({ startTime: at("09:00"), endTime: at("11:00") })); // no session: public
    assert.deepEqual(offPeak.body, { success: true, amount: 4500, currency: "usd", peak: false, free: false });
    assertError(await member.get(query({ startTime: at("18:10"), endTime: at("19:10") })), 409, "rule_violation");
    assertError(await member.get(query({ ...peak, memberId: "m-gold" })), 403, "forbidden");
    const hold = await member.post("/api/realtime/attempt", { facilityId, courtId: "court-3", ...peak, memberId: "m-quote" });
    assert.equal(hold.body.payment.amount, quoted.body.amount);
    await member.post("/api/realtime/release", { facilityId, reservationId: hold.body.reservationId });
  });

  test("the webhook refuses unsigned, tampered, stale and wrongly keyed events and changes nothing", async () => {
    const { member, reservationId, checkout } = await holdInCheckout(facilityId, "m-sig", "court-2");
    const event = fake.completedEvent(checkout.sessionId, { paymentIntent: "pi_forged" });
    const payload = JSON.stringify(event);
    const tampered = payload.replace('"amount_total":4000', '"amount_total":1');
    assert.notEqual(tampered, payload);
    const stale = Math.floor(Date.now() / 1000) - 301;
    const otherKey = stripe.webhooks.generateTestHeaderString({ payload, secret: "whsec_someone_else" });
    const forgeries = {
      unsigned: deliver(event, { header: null }),
      "empty header": deliver(event, { header: "" }),
      "no v1": deliver(event, { header: `t=${Math.floor(Date.now() / 1000)}` }),
      tampered: deliver(event, { payload, body: tampered }),
      stale: deliver(event, { timestamp: stale }),
      "another secret": deliver(event, { header: otherKey }),
      "v0 only": deliver(event, { header: otherKey.replace("v1=", "v0=") }),
    };
    for (const [what, reply] of Object.entries(forgeries)) assertError(await reply, 400, "invalid_signature", what);
    const untouched = await reservation(member, reservationId);
    assert.equal(untouched.status, "held");
    assert.equal(untouched.payment.status, "checkout");

    // The genuine one, signed with a second v1 alongside a wrong one (key rotation), is accepted.
    const good = stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const rotated = `${good},v1=${"0".repeat(64)}`;
    const accepted = await deliver(event, { header: rotated });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal((await reservation(member, reservationId)).status, "confirmed");
  });

  test("signed events of odd shapes are acknowledged and change nothing", async () => {
    const { member, reservationId } = await holdInCheckout(facilityId, "m-odd", "court-1", "20:00");
    const odd = [
      { id: "evt_no_data", type: "checkout.session.expired" },
      { id: "evt_null_object", type: "checkout.session.expired", data: { object: null } },
      { id: "evt_string_object", type: "checkout.session.async_payment_failed", data: { object: "cs_x" } },
      { id: "evt_unpaid", type: "checkout.session.completed", data: {} },
      { id: "evt_other", type: "invoice.paid", data: { object: { client_reference_id: reservationId } } },
    ];
    for (const event of odd) {
      const reply = await deliver(event);
      assert.equal(reply.status, 200, `${event.id}: ${JSON.stringify(reply.body)}`);
      assert.ok(["ignored", "awaiting_payment"].includes(reply.body.outcome), `${event.id}: ${reply.body.outcome}`);
    }
    const untouched = await reservation(member, reservationId);
    assert.equal(untouched.status, "held");
    assert.equal(untouched.payment.status, "checkout");
  });

  test("a payment that completes after the hold was lost is refunded, once", async () => {
    const { member, reservationId, checkout } = await holdInCheckout(facilityId, "m-late", "court-3");
    const released = await member.post("/api/realtime/release", { facilityId, reservationId });
    assert.equal(released.status, 200);
    const event = fake.completedEvent(checkout.sessionId, { paymentIntent: "pi_late_1" });
    const late = await deliver(event);
    assert.equal(late.status, 200);
    assert.equal(late.body.outcome, "refunded");
    const record = await reservation(member, reservationId);
    assert.equal(record.status, "released");
    assert.equal(record.payment.status, "refunded");
    await eventually(() => (refundsOf("pi_late_1").length > 0 ? true : undefined), { what: "the refund reaching Stripe" });
    const [refund] = refundsOf("pi_late_1");
    assert.equal(refund.key, "refund-pi_late_1");
    assert.equal(refund.params.get("metadata[reason]"), "hold_lost");
    assert.equal(refund.params.get("metadata[reservationId]"), reservationId);

    // Redelivered: no second refund request, the record unchanged.
    const again = await deliver(event);
    assert.equal(again.body.outcome, "duplicate");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(refundsOf("pi_late_1").length, 1);
    assert.equal((await reservation(member, reservationId)).version, record.version);
    assert.deepEqual(fake.problems, []);
  });

  test("a refund Stripe fails is retried; one it refuses is logged and holds nothing up", async () => {
    const late = async (memberId, courtId, time, paymentIntent) => {
      const { member, reservationId, checkout } = await holdInCheckout(facilityId, memberId, courtId, time);
      await member.post("/api/realtime/release", { facilityId, reservationId });
      assert.equal((await deliver(fake.completedEvent(checkout.sessionId, { paymentIntent }))).body.outcome, "refunded");
    };
    fake.script("pi_refund_retry", [{ status: 500, message: "the fake is down" }, { status: 502, message: "still down" }]);
    fake.script("pi_refund_refused", [{ status: 400, message: "Charge has already been refunded.", type: "invalid_request_error" }]);
    await late("m-retry-1", "court-1", "07:00", "pi_refund_retry");
    await late("m-refused-1", "court-2", "07:00", "pi_refund_refused");
    await late("m-after-1", "court-3", "07:00", "pi_refund_after");
    await eventually(() => (refundsOf("pi_refund_retry").some((r) => r.status === 200) ? true : undefined), {
      what: "the failed refund made on a retry",
    });
    // The first key's 500 is replayed on the retry; the fresh key then refunds.
    assert.deepEqual(refundsOf("pi_refund_retry").map((r) => r.status), [500, 502, 200]);
    await eventually(() => (refundsOf("pi_refund_after").length > 0 ? true : undefined), { what: "the next refund going out" });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(refundsOf("pi_refund_refused").map((r) => r.status), [400], "a refusal is not retried");
    assert.match(stack.output, /REFUND REFUSED: facility paid, payment pi_refund_refused/);
  });

  test("a payment made in time whose news comes after the hold lapsed still books the court", async () => {
    const lateNews = "paid-late-news";
    await stack.configure(lateNews, PRICED);
    const { member, reservationId, checkout } = await holdInCheckout(lateNews, "m-news", "court-1");
    const event = fake.completedEvent(checkout.sessionId, { paymentIntent: "pi_news" }); // created now
    // The facility's clock jumps past the hold (35 + 5 minutes) before Stripe's news arrives.
    const clock = await stack.post("/api/debug/clock", { facilityId: lateNews, offsetMs: 41 * 60_000 });
    assert.equal(clock.status, 200, JSON.stringify(clock.body));
    assert.equal((await reservation(member, reservationId)).status, "expired");
    const paid = await deliver(event);
    assert.equal(paid.body.outcome, "confirmed");
    const booked = await reservation(member, reservationId);
    assert.equal(booked.status, "confirmed");
    assert.equal(booked.payment.status, "paid");
    assert.equal(refundsOf("pi_news").length, 0);
  });

  test("an expired checkout session, or a failed delayed payment, releases the hold", async () => {
    const { member, reservationId, checkout } = await holdInCheckout(facilityId, "m-exp", "court-4");
    const expired = await deliver(fake.expiredEvent(checkout.sessionId));
    assert.equal(expired.status, 200);
    assert.equal(expired.body.outcome, "released");
    assert.equal((await reservation(member, reservationId)).status, "released");
    const again = await deliver(fake.expiredEvent(checkout.sessionId));
    assert.equal(again.body.outcome, "ignored");
    // A delayed payment that failed ends its hold the same way.
    const delayed = await holdInCheckout(facilityId, "m-delayed", "court-4", "09:00");
    const failed = { ...fake.expiredEvent(delayed.checkout.sessionId), type: "checkout.session.async_payment_failed" };
    assert.equal((await deliver(failed)).body.outcome, "released");
    assert.equal((await reservation(delayed.member, delayed.reservationId)).status, "released");
  });

  test("free bookings skip payment: a gold member's checkout confirms at once", async () => {
    const staff = await stack.as("desk-pay", { role: "staff", facilities: [facilityId] });
    assert.equal((await staff.put(`/api/facilities/${facilityId}/members/m-gold`, { tier: "gold" })).status, 200);
    const member = await stack.as("m-gold");
    const booking = { facilityId, courtId: "padel-1", startTime: at("18:00"), endTime: at("19:00"), memberId: "m-gold" };
    const attempt = await member.post("/api/realtime/attempt", booking);
    assert.equal(attempt.body.payment, undefined);
    const before = fake.requests.length;
    const checkout = await member.post("/api/stripe/checkout", { facilityId, reservationId: attempt.body.reservationId });
    assert.equal(checkout.status, 200);
    assert.equal(checkout.body.free, true);
    assert.equal(checkout.body.reservation.status, "confirmed");
    assert.equal(fake.requests.length, before, "Stripe was not asked");
  });

  test("Stripe failing: checkout answers 502 and the retry gets a session", async () => {
    const member = await stack.as("m-retry");
    const booking = { facilityId, courtId: "court-1", startTime: at("09:00"), endTime: at("10:30"), memberId: "m-retry" };
    const attempt = await member.post("/api/realtime/attempt", booking);
    const { reservationId } = attempt.body;
    assert.equal(attempt.body.payment.amount, 3500);
    // Stripe fails twice: under the session's key and under the fresh one tried at once.
    fake.script(reservationId, [{ status: 500, message: "the fake is down" }, { status: 503, message: "still down" }]);
    assertError(await member.post("/api/stripe/checkout", { facilityId, reservationId }), 502, "payment_provider_error");
    // Stripe replays its 500 for the first key; the fresh key gets the session.
    const retry = await member.post("/api/stripe/checkout", { facilityId, reservationId });
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.match(retry.body.sessionId, /^cs_test_/);
    assert.ok(fake.replays.some((r) => r.status === 500 && r.key.startsWith(`checkout-${reservationId}-`)), "the 500 was replayed");
    // Someone else's hold cannot be paid for.
    const other = await stack.as("m-other");
    assertError(await other.post("/api/stripe/checkout", { facilityId, reservationId }), 403, "forbidden");
  });
});

describe("bad input to the payment routes", () => {
  test("is a 4xx with a code and changes nothing", async () => {
    const facilityId = "paid-bad";
    await stack.configure(facilityId, PRICED);
    const member = await stack.as("m-bad");
    assertError(await stack.post("/api/stripe/checkout", { facilityId, reservationId: "paid-bad_x" }), 401, "unauthenticated");
    assertError(await member.request("/api/stripe/checkout", { method: "POST", body: "{\"facilityId\":" }), 400, "invalid_json");
    assertError(await member.post("/api/stripe/checkout", { facilityId, reservationId: "paid-bad_x", extra: 1 }), 400, "invalid_field");
    assertError(await member.post("/api/stripe/checkout", { facilityId, reservationId: "paid-bad_AAAAAAAAAAAAAAAA" }), 404, "not_found");
    assertError(await member.request("/api/stripe/checkout", { method: "GET" }), 405, "method_not_allowed");
    // A signed body that is not JSON, and a webhook body of another media type.
    assertError(await deliver(null, { payload: "not json" }), 400, "invalid_json");
    const plain = await stack.request("/api/stripe/webhook", { method: "POST", body: "{}", headers: { "Content-Type": "text/plain" } });
    assertError(plain, 415, "unsupported_media_type");
    // Members cannot pose as Stripe: the payment commands are the host's.
    assertError(await member.post("/api/realtime/payment_completed", { facilityId }), 404, "not_found");
    // Signed events that are not ours, or of other types, are acknowledged and ignored.
    const foreign = { id: "evt_x", type: "checkout.session.completed", data: { object: { payment_status: "paid", metadata: {} } } };
    assert.equal((await deliver(foreign)).body.outcome, "ignored");
    assert.equal((await deliver({ id: "evt_y", type: "invoice.paid", data: { object: {} } })).body.outcome, "ignored");
    const unknownFacility = { ...foreign, data: { object: { payment_status: "paid", client_reference_id: "nowhere_x", metadata: { facilityId: "nowhere" }, payment_intent: "pi_x", amount_total: 100, currency: "usd" } } };
    assert.equal((await deliver(unknownFacility)).body.outcome, "ignored");
  });
});

describe("refunds on cancel", () => {
  test("before the cutoff the money goes back; after it the club keeps it; staff can refund", async () => {
    const early = "refund-early";
    const late = "refund-late";
    await stack.configure(early, PRICED);
    await stack.configure(late, { ...PRICED, rules: { cancelCutoffMinutes: 10 * 1440 } }); // every cancel is late
    for (const [facilityId, paymentIntent] of [[early, "pi_cancel_early"], [late, "pi_cancel_late"]]) {
      const { member, reservationId, checkout } = await holdInCheckout(facilityId, "m-cancel", "court-1");
      assert.equal((await deliver(fake.completedEvent(checkout.sessionId, { paymentIntent }))).body.outcome, "confirmed");
      const cancel = await member.delete(`/api/reservations/${reservationId}`, { reason: "injury" });
      assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
      const inTime = facilityId === early;
      assert.equal(cancel.body.lateCancellation, !inTime);
      assert.equal(cancel.body.refunded, inTime);
      if (inTime) {
        await eventually(() => (refundsOf(paymentIntent).length > 0 ? true : undefined), { what: "the refund reaching Stripe" });
        assert.equal(refundsOf(paymentIntent)[0].params.get("metadata[reason]"), "cancelled");
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(refundsOf(paymentIntent).length, 0, "a late cancel is not refunded");
      // Members cannot refund themselves; staff can, once.
      assertError(await member.post(`/api/reservations/${reservationId}/refund`), 403, "forbidden");
      const staff = await stack.as("desk", { role: "staff", facilities: [facilityId] });
      const refund = await staff.post(`/api/reservations/${reservationId}/refund`);
      assert.equal(refund.status, 200, JSON.stringify(refund.body));
      assert.equal(refund.body.outcome, "refunded");
      assert.equal(refund.body.reservation.payment.status, "refunded");
      assert.equal((await staff.post(`/api/reservations/${reservationId}/refund`)).status, 200);
      await eventually(() => (refundsOf(paymentIntent).length > 0 ? true : undefined), { what: "the staff refund reaching Stripe" });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(refundsOf(paymentIntent).length, 1);
      assert.equal(refundsOf(paymentIntent)[0].params.get("metadata[reason]"), "staff");
    }
    assert.deepEqual(fake.problems, []);
  });

  test("a facility rebuilt from D1 keeps its bookings' payments: a cancel in time is still refunded", async () => {
    const facilityId = "refund-rebuilt";
    await stack.configure(facilityId, PRICED);
    const { member, reservationId, checkout } = await holdInCheckout(facilityId, "m-rebuilt", "court-2");
    await deliver(fake.completedEvent(checkout.sessionId, { paymentIntent: "pi_rebuilt" }));
    const mine = await eventually(async () => {
      const list = await member.get("/api/members/me/reservations");
      const found = list.body.reservations?.find((r) => r.reservationId === reservationId && r.status === "confirmed");
      return found ?? undefined;
    }, { what: "the paid booking reaching the projection" });
    assert.equal(mine.payment.status, "paid");
    const staff = await stack.as("desk-rebuild", { role: "staff", facilities: [facilityId] });
    const sync = await staff.post("/api/realtime/sync", { facilityId });
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    assert.equal((await reservation(member, reservationId)).payment.paymentId, "pi_rebuilt");
    const cancel = await member.delete(`/api/reservations/${reservationId}`);
    assert.equal(cancel.body.refunded, true);
    await eventually(() => (refundsOf("pi_rebuilt").length > 0 ? true : undefined), { what: "the refund reaching Stripe" });
  });
});
