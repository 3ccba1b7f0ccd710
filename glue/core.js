// core.js: one instance of the booking core, a wasm module exporting the
// ABI of wasm/courtside_abi.h (commands, snapshots, the state hash), and the
// command envelope of docs/PROTOCOL.md. No platform API here: it runs in
// Node and in workerd.

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
const headDecoder = new TextDecoder(); // a command's first bytes, which may end inside a character
const EMPTY_ARGS = encoder.encode("{}");

// The envelope `{"op","now","newId","actor","params","args"}` with the
// client's raw body bytes spliced in as `args`, last, untouched: the core
// validates them itself (invalid UTF-8 and duplicate keys included).
// Undefined fields are left out; an empty body is `{}`.
export function encodeCommand({ op, now, newId, actor, params }, args = EMPTY_ARGS) {
  const head = encoder.encode(`${JSON.stringify({ op, now, newId, actor, params }).slice(0, -1)},"args":`);
  const body = args.length > 0 ? args : EMPTY_ARGS;
  const command = new Uint8Array(head.length + body.length + 1);
  command.set(head);
  command.set(body, head.length);
  command[command.length - 1] = 0x7d; // "}"
  return command;
}

// The `now` of a command from encodeCommand (its second field), in ms.
export function commandNow(command) {
  const head = headDecoder.decode(command.subarray(0, 64));
  const match = /^\{"op":"[^"]*","now":(-?\d+)[,}]/.exec(head);
  if (match === null) throw new Error(`a logged command without its time: ${head}`);
  return Number(match[1]);
}

export class Core {
  #exports;
  #broken = false;
  #input; // the module's command and output buffers: fixed addresses
  #inputMax;
  #output;

  // `wasmModule` is a compiled WebAssembly.Module; each Core is a fresh
  // instance with a facility of its own.
  constructor(wasmModule) {
    this.#exports = new WebAssembly.Instance(wasmModule, {}).exports;
    this.#exports._initialize?.();
    this.#input = this.#exports.cs_input();
    this.#inputMax = this.#exports.cs_input_max();
    this.#output = this.#exports.cs_output();
  }

  // Runs one command (bytes) and returns the output's JSON text. A trap
  // throws a WebAssembly.RuntimeError and leaves this Core unusable: the
  // host replays its log into a new one.
  run(command) {
    return decoder.decode(this.runBytes(command));
  }

  // The same, the output left as bytes: a view of the module's memory,
  // valid until the next call into this Core. Every command goes through
  // here: no call into the module but cs_run, no closure.
  runBytes(command) {
    if (this.#broken) throw new Error("this core trapped earlier and cannot run again");
    if (command.length > this.#inputMax) {
      throw new RangeError(`a command of ${command.length} bytes is over the core's ${this.#inputMax}`);
    }
    const { memory, cs_run } = this.#exports;
    new Uint8Array(memory.buffer, this.#input, command.length).set(command);
    let length;
    try {
      length = cs_run(command.length);
    } catch (error) {
      this.#broken = true;
      throw error;
    }
    return new Uint8Array(memory.buffer, this.#output, length);
  }

  // Runs one command and returns the parsed output.
  runJson(command) {
    return JSON.parse(this.run(command));
  }

  // Makes the facility new again in this instance (its memory kept).
  reset() {
    this.#guard(() => this.#exports.cs_reset());
  }

  // The facility's durable state as snapshot bytes (a copy), or null when
  // it is too large for one (the host then keeps its log instead).
  snapshot() {
    const { memory, cs_snapshot_write, cs_output } = this.#exports;
    const length = this.#guard(() => cs_snapshot_write());
    return length === 0 ? null : new Uint8Array(memory.buffer, cs_output(), length).slice();
  }

  // Replaces the facility with a snapshot from snapshot(). Returns false for
  // a malformed snapshot (the facility is then as new).
  restore(bytes) {
    const { memory, cs_snapshot_restore, cs_output } = this.#exports;
    if (this.#broken) throw new Error("this core trapped earlier and cannot run again");
    if (bytes.length > memory.buffer.byteLength - cs_output()) return false;
    new Uint8Array(memory.buffer, cs_output(), bytes.length).set(bytes);
    return this.#guard(() => cs_snapshot_restore(bytes.length)) === 1;
  }

  // The 64-bit hash of the facility's durable state, as an unsigned BigInt.
  stateHash() {
    return BigInt.asUintN(64, this.#guard(() => this.#exports.cs_state_hash_value()));
  }

  // Calls into the module; a trap marks this Core unusable and is rethrown.
  #guard(call) {
    if (this.#broken) throw new Error("this core trapped earlier and cannot run again");
    try {
      return call();
    } catch (error) {
      this.#broken = true;
      throw error;
    }
  }
}

// A state hash as 16 hex digits.
export function hashHex(hash) {
  return hash.toString(16).padStart(16, "0");
}
