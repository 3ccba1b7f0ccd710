// run.mjs: the core benchmarks, native and wasm. Writes the workloads
// (generate.mjs), runs each through the native runner (build/bench-native/
// bench_core, built by bench/run.sh) and the wasm runner (bench_wasm.mjs),
// a run of each in turn, and writes build/bench/core.json: per workload
// both results (the median of the runs' ns per command, and every run's)
// and the ratio wasm/native, the median of the runs' ratios: through
// Core.run (the host's path, each output decoded to text) and for the
// module alone (bench_wasm.mjs).
//
// Usage: node bench/core/run.mjs [NAME ...]   (default: all workloads)
// BENCH_RUNS=N sets the runs per workload (default 5; the two 100,000-command
// reminder workloads use at most 3).
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchWasm, median } from "./bench_wasm.mjs";
import { WORKLOADS } from "./workloads.mjs";

const ROOT = new URL("../..", import.meta.url).pathname;
const OUT = join(ROOT, "build/bench");
const NATIVE = join(ROOT, "build/bench-native/bench_core");
const runs = Number(process.env.BENCH_RUNS ?? 5);
const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(WORKLOADS);

execFileSync("node", [join(ROOT, "bench/core/generate.mjs"), ...names], { stdio: "inherit" });
mkdirSync(OUT, { recursive: true });
const results = {};
for (const name of names) {
  const file = join(OUT, "workloads", `${name}.txt`);
  const n = name.startsWith("reminders") ? Math.min(runs, 3) : runs;
  // Native and wasm in turn, a run each, so a slow spell of the machine
  // falls on both sides of a ratio rather than on one runtime's runs.
  // One wasm run first, untimed: V8 compiles the module's hot functions
  // with its optimizing tier while they run, so without it the first
  // workload's wasm runs (attempt's, in the default order) paid for that.
  benchWasm(file, 1, { restore: false });
  const natives = [];
  const wasms = [];
  for (let i = 0; i < n; i++) {
    natives.push(JSON.parse(execFileSync(NATIVE, [file, "1"], { encoding: "utf8", maxBuffer: 1 << 20 })));
    wasms.push(benchWasm(file, 1, { restore: name === "memory" })); // the memory figures come from that one
  }
  const native = combine(natives, ["restoreNs"]);
  const wasm = combine(wasms, ["nsPerCommandWithParse", "nsPerCommandModuleAlone", "restoreNs"]);
  const ratio = median(natives.map((r, i) => wasms[i].nsPerCommand / r.nsPerCommand));
  const aloneRatio = median(natives.map((r, i) => wasms[i].nsPerCommandModuleAlone / r.nsPerCommand));
  results[name] = {
    native,
    wasm,
    wasmOverNative: Math.round(ratio * 100) / 100,
    moduleAloneOverNative: Math.round(aloneRatio * 100) / 100,
  };
  console.log(
    `${name.padEnd(15)} native ${fmt(native.nsPerCommand)} ns/cmd (${native.commandsPerSecond}/s)` +
      `  wasm ${fmt(wasm.nsPerCommand)} ns/cmd (${wasm.commandsPerSecond}/s)  wasm/native ${results[name].wasmOverNative}` +
      `  module alone ${fmt(wasm.nsPerCommandModuleAlone)} ns/cmd, /native ${results[name].moduleAloneOverNative}`,
  );
}
const report = { date: new Date().toISOString(), node: process.version, runs, results };
const path = join(OUT, names.length === Object.keys(WORKLOADS).length ? "core.json" : `core-${names.join("-")}.json`);
writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
console.log(`written to ${path}`);

// One result from single runs: the first run's fields, the median of ns per
// command (and of `also`), every run's figure.
function combine(results, also = []) {
  const ns = median(results.map((r) => r.nsPerCommand));
  const combined = {
    ...results[0],
    runs: results.length,
    nsPerCommand: Math.round(ns * 10) / 10,
    commandsPerSecond: Math.round(1e9 / ns),
    runsNsPerCommand: results.map((r) => r.nsPerCommand),
  };
  for (const field of also) {
    if (results[0][field] !== null) combined[field] = Math.round(median(results.map((r) => r[field])) * 10) / 10;
  }
  return combined;
}

function fmt(ns) {
  return Math.round(ns).toLocaleString("en-US");
}
