// bench_wasm.mjs: the wasm core benchmark, in Node. Runs one workload file
// (bench/core/generate.mjs) through the wasi module the Worker runs, loaded
// by glue/core.js as the facility's Durable Object loads it, the same way
// bench_core.c runs it natively: only the #measure commands are timed,
// several runs, the median reported. Each timed command is Core.run (the
// bytes copied in, cs_run, the output decoded to text); the host's JSON.parse
// of the output (Core.runJson) is timed in a second figure, from one run;
// and the module alone (Core.runBytes: the bytes copied in and cs_run, the
// output left in the module's memory, what bench_core.c times natively plus
// the call into the module) in a third, from as many runs as the first.
// Last, unless asked not to, the final state's snapshot is restored into a
// fresh Core 5 times (the median reported: a facility's recovery, without
// storage).
//
// Usage: node bench/core/bench_wasm.mjs WORKLOAD_FILE [RUNS]   (default 5)
// Prints one JSON object, the shape bench_core prints. BENCH_WASM=PATH runs
// another build of the module (to compare compiler options).
import { readFileSync } from "node:fs";
import { Core } from "../../glue/core.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const encoder = new TextEncoder();

// Compiled once per process: instances of one module share its code, so
// the runs after the first find it compiled by the optimizing tier.
let compiled = null;
export function loadModule() {
  compiled ??= new WebAssembly.Module(readFileSync(process.env.BENCH_WASM ?? `${ROOT}build/wasi/courtside-wasi.wasm`));
  return compiled;
}

// The workload's lines: directives as strings, commands as bytes.
export function readWorkload(path) {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => (line.startsWith("#") ? line : encoder.encode(line)));
}

// One run on `core`, made new first: {ns, timed, statuses, reminders}.
// `parse`: time runJson instead of run; `bytes`: runBytes. `tally`: read
// each timed output afterwards (untimed). As bench_core.c does with its
// facility, every run and #reset reuse the instance (Core.reset): a fresh
// instance's memory would make the timed commands pay the first touch of
// each page, which a facility's object pays once in its life.
function run(core, lines, { parse = false, bytes = false, tally = false } = {}) {
  core.reset();
  let measuring = false;
  let started = 0n;
  let ns = 0n;
  let timed = 0;
  const statuses = {};
  let reminders = 0;
  for (const line of lines) {
    if (typeof line === "string") {
      if (measuring) ns += process.hrtime.bigint() - started;
      measuring = line === "#measure";
      if (line === "#reset") core.reset();
      if (measuring) started = process.hrtime.bigint();
      continue;
    }
    if (!measuring) {
      core.run(line);
      continue;
    }
    timed++;
    if (!tally) {
      if (parse) core.runJson(line);
      else if (bytes) core.runBytes(line);
      else core.run(line);
      continue;
    }
    const text = core.run(line);
    const status = JSON.parse(`${text.slice(0, text.indexOf(","))}}`).status;
    statuses[status] = (statuses[status] ?? 0) + 1;
    reminders += text.split('"kind":"reminder"').length - 1;
  }
  if (measuring) ns += process.hrtime.bigint() - started;
  return { ns: Number(ns), timed, statuses, reminders };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// One instance per process too, made new by Core.reset at each run, so
// no call leaves an instance's memory (16 MiB and more) to the garbage
// collector while the next one is timing.
let shared = null;

// `restore`: also time restoring the final snapshot into fresh instances
// (each left to the collector afterwards; run.mjs asks it of the memory
// workload only, whose figures use it).
export function benchWasm(path, runs = 5, { restore = true } = {}) {
  const module = loadModule();
  const lines = readWorkload(path);
  const core = (shared ??= new Core(module));
  const tally = run(core, lines, { tally: true });
  // One untimed run the way the timed ones go: after the tally's, the first
  // took up to twice as long as the runs after it (most likely V8
  // optimising the JavaScript around the module anew).
  run(core, lines);
  const perCommand = [];
  const alonePerCommand = [];
  const parsedPerCommand = [];
  for (let i = 0; i < runs; i++) {
    const r = run(core, lines);
    perCommand.push(r.ns / r.timed);
    const a = run(core, lines, { bytes: true });
    alonePerCommand.push(a.ns / a.timed);
  }
  const parsed = run(core, lines, { parse: true }); // one run: a figure for the host's view
  parsedPerCommand.push(parsed.ns / parsed.timed);
  const ns = median(perCommand);
  const snapshot = core.snapshot(); // every run ends in the same state
  const restores = [];
  for (let i = 0; restore && snapshot !== null && i < 5; i++) {
    const fresh = new Core(module);
    const started = process.hrtime.bigint();
    if (!fresh.restore(snapshot)) throw new Error("the snapshot did not restore");
    restores.push(Number(process.hrtime.bigint() - started));
  }
  return {
    runtime: "wasm-node",
    runs,
    timedCommands: tally.timed,
    nsPerCommand: Math.round(ns * 10) / 10,
    commandsPerSecond: Math.round(1e9 / ns),
    runsNsPerCommand: perCommand.map((value) => Math.round(value * 10) / 10),
    nsPerCommandWithParse: Math.round(median(parsedPerCommand) * 10) / 10,
    nsPerCommandModuleAlone: Math.round(median(alonePerCommand) * 10) / 10,
    statuses: tally.statuses,
    reminders: tally.reminders,
    snapshotBytes: snapshot === null ? null : snapshot.length,
    restoreNs: restores.length === 0 ? null : Math.round(median(restores)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, runs = "5"] = process.argv.slice(2);
  if (path === undefined) {
    console.error("usage: node bench/core/bench_wasm.mjs WORKLOAD_FILE [RUNS]");
    process.exit(2);
  }
  console.log(JSON.stringify(benchWasm(path, Number(runs))));
}
