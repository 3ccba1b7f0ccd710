#!/usr/bin/env bash
# test.sh (npm test): owns the test run, failing fast. Builds everything
# (native, ASan+UBSan, wasi, Emscripten), runs the C unit tests and the
# native conformance vectors under ctest in both native builds, half a
# minute of libFuzzer on each fuzz target (scripts/fuzz.sh), the same
# vectors through both wasm modules in Node, then the integration tests
# against the real local runtime (node's test runner, one file at a time,
# with Node's WebSocket client and no test allowed to hang past 3 minutes),
# and last the member's page in Chromium (tests/browser/).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh native asan wasi emscripten
ctest --test-dir build/native --output-on-failure
ctest --test-dir build/asan --output-on-failure
bash scripts/fuzz.sh 30
for module in build/wasi/courtside-wasi.wasm build/emscripten/courtside-emscripten.wasm; do
  echo "vectors through $module"
  node tests/vectors/run.mjs -- node glue/cli.mjs "$module"
done
node --experimental-websocket --test --test-concurrency=1 --test-timeout=180000 tests/integration/
node --experimental-websocket --test --test-concurrency=1 --test-timeout=180000 tests/browser/
