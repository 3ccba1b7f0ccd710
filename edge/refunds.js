// refunds.js: carries out the refunds a facility's core asked for (the
// outbox's `refund` effects, docs/PROTOCOL.md) with Stripe's Refunds API.
// The facility's drain calls it after D1 has the batch; a transient failure
// rejects, so the rows stay and the batch is retried with backoff (Stripe's
// idempotency key, one per payment, makes the retry harmless). A refusal
// (say, the payment was refunded by hand in Stripe's dashboard) is logged
// and not retried, so one bad refund never holds up the outbox.
import { createRefund, StripeError } from "./stripe.js";

export async function sendRefunds(env, facilityId, rows) {
  for (const row of rows) {
    if (row.effect.type !== "refund") continue;
    const refund = row.effect.refund;
    if (!env.STRIPE_SECRET_KEY) {
      console.error(`REFUND NOT MADE: facility ${facilityId}, payment ${refund.paymentId}: STRIPE_SECRET_KEY is not set`);
      continue;
    }
    try {
      await createRefund(env, { facilityId, ...refund });
    } catch (error) {
      if (!(error instanceof StripeError) || error.transient) throw error;
      console.error(`REFUND REFUSED: facility ${facilityId}, payment ${refund.paymentId} (${refund.reason}); settle it by hand`, error);
    }
  }
}
