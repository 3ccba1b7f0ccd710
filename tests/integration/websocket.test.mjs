// websocket.test.mjs: live availability over WebSockets through the real
// runtime (docs/REALTIME.md): watchers get initial_state, then every change
// in commit order with increasing seq and no member data; ping/pong; sync
// and reconnect re-send the current state; commands over the socket get
// the HTTP endpoints' replies and errors; the edge's limits close a socket
// with the documented codes or refuse the upgrade.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DATE, Stack, assertError, at, today } from "./harness.mjs";

const SOCKETS_MAX = 4;
let stack;
before(async () => {
  stack = await Stack.start({ vars: { MAX_SOCKETS_PER_FACILITY: String(SOCKETS_MAX) } });
});
after(() => stack?.stop());

const slot = (courtId, start, end, date = DATE) => ({ courtId, startTime: at(start, date), endTime: at(end, date) });
// A change as watchers get it: the slot and the facility-local day it starts on.
const change = (type, seq, courtId, start, end, date = DATE) => ({ type, seq, ...slot(courtId, start, end, date), date });

test("two watchers see a hold then its booking, in order, without member data", async () => {
  const facilityId = "ws-watch";
  await stack.configure(facilityId);
  const alice = await stack.as("alice");
  const watcher = await stack.socket(facilityId, { date: DATE }); // no token: watching only
  const booker = await stack.socket(facilityId, { token: alice.token, date: DATE });
  const initial = await watcher.nextOfType("initial_state");
  assert.equal(initial.availability.date, DATE);
  assert.equal(initial.availability.seq, initial.seq);
  assert.equal(initial.seq, Number(JSON.parse(await stack.seq(facilityId, DATE))));
  assert.ok(initial.availability.courts.length > 0);
  assert.equal((await booker.nextOfType("initial_state")).seq, initial.seq);

  const attempt = await alice.post("/api/realtime/attempt", { facilityId, ...slot("court-1", "18:00", "19:00"), memberId: "alice" });
  assert.equal(attempt.status, 200);
  const { reservationId } = attempt.body;
  assert.equal((await alice.post("/api/realtime/confirm", { facilityId, reservationId })).status, 200);

  for (const socket of [watcher, booker]) {
    const pending = await socket.next();
    const reserved = await socket.next();
    assert.deepEqual(pending, change("slot_pending", initial.seq + 1, "court-1", "18:00", "19:00"));
    assert.deepEqual(reserved, change("slot_reserved", initial.seq + 2, "court-1", "18:00", "19:00"));
    for (const message of [pending, reserved]) {
      const text = JSON.stringify(message);
      assert.ok(!text.includes("alice") && !text.includes(reservationId) && !/member|reservation/i.test(text), text);
    }
  }

  // Cancelled: released to everyone, the seq still counting up.
  assert.equal((await alice.delete(`/api/reservations/${reservationId}`)).status, 200);
  assert.deepEqual(await watcher.next(), change("slot_released", initial.seq + 3, "court-1", "18:00", "19:00"));
  watcher.close();
  booker.close();
});

test("a socket with scope=day hears only of its day's changes, and of the facility's", async () => {
  const facilityId = "ws-scope";
  await stack.configure(facilityId);
  const NEXT_DAY = new Date(Date.parse(`${DATE}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const everything = await stack.socket(facilityId, { date: DATE });
  const thisDay = await stack.socket(facilityId, { date: DATE, scope: "day" });
  const nextDay = await stack.socket(facilityId, { date: NEXT_DAY, scope: "day" });
  const initial = await everything.nextOfType("initial_state");
  assert.equal((await thisDay.nextOfType("initial_state")).seq, initial.seq);
  assert.equal((await nextDay.nextOfType("initial_state")).availability.date, NEXT_DAY);

  let members = 0;
  const hold = async (date, courtId = "court-2") => {
    const memberId = `scope-${++members}`;
    const member = await stack.as(memberId);
    const reply = await member.post("/api/realtime/attempt", { facilityId, ...slot(courtId, "09:00", "10:00", date), memberId });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
  };
  await hold(NEXT_DAY);
  await hold(DATE);
  const onNextDay = change("slot_pending", initial.seq + 1, "court-2", "09:00", "10:00", NEXT_DAY);
  const onThisDay = change("slot_pending", initial.seq + 2, "court-2", "09:00", "10:00");
  assert.deepEqual([await everything.next(), await everything.next()], [onNextDay, onThisDay], "scope=all (the default) hears of both");
  assert.deepEqual(await thisDay.next(), onThisDay, "the next day's change is skipped, the seq jumps over it");
  assert.deepEqual(await nextDay.next(), onNextDay);

  // A change with no day (the configuration) reaches every socket; a sync
  // to another day moves what a scoped socket hears of.
  thisDay.send({ type: "sync", date: NEXT_DAY });
  assert.equal((await thisDay.nextOfType("initial_state")).availability.date, NEXT_DAY);
  await stack.configure(facilityId, { name: "Renamed" });
  for (const socket of [everything, thisDay, nextDay]) assert.equal((await socket.next()).type, "facility_updated");
  await hold(DATE, "court-3");
  assert.deepEqual((await everything.next()).date, DATE);
  await hold(NEXT_DAY, "court-3");
  assert.deepEqual(await thisDay.next(), await nextDay.next(), "after the sync, only the next day's change");
  assert.deepEqual(thisDay.pending(), [], "nothing else");

  // A rebuild from D1 sends every socket the state of the day it watches
  // now: the synced socket its new day, not the one it connected with.
  const staff = await stack.as("scope-desk", { role: "staff", facilities: [facilityId] });
  const rebuilt = await staff.post("/api/realtime/sync", { facilityId });
  assert.equal(rebuilt.status, 200, JSON.stringify(rebuilt.body));
  assert.equal((await thisDay.nextOfType("initial_state")).availability.date, NEXT_DAY, "the day it synced to");
  assert.equal((await nextDay.nextOfType("initial_state")).availability.date, NEXT_DAY);
  assert.equal((await everything.nextOfType("initial_state")).availability.date, DATE);
  for (const socket of [everything, thisDay, nextDay]) socket.close();
});

test("ping gets pong; sync and a reconnect get the current state", async () => {
  const facilityId = "ws-sync";
  await stack.configure(facilityId);
  const socket = await stack.socket(facilityId);
  const initial = await socket.nextOfType("initial_state");
  assert.equal(initial.availability.date, today(), "no date: today in the facility's zone");

  socket.send({ type: "ping" }); // exactly {"type":"ping"}: answered by the runtime
  assert.deepEqual(await socket.next(), { type: "pong" });
  socket.send('{ "type" : "ping" }'); // any other spelling: answered by the object
  assert.deepEqual(await socket.next(), { type: "pong" });

  const bob = await stack.as("bob");
  const attempt = await bob.post("/api/realtime/attempt", { facilityId, ...slot("court-2", "09:00", "10:00"), memberId: "bob" });
  assert.equal(attempt.status, 200);
  socket.send({ type: "sync", date: DATE });
  const synced = await socket.nextOfType("initial_state");
  assert.equal(synced.seq, initial.seq + 1);
  assert.equal(synced.availability.date, DATE);
  const court = synced.availability.courts.find((c) => c.courtId === "court-2");
  assert.equal(court.slots.find((s) => s.startTime === at("09:00")).status, "pending");

  socket.send({ type: "sync", date: "2026-02-30" });
  const refused = await socket.nextOfType("error");
  assert.equal(refused.status, 400);
  assert.equal(refused.error, "invalid_field");
  socket.send({ type: "dance" });
  assert.equal((await socket.nextOfType("error")).error, "invalid_field");
  socket.send("{not json");
  assert.equal((await socket.nextOfType("error")).error, "invalid_json");
  socket.close();

  const again = await stack.socket(facilityId, { date: DATE });
  const reconnected = await again.nextOfType("initial_state");
  assert.equal(reconnected.seq, synced.seq);
  assert.deepEqual(reconnected.availability, synced.availability);
  again.close();
});

test("commands over the socket: the HTTP endpoints' replies, errors and durability", async () => {
  const facilityId = "ws-commands";
  await stack.configure(facilityId);
  const alice = await stack.as("alice");
  const bob = await stack.as("bob");
  const aliceSocket = await stack.socket(facilityId, { token: alice.token, date: DATE });
  const bobSocket = await stack.socket(facilityId, { token: bob.token, date: DATE });
  await aliceSocket.nextOfType("initial_state");
  await bobSocket.nextOfType("initial_state");
  const court1 = slot("court-1", "07:00", "08:00");

  const held = await aliceSocket.command("a-1", { action: "attempt", ...court1, memberId: "alice" });
  assert.equal(held.status, 200);
  assert.equal(held.body.success, true);
  const { reservationId } = held.body;
  assert.match(reservationId, /^ws-commands_/);
  assert.equal((await bobSocket.nextOfType("slot_pending")).courtId, "court-1");

  // Bob's attempt on the same slot: the same 409 over the socket as over HTTP.
  const taken = await bobSocket.command(7, { action: "attempt", ...court1, memberId: "bob" });
  assert.equal(taken.requestId, 7);
  assert.equal(taken.status, 409);
  assert.equal(taken.body.error, "slot_unavailable");
  const overHttp = await bob.post("/api/realtime/attempt", { facilityId, ...court1, memberId: "bob" });
  assertError(overHttp, 409, "slot_unavailable");
  assert.deepEqual(taken.body, overHttp.body);

  // Not his: 403, as over HTTP.
  const notBobs = await bobSocket.command("b-2", { action: "confirm", reservationId });
  assert.equal(notBobs.status, 403);
  assert.equal(notBobs.body.error, "forbidden");
  const forSomeoneElse = await bobSocket.command("b-3", { action: "attempt", ...slot("court-2", "07:00", "08:00"), memberId: "alice" });
  assert.equal(forSomeoneElse.status, 403);

  const confirmed = await aliceSocket.command("a-2", { action: "confirm", reservationId });
  assert.equal(confirmed.status, 200);
  assert.equal(confirmed.body.reservation.status, "confirmed");
  const moved = await aliceSocket.command("a-3", {
    action: "reschedule", reservationId, ...slot("court-3", "07:00", "08:00"), expectedVersion: confirmed.body.reservation.version,
  });
  assert.equal(moved.status, 200);
  assert.equal(moved.body.reservation.courtId, "court-3");
  const live = await alice.get(`/api/reservations/${reservationId}`);
  assert.deepEqual(live.body.reservation, moved.body.reservation, "the socket's change is the facility's state");

  const wrong = await aliceSocket.command("a-4", { action: "teleport", reservationId });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error, "invalid_field");
  const bad = await aliceSocket.command("a-5", { action: "attempt", ...slot("court-2", "07:00", "08:00"), memberId: "alice", colour: "red" });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error, "invalid_field"); // the core names an unknown field "unknown" with the name in the message
  assert.match(bad.body.message, /colour/);

  // A watcher without a token may not command.
  const anonymous = await stack.socket(facilityId, { date: DATE });
  await anonymous.nextOfType("initial_state");
  const refused = await anonymous.command("x", { action: "release", reservationId });
  assert.equal(refused.status, 401);
  assert.equal(refused.body.error, "unauthenticated");

  // A token signed out after connecting is refused too.
  const carol = await stack.as("carol-ws");
  const carolSocket = await stack.socket(facilityId, { token: carol.token, date: DATE });
  await carolSocket.nextOfType("initial_state");
  assert.equal((await carol.post("/api/auth/logout")).status, 200);
  const signedOut = await carolSocket.command("c-1", { action: "attempt", ...slot("court-4", "07:00", "08:00"), memberId: "carol-ws" });
  assert.equal(signedOut.status, 401);
  for (const socket of [aliceSocket, bobSocket, anonymous, carolSocket]) socket.close();
});

test("over the size or rate limit a socket is closed with 1009 or 1008", async () => {
  const facilityId = "ws-limits";
  await stack.configure(facilityId);
  const big = await stack.socket(facilityId);
  await big.nextOfType("initial_state");
  big.send(JSON.stringify({ type: "sync", padding: "x".repeat(16 * 1024) }));
  assert.equal((await big.closed).code, 1009);

  const fast = await stack.socket(facilityId);
  await fast.nextOfType("initial_state");
  // Bursts of 40 (not pings: those never reach the object) until it closes;
  // one burst does it unless the machine stalls for a second midway.
  let closed;
  for (let burst = 0; burst < 5 && closed === undefined; burst++) {
    for (let i = 0; i < 40; i++) fast.send({ type: "hello", i });
    closed = await Promise.race([fast.closed, new Promise((resolve) => setTimeout(resolve, 3000))]);
  }
  assert.ok(closed !== undefined, "closed for its rate");
  assert.equal(closed.code, 1008);
  assert.equal(closed.reason, "rate limited");
  assert.ok(fast.pending().filter((message) => message.type === "error").length <= 20, "at most 20 answered");
});

test("the upgrade is refused with an HTTP error: no upgrade, unknown facility, full facility", async () => {
  assertError(await stack.request("/api/realtime/websocket?facilityId=ws-full"), 426, "upgrade_required");
  const unknown = await stack.upgradeStatus({ facilityId: "ws-nowhere" });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error, "not_found");
  assert.equal((await stack.upgradeStatus({ facilityId: "bad_id" })).status, 400);
  const badScope = await stack.upgradeStatus({ facilityId: "ws-full", scope: "week" });
  assert.equal(badScope.status, 400);
  assert.equal(badScope.body.field, "scope");
  assert.equal((await stack.upgradeStatus({ facilityId: "ws-full", token: "v1.forged.token" })).status, 401);

  const facilityId = "ws-full";
  await stack.configure(facilityId);
  const open = [];
  for (let i = 0; i < SOCKETS_MAX; i++) open.push(await stack.socket(facilityId));
  const full = await stack.upgradeStatus({ facilityId });
  assert.equal(full.status, 429);
  assert.equal(full.body.error, "rate_limited");
  for (const socket of open) socket.close();
});
