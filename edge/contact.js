// contact.js: the signed-in member's notification preferences, `GET` and
// `PUT /api/members/me/contact` (D1 `member_contacts`, glue/contacts.js):
// the channel the notifier uses (sms, whatsapp, email, or null for none),
// its address, and a language for the templates. Validated here, before
// anything is stored: phone numbers in E.164, emails by shape.
import { getContact, putContact } from "../glue/contacts.js";
import { requireIdentity } from "./auth.js";
import { invalidField, jsonResponse, readJsonObject } from "./http.js";

const CHANNELS = ["sms", "whatsapp", "email"];
const E164 = /^\+[1-9]\d{7,14}$/;
const EMAIL = /^[^\s@"<>(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const EMAIL_MAX = 254;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/;

// GET /api/members/me/contact → {success, contact} (contact null if never set).
export async function showContact(request, env) {
  const identity = await requireIdentity(request, env);
  return jsonResponse(200, { success: true, contact: await getContact(env.DB, identity.memberId) });
}

// PUT /api/members/me/contact {channel, phone?, email?, language?} replaces
// the caller's contact (absent fields become null) → {success, contact}.
export async function updateContact(request, env) {
  const identity = await requireIdentity(request, env);
  const body = await readJsonObject(request, ["channel", "phone", "email", "language"]);
  const contact = validContact(body);
  return jsonResponse(200, { success: true, contact: await putContact(env.DB, identity.memberId, contact, Date.now()) });
}

// The body as {channel, phone, email, language}, or 400 invalid_field
// naming the first field that is wrong.
export function validContact({ channel, phone = null, email = null, language = null }) {
  if (channel !== null && !CHANNELS.includes(channel)) {
    throw invalidField("channel", `must be one of ${CHANNELS.join(", ")}, or null for no notifications`);
  }
  if (phone !== null && !(typeof phone === "string" && E164.test(phone))) {
    throw invalidField("phone", "must be an E.164 number: + then 8 to 15 digits, the first not 0 (+14155550123)");
  }
  if (email !== null && !(typeof email === "string" && email.length <= EMAIL_MAX && EMAIL.test(email))) {
    throw invalidField("email", "must be an email address (name@example.com)");
  }
  if (language !== null && !(typeof language === "string" && LANGUAGE.test(language))) {
    throw invalidField("language", "must be a language tag such as en, es or es-MX");
  }
  if ((channel === "sms" || channel === "whatsapp") && phone === null) {
    throw invalidField("phone", `is required for ${channel}`);
  }
  if (channel === "email" && email === null) throw invalidField("email", "is required for email");
  return { channel, phone, email, language };
}
