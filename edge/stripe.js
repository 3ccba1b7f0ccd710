// stripe.js: Stripe's HTTP API, the two calls Courtside makes: create a
// Checkout Session, create a Refund. Requests are form-encoded with the
// secret key as the bearer and an Idempotency-Key, so a retried call never
// charges or refunds twice. The base URL is STRIPE_API_BASE (tests point it
// at a local fake), the key the STRIPE_SECRET_KEY secret. No Stripe
// library: two fetch calls do not need one. Failures throw StripeError with
// `transient` telling a retry apart from a refusal (docs/PAYMENTS.md).
// Stripe answers a key's first result again for 24 h, a 500 included, so
// after a 5xx the call is made once more under a fresh key: a second
// session for one hold is harmless (the core books one payment and
// refunds any other), and a second full refund is refused by Stripe.
const DEFAULT_BASE = "https://api.stripe.com";

export class StripeError extends Error {
  constructor(message, { status = null, code = null, transient }) {
    super(message);
    this.status = status; // Stripe's HTTP status, null when it did not answer
    this.code = code; // Stripe's error code, when it gave one
    this.transient = transient; // true: the same call may succeed later
  }
}

// Whether the secrets a payment needs are set.
export function stripeConfigured(env) {
  return typeof env.STRIPE_SECRET_KEY === "string" && env.STRIPE_SECRET_KEY !== "" &&
    typeof env.STRIPE_WEBHOOK_SECRET === "string" && env.STRIPE_WEBHOOK_SECRET !== "";
}

// POST /v1/checkout/sessions: one line item of `amount` (minor units) for
// the reservation; the session expires at `payBy` (RFC 3339), which the
// core set; the reservation and facility ride along as
// client_reference_id and metadata, so the webhook knows what was paid.
export function createCheckoutSession(env, { facilityId, reservation, payment, description, successUrl, cancelUrl }) {
  const metadata = { facilityId, reservationId: reservation.reservationId };
  return callOnce(env, "/v1/checkout/sessions", `checkout-${reservation.reservationId}-${Date.parse(payment.payBy)}`, {
    mode: "payment",
    client_reference_id: reservation.reservationId,
    expires_at: Math.floor(Date.parse(payment.payBy) / 1000),
    success_url: successUrl,
    cancel_url: cancelUrl,
    line_items: [{ quantity: 1, price_data: { currency: payment.currency, unit_amount: payment.amount, product_data: { name: description } } }],
    metadata,
    payment_intent_data: { metadata },
  });
}

// POST /v1/refunds: the whole of a PaymentIntent, once per payment.
export function createRefund(env, { facilityId, reservationId, paymentId, reason }) {
  return callOnce(env, "/v1/refunds", `refund-${paymentId}`, {
    payment_intent: paymentId,
    metadata: { facilityId, reservationId, reason },
  });
}

// The call under `idempotencyKey`; after a 5xx (which Stripe would replay
// for that key), once more under a fresh one.
async function callOnce(env, path, idempotencyKey, params) {
  try {
    return await call(env, path, idempotencyKey, params);
  } catch (error) {
    if (!(error instanceof StripeError) || error.status === null || error.status < 500) throw error;
    return call(env, path, `${idempotencyKey}-${Date.now().toString(36)}`, params);
  }
}

async function call(env, path, idempotencyKey, params) {
  const base = String(env.STRIPE_API_BASE || DEFAULT_BASE).replace(/\/+$/, "");
  let response;
  try {
    response = await fetch(`${base}${path}`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${env.STRIPE_SECRET_KEY}`,
        "Content-Type": "application/x-www-form-urlencoded",
        "Idempotency-Key": idempotencyKey,
        "Stripe-Version": "2024-06-20",
      },
      body: formEncode(params),
    });
  } catch (error) {
    throw new StripeError(`Stripe did not answer: ${error.message}`, { transient: true });
  }
  const body = await response.json().catch(() => null);
  if (response.ok && body !== null) return body;
  const message = body?.error?.message ?? `Stripe answered ${response.status}`;
  // 409: an idempotent request still in flight; 429: rate limited; 5xx: Stripe's side.
  const transient = response.status === 409 || response.status === 429 || response.status >= 500;
  throw new StripeError(message, { status: response.status, code: body?.error?.code ?? null, transient });
}

// Stripe's form encoding: nested objects and arrays as key[sub][0]=value.
export function formEncode(params) {
  const pairs = [];
  const add = (key, value) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) value.forEach((item, index) => add(`${key}[${index}]`, item));
    else if (typeof value === "object") for (const [sub, item] of Object.entries(value)) add(`${key}[${sub}]`, item);
    else pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  };
  for (const [key, value] of Object.entries(params)) add(key, value);
  return pairs.join("&");
}
