// auth.test.mjs: sessions and roles through the real runtime: a mutating
// or private request without a valid, open session is 401 (none, forged,
// tampered, expired, unknown, signed out); members act only on their own
// bookings (403 from the core); staff act on any booking at the facilities
// their token lists and as members elsewhere; minting needs the admin
// token; the per-member request limit answers 429, and its window slides.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, test } from "node:test";
import { RateLimiter } from "../../edge/limits.js";
import { ADMIN_TOKEN, SESSION_SECRET, Stack, assertError, at } from "./harness.mjs";

let stack;
before(async () => {
  stack = await Stack.start();
});
after(() => stack?.stop());

// A token signed here: `v1.<payload>.<HMAC-SHA256 over "v1.<payload>">`.
function sign(payload, secret = SESSION_SECRET) {
  const body = `v1.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

const decode = (token) => JSON.parse(Buffer.from(token.split(".")[1], "base64url"));
const hold = (facilityId, memberId, courtId = "court-1", start = "18:00", end = "19:00") => ({
  facilityId, courtId, startTime: at(start), endTime: at(end), memberId,
});

test("no token, a forged, tampered, expired, unknown or signed-out token: 401", async () => {
  const facilityId = "auth-401";
  await stack.configure(facilityId);
  const path = "/api/realtime/attempt";
  const body = hold(facilityId, "m-1");
  const valid = await stack.token("m-1");
  const payload = decode(valid);
  const now = Math.floor(Date.now() / 1000);
  const [head, , signature] = valid.split(".");
  const cases = [
    ["no token", undefined],
    ["not a token", "hello"],
    ["forged: another secret", sign(payload, "not-the-secret")],
    ["tampered: another member", `${head}.${Buffer.from(JSON.stringify({ ...payload, sub: "m-2" })).toString("base64url")}.${signature}`],
    ["tampered: staff", `${head}.${Buffer.from(JSON.stringify({ ...payload, role: "admin" })).toString("base64url")}.${signature}`],
    ["expired", sign({ ...payload, iat: now - 120, exp: now - 60 })],
    ["signed right, but no such session", sign({ ...payload, sid: "never-opened" })],
    ["a session of another member", sign({ ...payload, sub: "m-2" })],
  ];
  for (const [what, token] of cases) {
    assertError(await stack.request(path, { method: "POST", body, token }), 401, "unauthenticated", what);
  }
  for (const header of ["Basic bS0xOnB3", "Bearer", `Bearer ${valid} extra`]) {
    assertError(await stack.request(path, { method: "POST", body, headers: { Authorization: header } }), 401, "unauthenticated", header);
  }
  assertError(await stack.request("/api/members/me/reservations"), 401, "unauthenticated");
  assertError(await stack.request(`/api/reservations/${facilityId}_AAAAAAAAAAAAAAAA`), 401, "unauthenticated");

  // A valid token works until its session is signed out (the attempt left
  // the session remembered in the Worker's memory: signing out forgets it).
  const member = await stack.as("leaver");
  const attempt = await member.post(path, { ...body, memberId: "leaver" });
  assert.equal(attempt.status, 200);
  assert.equal((await member.post("/api/auth/logout")).status, 200);
  const get = await member.get(`/api/reservations/${attempt.body.reservationId}`);
  assertError(get, 401, "unauthenticated", "after logout");
  assertError(await member.post("/api/auth/logout"), 401, "unauthenticated", "logging out twice");

  // Public reads need nothing.
  assert.equal((await stack.request(`/api/facilities/${facilityId}`)).status, 200);
  assert.equal((await stack.request("/api/facilities")).status, 200);
});

test("another member's booking is 403: get, confirm, release, cancel, reschedule, booking for them", async () => {
  const facilityId = "auth-403";
  await stack.configure(facilityId);
  const owner = await stack.as("owner");
  const other = await stack.as("other");
  const attempt = await owner.post("/api/realtime/attempt", hold(facilityId, "owner"));
  const { reservationId } = attempt.body;

  assertError(await other.get(`/api/reservations/${reservationId}`), 403, "forbidden", "get");
  assertError(await other.post("/api/realtime/confirm", { facilityId, reservationId }), 403, "forbidden", "confirm");
  assertError(await other.post("/api/realtime/release", { facilityId, reservationId }), 403, "forbidden", "release");
  assertError(await other.post("/api/realtime/cancel", { facilityId, reservationId }), 403, "forbidden", "cancel");
  assertError(await other.delete(`/api/reservations/${reservationId}`), 403, "forbidden", "DELETE");
  assertError(await other.patch(`/api/reservations/${reservationId}`, { courtId: "court-2", expectedVersion: 1 }), 403, "forbidden", "PATCH");
  assertError(await other.post("/api/realtime/attempt", hold(facilityId, "owner", "court-2")), 403, "forbidden", "for someone else");
  assertError(await other.get(`/api/facilities/${facilityId}/members/owner`), 403, "forbidden", "another's record");
  assertError(await other.post("/api/reservations", hold(facilityId, "other", "court-3")), 403, "forbidden", "staff booking");

  // Nothing of it changed the booking; its owner confirms it.
  const confirm = await owner.post("/api/realtime/confirm", { facilityId, reservationId });
  assert.equal(confirm.status, 200);
  assert.equal(confirm.body.reservation.version, 2);
  assert.equal((await owner.get(`/api/facilities/${facilityId}/members/owner`)).status, 200);
});

test("staff act on any booking where their token lists the facility, and as members elsewhere", async () => {
  const facilityId = "auth-staff";
  await stack.configure(facilityId);
  const member = await stack.as("m-1");
  const desk = await stack.as("desk", { role: "staff", facilities: [facilityId] });
  const visitor = await stack.as("visitor", { role: "staff", facilities: ["somewhere-else"] });
  const admin = await stack.as("root", { role: "admin" });
  const { reservationId } = (await member.post("/api/realtime/attempt", hold(facilityId, "m-1"))).body;

  // Staff of another facility: a member here.
  assertError(await visitor.get(`/api/reservations/${reservationId}`), 403, "forbidden");
  assertError(await visitor.post("/api/realtime/confirm", { facilityId, reservationId }), 403, "forbidden");
  assertError(await visitor.post("/api/reservations", hold(facilityId, "m-2", "court-2")), 403, "forbidden");
  assertError(await visitor.put(`/api/facilities/${facilityId}`, { facilityId }), 403, "forbidden");
  assertError(await visitor.get(`/api/facilities/${facilityId}/state`), 403, "forbidden");
  assertError(await visitor.put(`/api/facilities/${facilityId}/members/m-1`, { tier: null }), 403, "forbidden");

  // Staff of this facility, and admins, may.
  assert.equal((await desk.get(`/api/reservations/${reservationId}`)).status, 200);
  assert.equal((await desk.post("/api/realtime/confirm", { facilityId, reservationId })).status, 200);
  const booked = await desk.post("/api/reservations", hold(facilityId, "m-2", "court-2"));
  assert.equal(booked.status, 201);
  assert.equal(booked.body.reservation.status, "confirmed");
  assert.equal(booked.body.reservation.memberId, "m-2");
  assert.equal((await admin.get(`/api/reservations/${booked.body.reservation.reservationId}`)).status, 200);
  assert.equal((await desk.delete(`/api/reservations/${reservationId}`, { reason: "court closed" })).status, 200);
  assert.equal((await desk.get(`/api/facilities/${facilityId}/state`)).status, 200);
  const facility = (await stack.request(`/api/facilities/${facilityId}`)).body;
  const { success, blocks, seq, ...settings } = facility;
  const reconfigured = await desk.put(`/api/facilities/${facilityId}`, { ...settings, name: "Renamed by staff" });
  assert.equal(reconfigured.status, 200, JSON.stringify(reconfigured.body));
  assert.equal(reconfigured.body.name, "Renamed by staff");
});

test("minting tokens: the admin token for an identity provider, the dev endpoint in development", async () => {
  const body = { memberId: "idp-1", role: "staff", facilities: ["auth-idp"], ttlSeconds: 600 };
  assertError(await stack.post("/api/auth/token", body), 401, "unauthenticated");
  assertError(await stack.post("/api/auth/token", body, { Authorization: `Bearer ${await stack.token("m-1")}` }), 401, "unauthenticated");
  const minted = await stack.post("/api/auth/token", body, { Authorization: `Bearer ${ADMIN_TOKEN}` });
  assert.equal(minted.status, 201);
  const payload = decode(minted.body.token);
  assert.deepEqual({ sub: payload.sub, role: payload.role, facilities: payload.facilities }, { sub: "idp-1", role: "staff", facilities: ["auth-idp"] });
  assert.equal(payload.exp - payload.iat, 600);
  assert.equal(minted.body.sessionId, payload.sid);
  assert.equal(Date.parse(minted.body.expiresAt), payload.exp * 1000);

  await stack.configure("auth-idp");
  const staff = await stack.request("/api/facilities/auth-idp/state", { token: minted.body.token });
  assert.equal(staff.status, 200);

  for (const [bad, field] of [
    [{ memberId: "has space" }, "memberId"],
    [{ memberId: "m-1", role: "owner" }, "role"],
    [{ memberId: "m-1", facilities: ["a_b"] }, "facilities"],
    [{ memberId: "m-1", ttlSeconds: 5 }, "ttlSeconds"],
    [{ memberId: "m-1", colour: "red" }, "colour"],
  ]) {
    const reply = await stack.post("/api/dev/token", bad);
    assertError(reply, 400, "invalid_field", JSON.stringify(bad));
    assert.equal(reply.body.field, field);
  }
  assertError(await stack.post("/api/dev/token", "{"), 400, "invalid_json");
});

// The limiter itself, on a clock of its own: any window of 10 s holds at
// most 30 of a member's requests, refused ones not counted.
test("the request limit's window slides: a refused request does not count, an old one leaves", () => {
  const limiter = new RateLimiter(3, 10_000);
  assert.deepEqual([0, 1000, 2000, 3000].map((now) => limiter.allow("m", now)), [true, true, true, false]);
  assert.equal(limiter.allow("other", 3000), true, "each key has its own window");
  assert.equal(limiter.allow("m", 9999), false, "the first is still inside the window");
  assert.equal(limiter.allow("m", 10_000), true, "the first has left: 1000, 2000 and 10000 now");
  assert.equal(limiter.allow("m", 10_500), false, "1000, 2000 and 10000 are inside");
  assert.equal(limiter.allow("m", 11_000), true, "2000 and 10000 inside: the refused ones at 3000, 9999 and 10500 did not count");
  assert.equal(limiter.allow("m", 12_000), true, "2000 has left");
  assert.equal(limiter.allow("m", 12_001), false, "10000, 11000 and 12000 are inside");
});

test("more than 30 requests in 10 s from one member at one facility: 429 rate_limited", async () => {
  const facilityId = "auth-rate";
  await stack.configure(facilityId);
  const greedy = await stack.as("greedy");
  const calm = await stack.as("calm");
  const path = `/api/facilities/${facilityId}/members/greedy`;
  const replies = await Promise.all(Array.from({ length: 40 }, () => greedy.get(path)));
  const statuses = replies.map((reply) => reply.status);
  assert.equal(statuses.filter((status) => status === 200).length, 30, statuses.join(" "));
  for (const reply of replies.filter((r) => r.status !== 200)) assertError(reply, 429, "rate_limited");
  assert.equal((await calm.get(`/api/facilities/${facilityId}/members/calm`)).status, 200, "other members are not slowed");
  assert.equal((await stack.request(`/api/realtime/availability?facilityId=${facilityId}`)).status, 200, "public reads are not counted");
});
