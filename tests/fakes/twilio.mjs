// twilio.mjs: a fake of Twilio's Messages API for the integration tests.
// Checks each request as Twilio would: POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP
// Basic auth with the account SID and auth token, To/From/Body with E.164
// numbers (both `whatsapp:+E164` for WhatsApp). Answers 201 with a
// message resource, or what a test scripted for the recipient (the bare
// E.164 number): e.g. {status: 429, code: 20429} or {status: 400, code:
// 21211}, with Twilio's error body {code, message, more_info, status}.
import { randomBytes } from "node:crypto";
import { FakeServer } from "./base.mjs";

const E164 = /^\+[1-9]\d{7,14}$/;
const FIELDS = new Set(["To", "From", "Body", "MessagingServiceSid", "StatusCallback", "MediaUrl"]);

export async function startFakeTwilio({ accountSid, authToken }) {
  const fake = new FakeServer();
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
  return fake.listen((request, text) => {
    const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
    if (request.method !== "POST" || request.url !== path) {
      return fake.refuse(`${request.method} ${request.url}`, error(404, 20404, "The requested resource was not found"));
    }
    if (request.headers.authorization !== expectedAuth) {
      return fake.refuse(`Authorization ${request.headers.authorization}`, error(401, 20003, "Authenticate"));
    }
    const type = request.headers["content-type"] ?? "";
    if (type.split(";")[0].trim() !== "application/x-www-form-urlencoded") {
      return fake.refuse(`Content-Type ${type}`, error(400, 21604, "A 'To' phone number is required."));
    }
    const form = new URLSearchParams(text);
    const unknown = [...form.keys()].filter((key) => !FIELDS.has(key));
    if (unknown.length > 0) return fake.refuse(`unknown fields ${unknown}`, error(400, 21603, "Unknown parameter"));
    const [to, from, body] = ["To", "From", "Body"].map((key) => form.get(key));
    const whatsapp = to?.startsWith("whatsapp:");
    const number = (address) => (whatsapp ? address?.replace(/^whatsapp:/, "") : address);
    if (!to || !E164.test(number(to)) || (whatsapp && !to.startsWith("whatsapp:+"))) {
      return fake.refuse(`To ${to}`, error(400, 21211, `The 'To' number ${to} is not a valid phone number.`));
    }
    if (!from || from.startsWith("whatsapp:") !== whatsapp || !E164.test(number(from))) {
      const refusal = error(400, 21212, `The 'From' number ${from} is not a valid phone number.`);
      return fake.refuse(`From ${from} for To ${to}`, refusal);
    }
    if (!body || body.length > 1600) {
      return fake.refuse(`Body of ${body?.length} characters`, error(400, 21602, "Message body is required."));
    }
    const scripted = fake.scripted(number(to));
    const record = { at: Date.now(), channel: whatsapp ? "whatsapp" : "sms", to: number(to), from: number(from), body };
    fake.requests.push({ ...record, status: scripted?.status ?? 201 });
    if (scripted !== undefined) return error(scripted.status, scripted.code, scripted.message ?? "scripted failure");
    const sid = `SM${randomBytes(16).toString("hex")}`;
    return {
      status: 201,
      body: {
        sid, account_sid: accountSid, to, from, body, status: "queued", num_segments: "1", error_code: null, error_message: null,
      },
    };
  });
}

function error(status, code, message) {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}
