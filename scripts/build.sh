#!/usr/bin/env bash
# build.sh: owns the builds, all driven by CMakeLists.txt: the native core,
# CLI and unit tests (build/native), the same under ASan and UBSan
# (build/asan), the wasm32-wasi module the Worker runs (build/wasi) and the
# Emscripten module (build/emscripten). Prints each wasm module's size.
#
# Usage: scripts/build.sh [native|asan|wasi|emscripten ...]
#        (default: native wasi emscripten)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# build DIR CONFIGURE...: configures DIR with CONFIGURE (cmake, or emcmake
# cmake, and options), then builds it.
build() {
  local dir=$1
  shift
  "$@" -S . -B "$dir" --log-level=WARNING >/dev/null
  cmake --build "$dir" -j2
}

size() {
  echo "$1: $(stat -c %s "$1") bytes"
}

targets=("$@")
((${#targets[@]} > 0)) || targets=(native wasi emscripten)
for target in "${targets[@]}"; do
  case $target in
    native) build build/native cmake -DCMAKE_BUILD_TYPE=Release ;;
    asan) build build/asan cmake -DCMAKE_BUILD_TYPE=Debug -DCS_SANITIZE=ON ;;
    wasi)
      build build/wasi cmake -DCMAKE_TOOLCHAIN_FILE=wasm/wasi.cmake
      size build/wasi/courtside-wasi.wasm
      ;;
    emscripten)
      build build/emscripten emcmake cmake
      size build/emscripten/courtside-emscripten.wasm
      ;;
    *)
      echo "build: unknown target $target (native, asan, wasi or emscripten)" >&2
      exit 2
      ;;
  esac
done
