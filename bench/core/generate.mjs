// generate.mjs: writes each core workload (bench/core/workloads.mjs) to
// build/bench/workloads/NAME.txt, the input of the core runners (native,
// wasm in Node, wasm in workerd).
// Usage: node bench/core/generate.mjs [NAME ...]   (default: all)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WORKLOADS } from "./workloads.mjs";

const ROOT = new URL("../..", import.meta.url).pathname;
export const WORKLOAD_DIR = join(ROOT, "build/bench/workloads");

const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(WORKLOADS);
mkdirSync(WORKLOAD_DIR, { recursive: true });
for (const name of names) {
  if (!(name in WORKLOADS)) throw new Error(`unknown workload ${name}; known: ${Object.keys(WORKLOADS).join(", ")}`);
  const script = WORKLOADS[name]();
  writeFileSync(join(WORKLOAD_DIR, `${name}.txt`), script.text());
  console.error(`${name}: ${script.lines.length} lines`);
}
