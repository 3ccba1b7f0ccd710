// stripe.mjs: a fake of the two Stripe API calls Courtside makes, for the
// integration tests. Checks each request as Stripe would: POST
// /v1/checkout/sessions or /v1/refunds, `Authorization: Bearer sk_...`
// with the test's key, application/x-www-form-urlencoded, an
// Idempotency-Key, and the parameters Courtside must send (a payment-mode
// session with one priced line item, client_reference_id, expires_at 30
// minutes to 24 hours ahead, success and cancel URLs, metadata; a refund of
// a payment_intent). The same Idempotency-Key with the same parameters
// answers the first response again (a 500 included), with others 400
// idempotency_error, as Stripe does. Scripted failures are keyed by reservation id (sessions) or
// payment intent (refunds). `completedEvent` and `expiredEvent` build the
// webhook events Stripe would send for a session.
import { randomBytes } from "node:crypto";
import { FakeServer } from "./base.mjs";

export async function startFakeStripe({ secretKey }) {
  const fake = new FakeServer();
  const remembered = new Map(); // Idempotency-Key → {body, reply}
  fake.sessions = new Map(); // id → session
  fake.refunds = []; // refund objects made
  fake.replays = []; // requests answered from an earlier one with the same key

  fake.completedEvent = (sessionId, { paymentIntent = `pi_${randomBytes(12).toString("hex")}`, amount } = {}) => {
    const session = fake.sessions.get(sessionId);
    const object = {
      ...session, status: "complete", payment_status: "paid", payment_intent: paymentIntent,
      amount_total: amount ?? session.amount_total,
    };
    return event("checkout.session.completed", object);
  };
  fake.expiredEvent = (sessionId) => event("checkout.session.expired", { ...fake.sessions.get(sessionId), status: "expired" });

  await fake.listen((request, text) => {
    const problem = requestProblem(request, secretKey);
    if (problem !== null) return fake.refuse(problem.text, error(problem.status, problem.text, problem.type));
    const params = new URLSearchParams(text);
    const key = request.headers["idempotency-key"];
    const earlier = remembered.get(key);
    if (earlier !== undefined) {
      fake.replays.push({ path: request.url, key, status: earlier.reply.status });
      if (earlier.body !== text) {
        return fake.refuse(`Idempotency-Key ${key} reused with other parameters`, error(400, "Keys for idempotent requests can only be used with the same parameters they were first used with.", "idempotency_error"));
      }
      return earlier.reply;
    }
    const handler = request.url === "/v1/checkout/sessions" ? createSession : createRefund;
    const shape = handler === createSession ? sessionProblem(params) : refundProblem(params);
    if (shape !== null) return fake.refuse(shape, error(400, shape, "invalid_request_error"));
    const recipient = params.get(handler === createSession ? "client_reference_id" : "payment_intent");
    const scripted = fake.scripted(recipient);
    fake.requests.push({ at: Date.now(), path: request.url, key, to: recipient, params, status: scripted?.status ?? 200 });
    if (scripted !== undefined) {
      const failure = error(scripted.status, scripted.message ?? "scripted failure", scripted.type ?? "api_error");
      if (scripted.status >= 500) remembered.set(key, { body: text, reply: failure }); // Stripe replays a 500 too
      return failure;
    }
    const reply = { status: 200, body: handler(params) };
    remembered.set(key, { body: text, reply });
    return reply;
  });
  return fake;

  function createSession(params) {
    const id = `cs_test_${randomBytes(16).toString("hex")}`;
    const metadata = {};
    for (const [name, value] of params) {
      const match = /^metadata\[(\w+)\]$/.exec(name);
      if (match) metadata[match[1]] = value;
    }
    const session = {
      id, object: "checkout.session", mode: "payment", status: "open", payment_status: "unpaid",
      url: `https://checkout.stripe.test/c/pay/${id}`, client_reference_id: params.get("client_reference_id"),
      expires_at: Number(params.get("expires_at")), success_url: params.get("success_url"), cancel_url: params.get("cancel_url"),
      currency: params.get("line_items[0][price_data][currency]"), amount_total: Number(params.get("line_items[0][price_data][unit_amount]")),
      metadata, payment_intent: null,
    };
    fake.sessions.set(id, session);
    return session;
  }

  function createRefund(params) {
    const refund = {
      id: `re_${randomBytes(12).toString("hex")}`, object: "refund", status: "succeeded",
      payment_intent: params.get("payment_intent"), amount: params.has("amount") ? Number(params.get("amount")) : null,
    };
    fake.refunds.push(refund);
    return refund;
  }
}

function event(type, object) {
  return {
    id: `evt_${randomBytes(12).toString("hex")}`, object: "event", type, api_version: "2024-06-20",
    created: Math.floor(Date.now() / 1000), data: { object },
  };
}

// What Stripe would refuse in the request's method, path, auth or headers, or null.
function requestProblem(request, secretKey) {
  if (request.method !== "POST" || !["/v1/checkout/sessions", "/v1/refunds"].includes(request.url)) {
    return { status: 404, text: `Unrecognized request URL (${request.method}: ${request.url})`, type: "invalid_request_error" };
  }
  if (!secretKey.startsWith("sk_") || request.headers.authorization !== `Bearer ${secretKey}`) {
    return { status: 401, text: `Invalid API Key provided: ${request.headers.authorization}`, type: "invalid_request_error" };
  }
  const type = (request.headers["content-type"] ?? "").split(";")[0].trim();
  if (type !== "application/x-www-form-urlencoded") {
    return { status: 400, text: `Content-Type ${type} (Stripe takes form-encoded bodies)`, type: "invalid_request_error" };
  }
  const key = request.headers["idempotency-key"];
  if (typeof key !== "string" || key === "" || key.length > 255) {
    return { status: 400, text: "an Idempotency-Key header is required (Courtside always sends one)", type: "invalid_request_error" };
  }
  return null;
}

function sessionProblem(params) {
  const now = Math.floor(Date.now() / 1000);
  const expires = Number(params.get("expires_at"));
  if (params.get("mode") !== "payment") return "mode must be payment";
  if (!params.get("client_reference_id")) return "client_reference_id is missing";
  if (!Number.isInteger(expires) || expires < now + 30 * 60 - 60 || expires > now + 24 * 3600) {
    return "expires_at must be 30 minutes to 24 hours after creation";
  }
  for (const url of ["success_url", "cancel_url"]) if (!/^https?:\/\//.test(params.get(url) ?? "")) return `${url} is not a URL`;
  if (params.get("line_items[0][quantity]") !== "1") return "line_items[0][quantity] must be 1";
  if (!/^[a-z]{3}$/.test(params.get("line_items[0][price_data][currency]") ?? "")) return "line_items[0][price_data][currency]";
  if (!/^[1-9]\d*$/.test(params.get("line_items[0][price_data][unit_amount]") ?? "")) return "line_items[0][price_data][unit_amount]";
  if (!params.get("line_items[0][price_data][product_data][name]")) return "line_items[0][price_data][product_data][name]";
  if (!params.get("metadata[facilityId]") || !params.get("metadata[reservationId]")) return "metadata";
  return null;
}

function refundProblem(params) {
  if (!/^pi_\w+$/.test(params.get("payment_intent") ?? "")) return "payment_intent is missing or not a PaymentIntent id";
  return null;
}

function error(status, message, type) {
  return { status, body: { error: { type, message } } };
}
