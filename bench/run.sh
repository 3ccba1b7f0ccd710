#!/usr/bin/env bash
# run.sh (npm run bench): every benchmark, one after the other (never two
# heavy jobs at once): builds the native benchmark (build/bench-native, with
# -DCS_BENCH=ON) and the wasm module, then the core benchmarks native and
# wasm in Node (bench/core/run.mjs) and wasm in workerd
# (bench/core/bench_workerd.mjs), the end-to-end benchmark against Courtside and
# the baseline (bench/e2e/run.mjs, three rounds of 20 s each in turn), the
# same over WebSockets (run.mjs --transport ws), the WebSocket fan-out
# (bench/e2e/fanout.mjs), the recovery of a facility with 10,000 live
# reservations (bench/e2e/recovery.mjs) and the footprint (bench/footprint.sh).
# Results go to build/bench/*.json; docs/PERFORMANCE.md explains them.
# Not a test: npm test never runs it.
#
# Usage: bench/run.sh [core|e2e|ws|fanout|recovery|footprint ...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

build_bench() {
  bash scripts/build.sh wasi
  cmake -S . -B build/bench-native -DCMAKE_BUILD_TYPE=Release -DCS_BENCH=ON -DCMAKE_C_FLAGS=-g --log-level=WARNING >/dev/null
  cmake --build build/bench-native -j2 --target bench_core
}

# The core's runs all on one CPU (BENCH_CPU, default the first this process
# may use): native and wasm then run on the same core, and no run moves
# between cores mid-way. Cores of a virtual machine can differ: one of the
# machine's in docs/PERFORMANCE.md ran Node's wasm 1.5x slower than the
# other, native code alike on both.
pinned() {
  local cpu=${BENCH_CPU:-$(awk '/^Cpus_allowed_list/ { split($2, a, /[-,]/); print a[1] }' /proc/self/status 2>/dev/null)}
  if [[ -n $cpu ]] && command -v taskset >/dev/null; then
    taskset -c "$cpu" "$@"
  else
    echo "bench: running unpinned (no taskset or no CPU list)" >&2
    "$@"
  fi
}

parts=("$@")
((${#parts[@]} > 0)) || parts=(core e2e ws fanout recovery footprint)
build_bench
for part in "${parts[@]}"; do
  case $part in
    core) pinned node bench/core/run.mjs && node bench/core/bench_workerd.mjs ;;
    e2e) node bench/e2e/run.mjs --rounds 3 --duration 20 ;;
    ws) node --experimental-websocket bench/e2e/run.mjs --transport ws --rounds 3 --duration 20 ;;
    fanout) node --experimental-websocket bench/e2e/fanout.mjs ;;
    recovery) node bench/e2e/recovery.mjs ;;
    footprint) bash bench/footprint.sh ;;
    *)
      echo "bench: unknown part $part (core, e2e, ws, fanout, recovery or footprint)" >&2
      exit 2
      ;;
  esac
done
