// run.mjs: the core benchmarks, native and wasm. Writes the workloads
// (generate.mjs), runs each through the native runner (build/bench-native/
// bench_core, built by bench/run.sh) and the wasm runner (bench_wasm.mjs),
// and writes build/bench/core.json: per workload both results and the
// ratio wasm/native of ns per command.
//
// Usage: node bench/core/run.mjs [NAME ...]   (default: all workloads)
// BENCH_RUNS=N sets the runs per workload (default 5; the two 100,000-command
// reminder workloads use at most 3).
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchWasm } from "./bench_wasm.mjs";
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
  const native = JSON.parse(execFileSync(NATIVE, [file, String(n)], { encoding: "utf8", maxBuffer: 1 << 20 }));
  const wasm = benchWasm(file, n);
  results[name] = { native, wasm, wasmOverNative: Math.round((wasm.nsPerCommand / native.nsPerCommand) * 100) / 100 };
  console.log(
    `${name.padEnd(15)} native ${fmt(native.nsPerCommand)} ns/cmd (${native.commandsPerSecond}/s)` +
      `  wasm ${fmt(wasm.nsPerCommand)} ns/cmd (${wasm.commandsPerSecond}/s)  wasm/native ${results[name].wasmOverNative}`,
  );
}
const report = { date: new Date().toISOString(), node: process.version, runs, results };
const path = join(OUT, names.length === Object.keys(WORKLOADS).length ? "core.json" : `core-${names.join("-")}.json`);
writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
console.log(`written to ${path}`);

function fmt(ns) {
  return Math.round(ns).toLocaleString("en-US");
}
