// replay.test.mjs: snapshots through glue/core.js in Node, without the
// runtime. A command list replayed in full gives the same state hash as a
// snapshot taken after any prefix, restored into a fresh instance, plus the
// rest replayed; a snapshot from one wasm module restores in the other; a
// damaged snapshot is refused, not half-applied.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Core, encodeCommand, hashHex } from "../../glue/core.js";
import { ROOT, at } from "./harness.mjs";

const [WASI, EMSCRIPTEN] = ["build/wasi/courtside-wasi.wasm", "build/emscripten/courtside-emscripten.wasm"].map(
  (path) => new WebAssembly.Module(readFileSync(join(ROOT, path))),
);
const encoder = new TextEncoder();
const demo = JSON.parse(readFileSync(join(ROOT, "scripts/demo-facility.json"), "utf8"));
const START = Date.parse(at("06:00")) - 86_400_000; // the day before the bookings
const member = (memberId) => ({ memberId, role: "member" });
const STAFF = { memberId: "desk", role: "staff" };

// A day at the club: holds, confirmations, an expiry, a cancellation, a
// staff booking, a move, a block, a tier, a late cancellation.
function commands() {
  let now = START;
  const list = [];
  const add = (op, args, { actor, newId, step = 1000 } = {}) => {
    now += step;
    list.push(encodeCommand({ op, now, newId, actor, params: { facilityId: "demo" } }, encoder.encode(JSON.stringify(args))));
  };
  const place = (courtId, start, end) => ({ facilityId: "demo", courtId, startTime: at(start), endTime: at(end) });
  add("configure", {
    ...demo,
    rules: { cancelCutoffMinutes: 3 * 1440 },
    tiers: [{ tier: "gold", priority: 5, rules: { windowDays: 30 } }],
  });
  add("attempt", { ...place("court-1", "08:00", "09:00"), memberId: "m-1" }, { actor: member("m-1"), newId: "demo_r1" });
  add("confirm", { facilityId: "demo", reservationId: "demo_r1" }, { actor: member("m-1") });
  add("attempt", { ...place("court-2", "08:00", "09:00"), memberId: "m-2" }, { actor: member("m-2"), newId: "demo_r2" });
  add("tick", {}, { step: 20_000 }); // demo_r2's hold expires
  add("attempt", { ...place("lane-1", "10:00", "11:00"), memberId: "m-3", partySize: 2 }, { actor: member("m-3"), newId: "demo_r3" });
  add("confirm", { facilityId: "demo", reservationId: "demo_r3" }, { actor: member("m-3") });
  add("book", { ...place("court-3", "12:00", "13:30"), memberId: "m-4" }, { actor: STAFF, newId: "demo_r4" });
  add("reschedule", { facilityId: "demo", reservationId: "demo_r1", courtId: "court-4", expectedVersion: 2 }, { actor: member("m-1") });
  add("block", { ...place("padel-1", "06:00", "12:00"), reason: "resurfacing" }, { actor: STAFF, newId: "demo_b1" });
  add("set_member", { facilityId: "demo", memberId: "m-3", tier: "gold" }, { actor: STAFF });
  add("cancel", { facilityId: "demo", reservationId: "demo_r3", reason: "rain" }, { actor: member("m-3") });
  add("attempt", { ...place("court-1", "15:00", "16:00"), memberId: "m-1", idempotencyKey: "k-1" }, { actor: member("m-1"), newId: "demo_r5" });
  add("release", { facilityId: "demo", reservationId: "demo_r5" }, { actor: member("m-1") });
  add("unblock", { facilityId: "demo", blockId: "demo_b1" }, { actor: STAFF });
  return list;
}

// Runs `list` into `core`, asserting every command succeeded.
function run(core, list) {
  for (const command of list) {
    const output = core.runJson(command);
    assert.ok(output.status < 300, `${new TextDecoder().decode(command)} → ${JSON.stringify(output.reply)}`);
  }
}

test("snapshot after any prefix + the rest replayed = the whole list replayed, hash for hash", () => {
  const list = commands();
  const whole = new Core(WASI);
  run(whole, list);
  const expected = whole.stateHash();
  assert.equal(typeof expected, "bigint");
  assert.match(hashHex(expected), /^[0-9a-f]{16}$/);

  for (let cut = 0; cut <= list.length; cut++) {
    const first = new Core(WASI);
    run(first, list.slice(0, cut));
    const bytes = first.snapshot();
    const restored = new Core(WASI);
    assert.equal(restored.restore(bytes), true, `restore after ${cut}`);
    assert.equal(restored.stateHash(), first.stateHash(), `the restored state after ${cut}`);
    run(restored, list.slice(cut));
    assert.equal(hashHex(restored.stateHash()), hashHex(expected), `snapshot after ${cut} commands, then the tail`);
    assert.deepEqual(restored.snapshot(), whole.snapshot(), `the same bytes after ${cut}`);
  }
});

test("a snapshot from one module restores in the other", () => {
  const list = commands();
  const wasi = new Core(WASI);
  run(wasi, list.slice(0, 8));
  const emscripten = new Core(EMSCRIPTEN);
  assert.equal(emscripten.restore(wasi.snapshot()), true);
  run(wasi, list.slice(8));
  run(emscripten, list.slice(8));
  assert.equal(emscripten.stateHash(), wasi.stateHash());
});

test("the hash tells states apart; a damaged snapshot is refused", () => {
  const list = commands();
  const a = new Core(WASI);
  run(a, list.slice(0, 5));
  const b = new Core(WASI);
  run(b, list.slice(0, 6));
  assert.notEqual(a.stateHash(), b.stateHash());

  const bytes = b.snapshot();
  const damaged = bytes.slice(0, bytes.length - 7);
  const target = new Core(WASI);
  run(target, list.slice(0, 3));
  assert.equal(target.restore(damaged), false);
  assert.equal(target.stateHash(), new Core(WASI).stateHash(), "a refused snapshot leaves the facility as new");
  assert.equal(target.restore(new TextEncoder().encode("not a snapshot")), false);
  assert.equal(target.restore(bytes), true, "the instance is still usable");
  assert.equal(target.stateHash(), b.stateHash());
});
