// sendgrid.mjs: a fake of SendGrid's v3 Mail Send API for the integration
// tests. Checks each request as SendGrid would: POST /v3/mail/send,
// `Authorization: Bearer KEY`, application/json with personalizations
// (each with a `to` list of {email}), from {email}, a subject and content
// whose first part is text/plain. Answers 202 Accepted with an
// X-Message-Id and no body, or what a test scripted for the recipient's
// email: e.g. {status: 500} or {status: 400, message}, with SendGrid's
// error body {errors: [{message, field, help}]}.
import { randomBytes } from "node:crypto";
import { FakeServer } from "./base.mjs";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function startFakeSendGrid({ apiKey }) {
  const fake = new FakeServer();
  return fake.listen((request, text) => {
    if (request.method !== "POST" || request.url !== "/v3/mail/send") {
      return fake.refuse(`${request.method} ${request.url}`, error(404, "Not found"));
    }
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      const refusal = error(401, "The provided authorization grant is invalid, expired, or revoked");
      return fake.refuse(`Authorization ${request.headers.authorization}`, refusal);
    }
    const type = request.headers["content-type"] ?? "";
    if (type.split(";")[0].trim() !== "application/json") {
      return fake.refuse(`Content-Type ${type}`, error(415, "Content-Type must be application/json"));
    }
    let mail;
    try {
      mail = JSON.parse(text);
    } catch {
      return fake.refuse("a body that is not JSON", error(400, "Bad Request"));
    }
    const problem = shapeProblem(mail);
    if (problem !== null) return fake.refuse(problem, error(400, problem));
    const to = mail.personalizations[0].to[0].email;
    const scripted = fake.scripted(to);
    fake.requests.push({
      at: Date.now(), to, from: mail.from.email, subject: mail.subject, text: mail.content[0].value,
      recipients: mail.personalizations.flatMap((p) => p.to.map((address) => address.email)),
      status: scripted?.status ?? 202,
    });
    if (scripted !== undefined) return error(scripted.status, scripted.message ?? "scripted failure");
    return { status: 202, headers: { "X-Message-Id": randomBytes(11).toString("base64url") } };
  });
}

// What the real API would refuse in a mail's shape, or null.
function shapeProblem(mail) {
  const { personalizations, from, subject, content } = mail ?? {};
  if (!Array.isArray(personalizations) || personalizations.length === 0 || personalizations.length > 1000) {
    return "personalizations";
  }
  for (const p of personalizations) {
    if (!Array.isArray(p?.to) || p.to.length === 0 || !p.to.every((address) => EMAIL.test(address?.email ?? ""))) {
      return "personalizations.to";
    }
  }
  if (!EMAIL.test(from?.email ?? "")) return "from.email";
  if (typeof subject !== "string" || subject.trim() === "") return "subject";
  if (!Array.isArray(content) || content.length === 0 || content[0]?.type !== "text/plain") return "content";
  const filled = (part) => typeof part?.type === "string" && typeof part?.value === "string" && part.value !== "";
  if (!content.every(filled)) return "content.value";
  return null;
}

function error(status, message) {
  return { status, body: { errors: [{ message, field: null, help: null }] } };
}
