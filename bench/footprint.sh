#!/usr/bin/env bash
# footprint.sh (npm run bench:footprint): how big Courtside is when shipped:
# the wasm modules' bytes (and gzipped), and the Worker bundle wrangler
# would upload (`wrangler deploy --dry-run --outdir`, nothing is uploaded),
# each file and the total, raw and gzipped. Writes build/bench/footprint.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
rm -rf "$out/bundle"
WRANGLER_SEND_METRICS=false node_modules/.bin/wrangler deploy --dry-run --outdir "$out/bundle" >"$out/dry-run.log" 2>&1 ||
  { cat "$out/dry-run.log" >&2; exit 1; }
node --input-type=module - "$out" <<'JS'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
const out = process.argv[2];
const sizes = (path) => {
  const bytes = readFileSync(path);
  return { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
};
const wasm = {};
for (const path of ["build/wasi/courtside-wasi.wasm", "build/emscripten/courtside-emscripten.wasm"]) {
  if (existsSync(path)) wasm[path] = sizes(path);
}
const bundle = {};
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (!name.endsWith(".map")) bundle[path.slice(out.length + "/bundle/".length)] = sizes(path);
  }
};
walk(join(out, "bundle"));
const total = Object.values(bundle).reduce((t, s) => ({ bytes: t.bytes + s.bytes, gzipBytes: t.gzipBytes + s.gzipBytes }), { bytes: 0, gzipBytes: 0 });
const report = { date: new Date().toISOString(), wasm, bundle, bundleTotal: total };
writeFileSync(join(out, "footprint.json"), `${JSON.stringify(report, null, 2)}\n`);
for (const [path, s] of Object.entries(wasm)) console.log(`${path}: ${s.bytes} bytes (${s.gzipBytes} gzipped)`);
for (const [path, s] of Object.entries(bundle)) console.log(`bundle ${path}: ${s.bytes} bytes (${s.gzipBytes} gzipped)`);
console.log(`bundle total: ${total.bytes} bytes (${total.gzipBytes} gzipped)`);
JS
