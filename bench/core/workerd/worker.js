// worker.js: the core benchmark inside workerd (bench only). POST a
// workload file (bench/core/generate.mjs) as the body; the Worker runs its
// commands through an instance of the wasi module, loaded by glue/core.js
// as the facility's object loads it, and answers {timed, lines}. The one
// instance is kept across requests and made new (Core.reset) at the start
// and at each #reset, as bench_core.c does with its facility, so no timed
// command pays the first touch of a fresh instance's memory. With
// ?setupOnly=1 it stops at the first #measure line.
// workerd stops its clocks while JavaScript runs, so the caller times the
// requests: (full - setup only) / timed commands is the cost of one.
import wasmModule from "../../../build/wasi/courtside-wasi.wasm";
import { Core } from "../../../glue/core.js";

const encoder = new TextEncoder();
let core = null;

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const setupOnly = url.searchParams.get("setupOnly") === "1";
    const lines = (await request.text()).split("\n");
    core ??= new Core(wasmModule);
    core.reset();
    let measuring = false;
    let timed = 0;
    for (const line of lines) {
      if (line.length === 0) continue;
      if (line.startsWith("#")) {
        measuring = line === "#measure";
        if (measuring && setupOnly) break;
        if (line === "#reset") core.reset();
        continue;
      }
      core.run(encoder.encode(line));
      if (measuring) timed++;
    }
    return Response.json({ timed, lines: lines.length });
  },
};
