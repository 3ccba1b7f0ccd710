// core.test.mjs: both wasm modules through glue/core.js in Node, without the
// runtime: no imports, the ABI's exports, the same bytes out for the same
// commands, and a trap that breaks only the instance it happened in.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Core, encodeCommand } from "../../glue/core.js";
import { ROOT, at } from "./harness.mjs";

const MODULES = ["build/wasi/courtside-wasi.wasm", "build/emscripten/courtside-emscripten.wasm"].map(
  (path) => [path, new WebAssembly.Module(readFileSync(join(ROOT, path)))],
);
// The ABI as wasm/courtside_abi.h declares it: its version and its functions.
const HEADER = readFileSync(join(ROOT, "wasm/courtside_abi.h"), "utf8");
const ABI_VERSION = Number(/#define CS_ABI_VERSION (\d+)u/.exec(HEADER)[1]);
const ABI_FUNCTIONS = [...HEADER.matchAll(/^\w[\w ]*[ *](cs_\w+)\(/gm)].map((match) => match[1]);
const NOW = Date.parse(at("06:00")) - 86_400_000;
const encoder = new TextEncoder();
const demo = readFileSync(join(ROOT, "scripts/demo-facility.json"));

const commands = [
  encodeCommand({ op: "configure", now: NOW, params: { facilityId: "demo" } }, demo),
  encodeCommand(
    { op: "attempt", now: NOW + 1, newId: "demo_0123456789abcdef", params: { facilityId: "demo" } },
    encoder.encode(JSON.stringify({ facilityId: "demo", courtId: "court-1", startTime: at("18:00"), endTime: at("19:30"), memberId: "m-1" })),
  ),
  encodeCommand({ op: "get", now: NOW + 2, params: { facilityId: "demo", reservationId: "demo_0123456789abcdef" } }),
  encodeCommand({ op: "attempt", now: NOW + 3, newId: "demo_x", params: { facilityId: "demo" } }, new Uint8Array([0x7b, 0xff, 0x7d])),
];

for (const [path, module] of MODULES) {
  test(`${path} imports nothing and exports the ABI`, () => {
    assert.deepEqual(WebAssembly.Module.imports(module), []);
    const exports = WebAssembly.Module.exports(module).map(({ name }) => name);
    assert.ok(ABI_FUNCTIONS.length >= 6);
    for (const name of ["memory", ...ABI_FUNCTIONS]) assert.ok(exports.includes(name), name);
    assert.equal(new WebAssembly.Instance(module, {}).exports.cs_abi_version(), ABI_VERSION);
  });
}

test("both modules give the same bytes for the same commands", () => {
  const [wasi, emscripten] = MODULES.map(([, module]) => {
    const core = new Core(module);
    return commands.map((command) => core.run(command));
  });
  assert.deepEqual(emscripten, wasi);
  const [configure, attempt, get, invalid] = wasi.map((output) => JSON.parse(output));
  assert.equal(configure.status, 200);
  assert.equal(attempt.status, 200);
  assert.equal(attempt.reply.reservationId, "demo_0123456789abcdef");
  assert.equal(get.reply.reservation.status, "held");
  assert.equal(invalid.reply.error, "invalid_json");
});

test("encodeCommand splices the raw body in as the last field", () => {
  const body = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0x7d]); // {"a":\xff}
  const command = encodeCommand({ op: "cancel", now: 5, params: { facilityId: "f" } }, body);
  const head = encoder.encode('{"op":"cancel","now":5,"params":{"facilityId":"f"},"args":');
  assert.deepEqual(command, new Uint8Array([...head, ...body, 0x7d]));
  assert.deepEqual(encodeCommand({ op: "tick", now: 5 }), encoder.encode('{"op":"tick","now":5,"args":{}}'));
  assert.deepEqual(encodeCommand({ op: "tick", now: 5 }, new Uint8Array(0)), encoder.encode('{"op":"tick","now":5,"args":{}}'));
});

for (const [path, module] of MODULES) {
  test(`${path}: a trap breaks that instance only`, () => {
    const core = new Core(module);
    assert.equal(core.runJson(commands[0]).status, 200);
    assert.throws(() => core.run(encodeCommand({ op: "debug_trap", now: NOW })), WebAssembly.RuntimeError);
    assert.throws(() => core.run(commands[0]), /trapped/);
    assert.equal(new Core(module).runJson(commands[0]).status, 200);
  });

  test(`${path}: reset makes the facility new in the same instance`, () => {
    const core = new Core(module);
    const fresh = core.stateHash();
    assert.equal(core.runJson(commands[0]).status, 200);
    assert.notEqual(core.stateHash(), fresh);
    core.reset();
    assert.equal(core.stateHash(), fresh);
    assert.equal(core.run(commands[0]), new Core(module).run(commands[0]));
  });

  test(`${path}: runBytes gives the output run decodes, as bytes`, () => {
    const bytes = new Core(module).runBytes(commands[0]).slice();
    assert.equal(new TextDecoder().decode(bytes), new Core(module).run(commands[0]));
    assert.equal(JSON.parse(new TextDecoder().decode(bytes)).status, 200);
  });

  test(`${path}: a command over the input buffer is refused before it runs`, () => {
    const core = new Core(module);
    assert.throws(() => core.run(new Uint8Array(10 * 1024 * 1024)), RangeError);
    assert.equal(core.runJson(commands[0]).status, 200);
  });
}
