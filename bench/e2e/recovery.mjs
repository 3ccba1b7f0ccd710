// recovery.mjs: how long a facility takes to come back. Serves Courtside's
// Worker on the local runtime (runtime.mjs), books `--reservations` live
// bookings (10,000 by default) through staff sessions, snapshots the
// facility (POST /api/facilities/bench/snapshot), stops the runtime and
// starts a new one on the same state, then times the first request (the
// object is constructed: its snapshot read from SQLite, a fresh wasm
// instance, the restore, the log replayed) against the next ones (warm).
// Then the same with a log tail of `--tail` commands after the snapshot.
// Then, on a fresh runtime that never snapshots (SNAPSHOT_EVERY above the
// log), the same bookings followed by attempt and release pairs until the
// log holds `--log` commands (100,000 by default): the restart replays
// them all. The state hash before and after each restart must match.
// Writes build/bench/recovery.json.
//
// Usage: node bench/e2e/recovery.mjs [--reservations 10000] [--tail 500] [--log 100000] [--restarts 3]
import { mkdirSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { localDate, localInstant } from "../../scripts/local-time.mjs";
import { facilityConfig } from "../core/workloads.mjs";
import { inBatches, sendJson as json } from "./load.mjs";
import { ADMIN_TOKEN, ROOT, startRuntime } from "./runtime.mjs";

const { values: options } = parseArgs({
  options: {
    reservations: { type: "string", default: "10000" },
    tail: { type: "string", default: "500" },
    log: { type: "string", default: "100000" },
    restarts: { type: "string", default: "3" },
  },
});
const FACILITY = "bench";
const CAPACITY = 3;
const config = facilityConfig({
  courts: facilityConfig().courts.map((court) => ({ ...court, capacity: CAPACITY })),
});

// Places to book: 30 days x 16 hours x 8 courts x 3 places.
function places() {
  const list = [];
  for (let day = 1; day <= 30; day++) {
    const date = localDate(config.timeZone, day);
    for (let hour = 6; hour < 22; hour++) {
      const startTime = localInstant(date, `${String(hour).padStart(2, "0")}:00`, config.timeZone);
      const endTime = new Date(Date.parse(startTime) + 3_600_000).toISOString().replace(".000Z", "Z");
      for (const { courtId } of config.courts) for (let place = 0; place < CAPACITY; place++) list.push({ courtId, startTime, endTime });
    }
  }
  return list;
}

// Books `slots` with staff sessions (many, so none passes the request limit), 32 at a time.
async function book(agent, url, staff, slots, offset) {
  await inBatches(slots, 32, async (slot, i) => {
    const n = offset + i;
    const reply = await json(agent, url, "POST", "/api/reservations", {
      token: staff[n % staff.length].token, body: { facilityId: FACILITY, ...slot, memberId: `r-${n}` },
    });
    if (reply.status !== 201) throw new Error(`book: ${reply.status} ${JSON.stringify(reply.body)}`);
  });
}

async function stateOf(agent, url, token) {
  const reply = await json(agent, url, "GET", `/api/facilities/${FACILITY}/state`, { token });
  if (reply.status !== 200) throw new Error(`state: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

// Holds and releases places from `slots` (free ones) until `pairs` pairs
// are logged, 32 at a time: two logged commands a pair, no change left.
async function churn(agent, url, staff, slots, pairs) {
  await inBatches(Array.from({ length: pairs }, (_, n) => n), 32, async (n) => {
    const { token } = staff[n % staff.length];
    const held = await json(agent, url, "POST", "/api/realtime/attempt", {
      token, body: { facilityId: FACILITY, ...slots[n % slots.length], memberId: `c-${n}` },
    });
    if (held.status !== 200) throw new Error(`attempt: ${held.status} ${JSON.stringify(held.body)}`);
    const released = await json(agent, url, "POST", "/api/realtime/release", {
      token, body: { facilityId: FACILITY, reservationId: held.body.reservationId },
    });
    if (released.status !== 200) throw new Error(`release: ${released.status} ${JSON.stringify(released.body)}`);
  });
}

// Restarts on the same state `restarts` times; each time the first
// request's latency and the median of the next five.
async function restarts(runtime, staffToken, expected, vars = {}) {
  const results = [];
  const date = localDate(config.timeZone, 1);
  for (let i = 0; i < Number(options.restarts); i++) {
    await runtime.stop({ keep: true });
    runtime = await startRuntime("wrangler.toml", { vars, persist: runtime.persist, migrations: false });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const path = `/api/realtime/availability?facilityId=${FACILITY}&date=${date}`;
    const first = await json(agent, runtime.url, "GET", path);
    const warm = [];
    for (let j = 0; j < 5; j++) warm.push((await json(agent, runtime.url, "GET", path)).ms);
    warm.sort((a, b) => a - b);
    const state = await stateOf(agent, runtime.url, staffToken);
    agent.destroy();
    if (first.status !== 200) throw new Error(`availability after a restart: ${first.status}`);
    if (state.stateHash !== expected.stateHash) throw new Error(`state hash ${state.stateHash} after a restart, ${expected.stateHash} before`);
    results.push({ firstMs: Math.round(first.ms * 10) / 10, warmMs: Math.round(warm[2] * 10) / 10 });
  }
  const sorted = [...results].sort((a, b) => a.firstMs - b.firstMs);
  const median = sorted[sorted.length >> 1];
  return { runtime, result: { restarts: results, medianFirstMs: median.firstMs, medianRecoveryMs: Math.round((median.firstMs - median.warmMs) * 10) / 10 } };
}

// The facility configured, and staff sessions to book with: each may make
// 30 requests per 10 s (the per-member limit), so 2,000 allow 6,000
// requests/s, more than the runtime serves here (400 did not once the
// churn of attempts and releases passed 1,200 a second).
const STAFF_SESSIONS = 2000;
async function setUp(agent, url) {
  const configured = await json(agent, url, "PUT", `/api/facilities/${FACILITY}`, { token: ADMIN_TOKEN, body: config });
  if (configured.status !== 200) throw new Error(`configure: ${configured.status} ${JSON.stringify(configured.body)}`);
  const ids = Array.from({ length: STAFF_SESSIONS }, (_, i) => `desk-${i}`);
  return inBatches(ids, 32, async (memberId) => {
    const minted = await json(agent, url, "POST", "/api/dev/token", { body: { memberId, role: "staff", facilities: [FACILITY] } });
    return { memberId, token: minted.body.token };
  });
}

let runtime = await startRuntime("wrangler.toml");
const agent = new Agent({ keepAlive: true, maxSockets: 32 });
try {
  let staff = await setUp(agent, runtime.url);
  const all = places();
  const count = Number(options.reservations);
  const tail = Number(options.tail);
  if (count + tail > all.length) throw new Error(`at most ${all.length} places`);
  const booking = performance.now();
  await book(agent, runtime.url, staff, all.slice(0, count), 0);
  const bookedS = (performance.now() - booking) / 1000;
  const snapshot = await json(agent, runtime.url, "POST", `/api/facilities/${FACILITY}/snapshot`, { token: staff[0].token });
  if (snapshot.status !== 200) throw new Error(`snapshot: ${snapshot.status} ${JSON.stringify(snapshot.body)}`);
  await new Promise((resolve) => setTimeout(resolve, 5000)); // the outbox drains to D1 meanwhile
  const report = {
    date: new Date().toISOString(),
    reservations: count,
    bookingSeconds: Math.round(bookedS * 10) / 10,
    snapshotBytes: snapshot.body.bytes,
  };
  let expected = await stateOf(agent, runtime.url, staff[0].token);
  let restarted = await restarts(runtime, staff[0].token, expected);
  runtime = restarted.runtime;
  report.fromSnapshot = restarted.result;

  const agent2 = new Agent({ keepAlive: true, maxSockets: 32 });
  await book(agent2, runtime.url, staff, all.slice(count, count + tail), count);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  expected = await stateOf(agent2, runtime.url, staff[0].token);
  agent2.destroy();
  report.tail = tail;
  report.logLength = expected.logLength;
  restarted = await restarts(runtime, staff[0].token, expected);
  runtime = restarted.runtime;
  report.fromSnapshotAndTail = restarted.result;
  await runtime.stop();
  runtime = null;

  // No snapshot at all: every command since the facility was configured is replayed.
  const logged = Number(options.log);
  const noSnapshot = { SNAPSHOT_EVERY: String(logged * 2) };
  runtime = await startRuntime("wrangler.toml", { vars: noSnapshot });
  const agent3 = new Agent({ keepAlive: true, maxSockets: 32 });
  staff = await setUp(agent3, runtime.url);
  await book(agent3, runtime.url, staff, all.slice(0, count), 0);
  const pairs = Math.max(0, Math.ceil((logged - 1 - count) / 2));
  const churning = performance.now();
  await churn(agent3, runtime.url, staff, all.slice(count), pairs);
  report.churnSeconds = Math.round((performance.now() - churning) / 100) / 10;
  await new Promise((resolve) => setTimeout(resolve, 5000));
  expected = await stateOf(agent3, runtime.url, staff[0].token);
  agent3.destroy();
  if (expected.snapshotSeq !== null) throw new Error(`a snapshot was taken at ${expected.snapshotSeq}`);
  report.withoutSnapshot = { logLength: expected.logLength };
  restarted = await restarts(runtime, staff[0].token, expected, noSnapshot);
  runtime = restarted.runtime;
  Object.assign(report.withoutSnapshot, restarted.result);

  mkdirSync(join(ROOT, "build/bench"), { recursive: true });
  writeFileSync(join(ROOT, "build/bench/recovery.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`recovery: ${JSON.stringify(report)}`);
} finally {
  agent.destroy();
  await runtime?.stop();
}
