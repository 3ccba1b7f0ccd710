// core.js: one instance of the booking core, a wasm module exporting the
// ABI of wasm/courtside_abi.h, and the command envelope of
// docs/PROTOCOL.md. No platform API here: it runs in Node and in workerd.

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
const EMPTY_ARGS = encoder.encode("{}");

// The envelope `{"op","now","newId","params","args"}` with the client's raw
// body bytes spliced in as `args`, last, untouched: the core validates them
// itself (invalid UTF-8 and duplicate keys included). Undefined fields are
// left out; an empty body is `{}`.
export function encodeCommand({ op, now, newId, params }, args = EMPTY_ARGS) {
  const head = encoder.encode(`${JSON.stringify({ op, now, newId, params }).slice(0, -1)},"args":`);
  const body = args.length > 0 ? args : EMPTY_ARGS;
  const command = new Uint8Array(head.length + body.length + 1);
  command.set(head);
  command.set(body, head.length);
  command[command.length - 1] = 0x7d; // "}"
  return command;
}

export class Core {
  #exports;
  #broken = false;

  // `wasmModule` is a compiled WebAssembly.Module; each Core is a fresh
  // instance with a facility of its own.
  constructor(wasmModule) {
    this.#exports = new WebAssembly.Instance(wasmModule, {}).exports;
    this.#exports._initialize?.();
  }

  // Runs one command (bytes) and returns the output's JSON text. A trap
  // throws a WebAssembly.RuntimeError and leaves this Core unusable: the
  // host replays its log into a new one.
  run(command) {
    if (this.#broken) throw new Error("this core trapped earlier and cannot run again");
    const { memory, cs_input, cs_input_max, cs_run, cs_output } = this.#exports;
    if (command.length > cs_input_max()) {
      throw new RangeError(`a command of ${command.length} bytes is over the core's ${cs_input_max()}`);
    }
    new Uint8Array(memory.buffer, cs_input(), command.length).set(command);
    let length;
    try {
      length = cs_run(command.length);
    } catch (error) {
      this.#broken = true;
      throw error;
    }
    return decoder.decode(new Uint8Array(memory.buffer, cs_output(), length));
  }

  // Runs one command and returns the parsed output.
  runJson(command) {
    return JSON.parse(this.run(command));
  }
}
