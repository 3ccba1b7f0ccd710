// bench_workerd.mjs: the core benchmark inside workerd, the runtime the
// facility's object runs in. Serves bench/core/workerd/ (a bench-only
// Worker) through Miniflare (bench/e2e/runtime.mjs) and, per workload,
// posts the workload file twice: set-up only, then whole. workerd stops
// its clocks while JavaScript runs, so the time is taken here: the
// difference of the two requests, over the timed commands; the median of
// `runs` pairs. The body's upload and splitting happen in both requests
// and cancel out, but the noise of the whole request stays: workloads
// whose timed part is short against their set-up (memory: one tick) say
// nothing and are skipped by default, as are those above 8 MB (the
// 100,000-booking ones); one whose timed part comes out no longer than the
// set-up requests vary among themselves gets no figure (null, "below the
// noise"). Writes build/bench/core-workerd.json and prints one line each.
//
// Usage: node bench/core/bench_workerd.mjs [NAME ...]   (default: all but
// the large ones; run bench/core/generate.mjs first). BENCH_RUNS=N (5).
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startRuntime, ROOT } from "../e2e/runtime.mjs";
import { WORKLOADS } from "./workloads.mjs";

const runs = Number(process.env.BENCH_RUNS ?? 5);
const DIR = join(ROOT, "build/bench/workloads");
const names = process.argv.length > 2
  ? process.argv.slice(2)
  : Object.keys(WORKLOADS).filter((name) => name !== "memory" && statSync(join(DIR, `${name}.txt`)).size <= 8 * 1024 * 1024);

async function post(url, body, setupOnly) {
  const started = performance.now();
  const response = await fetch(`${url}/${setupOnly ? "?setupOnly=1" : ""}`, { method: "POST", body });
  const reply = await response.json();
  return { ms: performance.now() - started, ...reply };
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const runtime = await startRuntime("bench/core/workerd/wrangler.toml", { migrations: false });
const results = {};
try {
  for (const name of names) {
    const body = readFileSync(join(DIR, `${name}.txt`));
    await post(runtime.url, body, false); // warm-up: compile, first instance
    const perCommand = [];
    const setupMs = [];
    const timedMs = [];
    let timed = 0;
    for (let i = 0; i < runs; i++) {
      const setup = await post(runtime.url, body, true);
      const full = await post(runtime.url, body, false);
      timed = full.timed;
      setupMs.push(setup.ms);
      timedMs.push(full.ms - setup.ms);
      perCommand.push(((full.ms - setup.ms) * 1e6) / full.timed);
    }
    const ns = median(perCommand);
    // The timed part is a difference of two requests: when it is no larger
    // than the set-up requests differ among themselves, it is noise, and
    // no figure is given (a slow set-up request can even make it negative).
    const spreadMs = Math.max(...setupMs) - Math.min(...setupMs);
    const belowNoise = median(timedMs) <= spreadMs;
    results[name] = {
      runtime: "wasm-workerd",
      runs,
      timedCommands: timed,
      nsPerCommand: belowNoise ? null : Math.round(ns * 10) / 10,
      commandsPerSecond: belowNoise ? null : Math.round(1e9 / ns),
      runsNsPerCommand: perCommand.map((value) => Math.round(value * 10) / 10),
      timedMs: Math.round(median(timedMs) * 10) / 10,
      setupSpreadMs: Math.round(spreadMs * 10) / 10,
    };
    console.log(
      belowNoise
        ? `${name.padEnd(15)} workerd below the noise: the timed part took ${results[name].timedMs} ms, the set-up requests varied by ${results[name].setupSpreadMs} ms`
        : `${name.padEnd(15)} workerd ${Math.round(ns).toLocaleString("en-US")} ns/cmd (${results[name].commandsPerSecond}/s)`,
    );
  }
} finally {
  await runtime.stop();
}
const path = join(ROOT, "build/bench/core-workerd.json");
writeFileSync(path, `${JSON.stringify({ date: new Date().toISOString(), runs, results }, null, 2)}\n`);
console.log(`written to ${path}`);
