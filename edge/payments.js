// payments.js: the payment routes (docs/PAYMENTS.md). Checkout asks the
// facility's core to start paying for a hold (it prices it, lengthens the
// hold and fixes the deadline), then creates the Stripe Checkout Session
// for exactly that amount and deadline. The webhook checks Stripe's
// signature on the raw body before anything else, then hands the verified
// news to the core as a host command; every decision (confirm, release,
// refund) is the core's. Refunds the core asks for go out through the
// facility's outbox (edge/refunds.js).
import { requireIdentity, actorFor } from "./auth.js";
import { execute, facilityIdOf, respond } from "./booking.js";
import { HttpError, jsonResponse, readBody } from "./http.js";
import { createCheckoutSession, StripeError, stripeConfigured } from "./stripe.js";
import { signatureProblem } from "./stripe-signature.js";
import { isFacilityId, isId } from "../glue/ids.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

// POST /api/stripe/checkout {facilityId, reservationId}: the holder (or
// staff). A free hold is confirmed at once ({free: true, reservation});
// a priced one gets a Checkout Session ({free: false, checkoutUrl,
// sessionId, reservation}). Asking again gives the same session.
export async function startCheckout(request, env) {
  const identity = await requireIdentity(request, env);
  const body = await readBody(request);
  const facilityId = facilityIdOf(body);
  if (!stripeConfigured(env)) throw unavailable();
  const result = await execute(env, "checkout", { facilityId }, body, actorFor(identity, facilityId));
  if (result.status !== 200) return respond(result);
  const { outcome, reservation } = result.reply;
  if (outcome === "confirmed") return jsonResponse(200, { success: true, free: true, reservation });
  const facility = (await execute(env, "facility", { facilityId })).reply;
  const page = `${String(env.PUBLIC_BASE_URL ?? "").replace(/\/+$/, "")}/f/${facilityId}`;
  const back = (state) => `${page}?payment=${state}&reservationId=${encodeURIComponent(reservation.reservationId)}`;
  let session;
  try {
    session = await createCheckoutSession(env, {
      facilityId,
      reservation,
      payment: reservation.payment,
      description: describe(facility, reservation),
      successUrl: back("success"),
      cancelUrl: back("cancelled"),
    });
  } catch (error) {
    if (!(error instanceof StripeError)) throw error;
    console.error(`checkout for ${reservation.reservationId}: Stripe failed`, error);
    throw new HttpError(502, "payment_provider_error", `the payment provider could not start the payment (${error.message}); try again`);
  }
  return jsonResponse(200, {
    success: true, free: false, checkoutUrl: session.url, sessionId: session.id, reservation, payment: reservation.payment,
  });
}

// POST /api/stripe/webhook: Stripe's events, signed. Unsigned, tampered or
// stale requests are 400 and change nothing. Answers 200 {received,
// outcome} once the facility has recorded the event; a 503 makes Stripe
// deliver it again later.
export async function stripeWebhook(request, env) {
  if (!stripeConfigured(env)) throw unavailable();
  const body = await readBody(request);
  const problem = await signatureProblem(
    env.STRIPE_WEBHOOK_SECRET, request.headers.get("Stripe-Signature"), body, Math.floor(Date.now() / 1000),
  );
  if (problem !== null) throw new HttpError(400, "invalid_signature", problem);
  let event;
  try {
    event = JSON.parse(decoder.decode(body));
  } catch {
    throw new HttpError(400, "invalid_json", "the event is not valid JSON");
  }
  const session = event?.data?.object ?? {};
  switch (event?.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      if (session.payment_status !== "paid") return received(event, "awaiting_payment");
      return report(env, event, session, "payment_completed", {
        paymentId: session.payment_intent, amount: session.amount_total, currency: session.currency, ...paidAt(event),
      });
    case "checkout.session.expired":
    case "checkout.session.async_payment_failed": // a delayed payment that failed: the hold ends as if unpaid
      return report(env, event, session, "checkout_expired", {});
    default:
      return received(event, "ignored");
  }
}

// Hands a verified event about one of our sessions to its facility.
async function report(env, event, session, op, fields) {
  const facilityId = session.metadata?.facilityId;
  const reservationId = session.client_reference_id;
  if (!isFacilityId(facilityId) || !isId(reservationId)) return received(event, "ignored"); // not a Courtside session
  const args = encoder.encode(JSON.stringify({ facilityId, reservationId, ...fields }));
  const result = await execute(env, op, { facilityId }, args, undefined);
  if (result.status === 200) return received(event, result.reply.outcome);
  console.error(`Stripe event ${event.id} (${event.type}) for ${reservationId}: the facility answered`, result.status, result.reply);
  // A 4xx (an unknown facility, a field the core refuses) answers the same
  // however often Stripe delivers it: acknowledged, and logged above. Only
  // the facility failing (5xx) is worth another delivery.
  if (result.status < 500) return received(event, "ignored");
  throw new HttpError(503, "unavailable", "the event could not be recorded; deliver it again later");
}

// When Stripe says the payment happened (the event's creation, whole
// seconds): a hold that lapsed while the news was on its way still books.
function paidAt(event) {
  if (!Number.isSafeInteger(event.created) || event.created <= 0) return {};
  return { paidAt: new Date(event.created * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") };
}

function received(event, outcome) {
  return jsonResponse(200, { received: true, id: event?.id ?? null, outcome });
}

function unavailable() {
  return new HttpError(503, "payments_unavailable", "payments are not set up here (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET)");
}

// "Court 1, Thu 3 Dec 18:00-19:00 (Riverside Racquet Club)" on the facility's clock.
function describe(facility, reservation) {
  const court = facility?.courts?.find((c) => c.courtId === reservation.courtId)?.name ?? reservation.courtId;
  try {
    const day = new Intl.DateTimeFormat("en-GB", { timeZone: facility.timeZone, weekday: "short", day: "numeric", month: "short" });
    const time = new Intl.DateTimeFormat("en-GB", { timeZone: facility.timeZone, hour: "2-digit", minute: "2-digit" });
    const start = new Date(reservation.startTime);
    return `${court}, ${day.format(start)} ${time.format(start)}-${time.format(new Date(reservation.endTime))} (${facility.name})`;
  } catch {
    return `${court}, ${reservation.startTime}`;
  }
}
