#!/usr/bin/env bash
# fuzz.sh: owns the fuzzing runs. Builds the libFuzzer targets (build/fuzz,
# clang with ASan and UBSan) and runs each for SECONDS (default 30), seeded
# from the conformance vectors, in a corpus under build/fuzz/corpus that
# grows from run to run. A crash, a leak, an input slower than 10 s or one
# needing more than 4 GiB leaves its input in build/fuzz/ and fails.
#
# Usage: scripts/fuzz.sh [SECONDS]     e.g. scripts/fuzz.sh 3600 for a long run
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}

cmake -S . -B build/fuzz -DCS_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug --log-level=WARNING >/dev/null
cmake --build build/fuzz -j2 >/dev/null

for target in fuzz_command fuzz_json; do
  corpus=build/fuzz/corpus/$target
  mkdir -p "$corpus"
  cp tests/vectors/*.in "$corpus/"
  echo "fuzzing $target for ${seconds}s"
  ./build/fuzz/$target "$corpus" -max_total_time="$seconds" -max_len=16384 -timeout=10 \
    -rss_limit_mb=4096 -artifact_prefix=build/fuzz/ -print_final_stats=1 2>&1 |
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|ERROR|SUMMARY|Test unit written' || true
  if compgen -G "build/fuzz/crash-*" || compgen -G "build/fuzz/leak-*" ||
     compgen -G "build/fuzz/timeout-*" || compgen -G "build/fuzz/oom-*"; then
    echo "fuzz: $target found a failure (inputs in build/fuzz/)" >&2
    exit 1
  fi
done
