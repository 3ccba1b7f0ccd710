// bad-input.test.mjs: malformed, mistyped, unknown, oversized or misdirected
// input gets the documented 4xx error and changes nothing: the facility's
// seq (its availability ETag) is the same afterwards. Requests carry member
// m-1's session token.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ADMIN_TOKEN, DATE, Stack, assertError, at } from "./harness.mjs";

const facilityId = "strict";
const encoder = new TextEncoder();
let stack;
let config;
let token;

before(async () => {
  stack = await Stack.start();
  config = await stack.configure(facilityId);
  token = await stack.token("m-1");
});
after(() => stack?.stop());

const hold = { facilityId, courtId: "court-1", startTime: at("18:00"), endTime: at("19:00"), memberId: "m-1" };
const json = (value) => JSON.stringify(value);
const bytes = (...parts) => Buffer.concat(parts.map((part) => (typeof part === "string" ? encoder.encode(part) : part)));

// [what, method, path, body (string, bytes or value), headers, status, error]
const cases = [
  ["malformed JSON", "POST", "/api/realtime/attempt", '{"facilityId":"strict",', {}, 400, "invalid_json"],
  ["malformed JSON after a valid prefix", "POST", "/api/realtime/confirm", '{"facilityId":"strict","reservationId":}', {}, 400, "invalid_json"],
  ["no body", "POST", "/api/realtime/attempt", undefined, {}, 400, "invalid_json"],
  ["a number for a string", "POST", "/api/realtime/attempt", { ...hold, courtId: 5 }, {}, 400, "invalid_field"],
  ["a string for a number", "POST", "/api/realtime/attempt", { ...hold, partySize: "2" }, {}, 400, "invalid_field"],
  ["an unknown field", "POST", "/api/realtime/attempt", { ...hold, colour: "red" }, {}, 400, "invalid_field"],
  ["an envelope field in the body", "POST", "/api/realtime/attempt", { ...hold, newId: "strict_x" }, {}, 400, "invalid_field"],
  ["no facilityId", "POST", "/api/realtime/confirm", { reservationId: "strict_x" }, {}, 400, "invalid_field"],
  ["a facilityId with _", "POST", "/api/realtime/attempt", { ...hold, facilityId: "str_ict" }, {}, 400, "invalid_field"],
  ["invalid UTF-8", "POST", "/api/realtime/attempt", bytes(json(hold).slice(0, -1), ',"idempotencyKey":"k', new Uint8Array([0xff]), '"}'), {}, 400, "invalid_json"],
  ["a duplicate key", "POST", "/api/realtime/attempt", `{"memberId":"m-1",${json(hold).slice(1)}`, {}, 400, "invalid_json"],
  ["end before start", "POST", "/api/realtime/attempt", { ...hold, endTime: at("17:00") }, {}, 400, "invalid_field"],
  ["an unknown court", "POST", "/api/realtime/attempt", { ...hold, courtId: "court-9" }, {}, 404, "not_found"],
  ["an off-grid start", "POST", "/api/realtime/attempt", { ...hold, startTime: at("18:10"), endTime: at("19:10") }, {}, 409, "rule_violation"],
  ["a duration not offered", "POST", "/api/realtime/attempt", { ...hold, endTime: at("18:30") }, {}, 409, "rule_violation"],
  ["outside opening hours", "POST", "/api/realtime/attempt", { ...hold, startTime: at("22:00"), endTime: at("23:00") }, {}, 409, "rule_violation"],
  ["an unknown reservation", "POST", "/api/realtime/confirm", { facilityId, reservationId: "strict_AAAAAAAAAAAAAAAA" }, {}, 404, "not_found"],
  ["text/plain", "POST", "/api/realtime/attempt", json(hold), { "Content-Type": "text/plain" }, 415, "unsupported_media_type"],
  ["form data", "DELETE", "/api/reservations/strict_x", "reason=x", { "Content-Type": "application/x-www-form-urlencoded" }, 415, "unsupported_media_type"],
  ["a bad configuration", "PUT", `/api/facilities/${facilityId}`, { ...hold, gridMinutes: 7 }, { Authorization: `Bearer ${ADMIN_TOKEN}` }, 400, "invalid_field"],
  ["another facility's id in the body", "PUT", `/api/facilities/${facilityId}`, () => ({ ...config, facilityId: "other" }), { Authorization: `Bearer ${ADMIN_TOKEN}` }, 400, "invalid_field"],
  ["a bad date", "GET", `/api/realtime/availability?facilityId=${facilityId}&date=2026-13-01`, undefined, {}, 400, "invalid_field"],
  ["no facilityId in the query", "GET", `/api/realtime/availability?date=${DATE}`, undefined, {}, 400, "invalid_field"],
  ["a huge number", "POST", "/api/realtime/attempt", `${json(hold).slice(0, -1)},"partySize":1e308}`, {}, 400, "invalid_field"],
  ["a negative party", "POST", "/api/realtime/attempt", { ...hold, partySize: -2 }, {}, 400, "invalid_field"],
  ["a fractional party", "POST", "/api/realtime/attempt", { ...hold, partySize: 1.5 }, {}, 400, "invalid_field"],
  ["an instant without a zone", "POST", "/api/realtime/attempt", { ...hold, startTime: "2026-12-02T18:00:00" }, {}, 400, "invalid_field"],
  ["a negative waitlist duration", "POST", "/api/waitlist", { facilityId, memberId: "m-1", earliestStart: at("18:00"), latestEnd: at("20:00"), durationMinutes: -60, mode: "offer" }, {}, 400, "invalid_field"],
  ["a waitlist window ending before it starts", "POST", "/api/waitlist", { facilityId, memberId: "m-1", earliestStart: at("20:00"), latestEnd: at("18:00"), durationMinutes: 60, mode: "offer" }, {}, 400, "invalid_field"],
  ["an unknown waitlist mode", "POST", "/api/waitlist", { facilityId, memberId: "m-1", earliestStart: at("18:00"), latestEnd: at("20:00"), durationMinutes: 60, mode: "maybe" }, {}, 400, "invalid_field"],
  ["a reservation id with illegal characters", "GET", "/api/reservations/strict_%3Cscript%3E", undefined, {}, 400, "invalid_field"],
  ["a calendar for an id with illegal characters", "GET", "/api/reservations/strict_a%20b/calendar.ics", undefined, {}, 400, "invalid_field"],
  ["a check-in of a reservation nobody made", "POST", "/api/reservations/strict_AAAAAAAAAAAAAAAA/checkin", undefined, {}, 404, "not_found"],
  ["a phone number that is not E.164", "PUT", "/api/members/me/contact", { channel: "sms", phone: "0415 555 0123" }, {}, 400, "invalid_field"],
];

const seq = async () => (await stack.request(`/api/realtime/availability?facilityId=${facilityId}&date=${DATE}`)).headers.get("ETag");

for (const [what, method, path, body, headers, status, error] of cases) {
  test(`${what} → ${status} ${error}, nothing changed`, async () => {
    const before = await seq();
    const reply = await stack.request(path, { method, body: typeof body === "function" ? body() : body, headers, token });
    assertError(reply, status, error);
    if (error === "invalid_field" && method !== "GET") assert.equal(typeof reply.body.field, "string");
    assert.equal(await seq(), before);
  });
}

// Bodies over 64 KiB, with a Content-Length (refused before reading) and
// streamed without one (refused once the bytes read pass the limit).
test("a 10 MB body → 413 payload_too_large, nothing changed", async () => {
  const before = await seq();
  const huge = new Uint8Array(10 * 1024 * 1024).fill(0x20);
  assertError(await stack.request("/api/realtime/attempt", { method: "POST", body: huge, token }), 413, "payload_too_large");

  const streamed = await fetch(`${stack.url}/api/realtime/attempt`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: new Blob([huge]).stream(),
    duplex: "half",
  });
  assert.equal(streamed.status, 413);
  assert.equal((await streamed.json()).error, "payload_too_large");
  assert.equal(await seq(), before);
});

test("a body of exactly 64 KiB is read and judged by the core", async () => {
  const body = json(hold);
  const padded = `${body.slice(0, -1)}${" ".repeat(65536 - body.length)}}`;
  assert.equal(encoder.encode(padded).length, 65536);
  const reply = await stack.request("/api/realtime/attempt", { method: "POST", body: padded, token });
  assert.equal(reply.status, 200);
});
