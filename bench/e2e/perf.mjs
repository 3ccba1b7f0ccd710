// perf.mjs: where the runtime's CPU goes, every thread of workerd counted,
// with Linux's `perf` (Debian's linux-perf). run.mjs --perf starts workerd
// with V8's --perf-basic-prof (runtime.mjs, workerd-v8-flags.sh), so V8
// writes a map of its compiled code that perf reads: our JavaScript's
// functions and the core's wasm functions get names beside the runtime's
// own symbols (workerd is not stripped). It samples the call stacks of
// every workerd thread over the recorded part of a round, then sorts each
// sample by its stack, leaf first:
//
// - core: the leaf, or a frame below the first JavaScript frame, is in
//   the wasm module (and whether in V8's baseline code for it, Liftoff's,
//   or its optimized code);
// - ourCode: the first JavaScript frame is one of edge/ or glue/, and
//   every frame below it is V8's (its built-ins: JSON, regular
//   expressions, allocation and the collection an allocation runs): our
//   JavaScript and the engine's work for it;
// - ourRuntimeCalls: the first JavaScript frame is ours, but below it is
//   the runtime's own code (workerd, SQLite, the kernel...): a call of
//   ours into the runtime (a Durable Object's RPC, SQLite's `exec`, a
//   body's read, a KV read, WebCrypto, a socket's send);
// - runtimeJs / runtimeJsCalls: the same for the local runtime's own
//   JavaScript (Miniflare's entry, its D1 and queue simulators);
// - v8Collector, v8Compilers: no JavaScript on the stack, in V8's garbage
//   collector or its compilers (on their own threads or between two
//   pieces of JavaScript: their work for all the JavaScript, ours and the
//   local runtime's alike, and for the objects the runtime makes itself);
// - runtime: no JavaScript on the stack otherwise: the runtime's threads
//   and the kernel (HTTP, RPC plumbing, SQLite's commits, I/O).
import { execFileSync, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { isOurSource } from "./profile.mjs";

// --perf-basic-prof also starts V8's event log, by default a file per isolate
// in the current directory; here it goes nowhere.
export const V8_FLAGS = ["--perf-basic-prof", "--interpreted-frames-native-stack", "--no-logfile-per-isolate", "--logfile=/dev/null"];
const FREQUENCY = 999; // samples a second per thread

// Throws unless Linux's perf can be run.
export function checkPerf() {
  try {
    execFileSync("perf", ["--version"], { stdio: "ignore" });
  } catch {
    throw new Error("run.mjs --perf needs Linux's perf (Debian's linux-perf)");
  }
}

// Samples process `pid` into `file` for `durationMs`; resolves once perf
// has written the file.
export function recordPerf(pid, file, durationMs) {
  const seconds = String(durationMs / 1000);
  const perf = spawn("perf", ["record", "-q", "-F", String(FREQUENCY), "-g", "-p", String(pid), "-o", file, "--", "sleep", seconds], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return new Promise((resolve, reject) => {
    perf.on("error", (error) => reject(new Error(`perf: ${error.message}`)));
    perf.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`perf record exited with ${code}`))));
  });
}

// The samples of `file` (recorded from `pid`) sorted as above: each
// category's share of all samples, per request of the `requests` completed
// meanwhile, and the functions of ours with most samples. Removes V8's map
// for `pid` afterwards.
export function summarizePerf(file, pid, requests) {
  const text = execFileSync("perf", ["script", "-i", file, "-F", "ip,sym,dso"], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    stdio: ["ignore", "pipe", "ignore"],
  });
  rmSync(`/tmp/perf-${pid}.map`, { force: true }); // where V8 writes it and perf reads it
  const totals = { core: 0, ourCode: 0, ourRuntimeCalls: 0, runtimeJs: 0, runtimeJsCalls: 0, v8Collector: 0, v8Compilers: 0, runtime: 0 };
  const ours = new Map(); // "category function file:line" -> samples
  let samples = 0;
  let liftoff = 0; // the core's samples in V8's baseline code for wasm
  for (const block of text.split(/\n\s*\n/)) {
    const stack = frames(block);
    if (stack.length === 0) continue;
    samples++;
    const { kind, js, liftoff: baseline } = sort(stack);
    totals[kind]++;
    if (baseline) liftoff++;
    if (kind === "ourCode" || kind === "ourRuntimeCalls") {
      const key = `${kind} ${js.symbol.replace(/^JS:[~^+*']*/, "")}`;
      ours.set(key, (ours.get(key) ?? 0) + 1);
    }
  }
  const share = (n) => Math.round((1000 * n) / samples) / 10;
  return {
    samples,
    frequency: FREQUENCY,
    requests,
    percent: Object.fromEntries(Object.entries(totals).map(([name, n]) => [name, share(n)])),
    coreAndOurCodePercent: share(totals.core + totals.ourCode),
    // Of the core's samples, the share in functions V8 had not yet
    // compiled with its optimizing tier (Liftoff's code).
    coreInLiftoffPercent: totals.core === 0 ? 0 : Math.round((1000 * liftoff) / totals.core) / 10,
    top: [...ours].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([key, n]) => [key, share(n)]),
  };
}

// A sample's frames, leaf first: [{symbol, dso}].
function frames(block) {
  const stack = [];
  for (const line of block.split("\n")) {
    const match = /^\s*[0-9a-f]+ (.*) \((.*)\)\s*$/.exec(line);
    if (match !== null) stack.push({ symbol: match[1], dso: match[2] });
  }
  return stack;
}

const isWasm = (frame) => frame.symbol.includes("wasm-function[");
const isJs = (frame) => frame.symbol.startsWith("JS:") && !isWasm(frame);
const isOurs = (frame) => isOurSource(frame.symbol);
const isV8 = (frame) => /^(v8::|Builtins?_|Builtin:|tcmalloc::|__mem|operator new|operator delete|JS:)/.test(frame.symbol);
const V8_COLLECTOR = /v8::internal::(Heap|Scavenger|MarkCompact|ConcurrentMarking|Sweeper|MinorMark|Marking|GC|.*Evacuat)|cppgc::/;
const V8_COMPILERS = /v8::internal::(compiler::|maglev::|turboshaft::|wasm::|OptimizingCompile|Compiler|Parser|baseline::)/;

function sort(stack) {
  const first = stack.findIndex(isJs);
  const below = first === -1 ? stack : stack.slice(0, first);
  const wasm = below.find(isWasm);
  if (wasm !== undefined) return { kind: "core", liftoff: wasm.symbol.endsWith("-liftoff") };
  if (first === -1) {
    if (stack.some((frame) => V8_COLLECTOR.test(frame.symbol))) return { kind: "v8Collector" };
    return { kind: stack.some((frame) => V8_COMPILERS.test(frame.symbol)) ? "v8Compilers" : "runtime" };
  }
  const js = stack[first];
  const viaRuntime = !below.every(isV8);
  if (isOurs(js)) return { kind: viaRuntime ? "ourRuntimeCalls" : "ourCode", js };
  return { kind: viaRuntime ? "runtimeJsCalls" : "runtimeJs", js };
}
