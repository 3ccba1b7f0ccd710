#!/usr/bin/env bash
# setup.sh: owns the machine's prerequisites. On Debian 12, installs whatever
# is missing of the C and wasm toolchain (apt-get), then the npm packages of
# package-lock.json (npm ci) when node_modules is missing or older than the
# lockfile. Quiet when everything is already there. Run by build.sh, hence
# by npm start and npm test.
set -euo pipefail
cd "$(dirname "$0")/.."

# What must exist (a command on PATH, or a file) and the Debian package that
# provides it.
requirements=(
  "cmake cmake"
  "make make"
  "gcc gcc"
  "clang clang"
  "wasm-ld lld"
  "/usr/lib/wasm32-wasi/libc.a wasi-libc"
  "/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a libclang-rt-14-dev-wasm32"
  "/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-$(uname -m).a libclang-rt-14-dev"
  "emcc emscripten"
  "/usr/share/zoneinfo/America/New_York tzdata"
  "chromium chromium"
)

missing=()
for requirement in "${requirements[@]}"; do
  read -r needed package <<<"$requirement"
  if [[ $needed == /* ]]; then
    [[ -e $needed ]] || missing+=("$package")
  else
    command -v "$needed" >/dev/null || missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  install=(apt-get install -y --no-install-recommends "${missing[@]}")
  if ((EUID != 0)); then
    echo "setup: missing ${missing[*]}; as root, run:" >&2
    echo "  apt-get update && DEBIAN_FRONTEND=noninteractive ${install[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${install[@]}" -qq >/dev/null
fi

# Node comes from outside Debian 12 (its own is too old for wrangler).
if ! node -e 'const [major, minor] = process.versions.node.split(".").map(Number);
              process.exit(major > 20 || (major === 20 && minor >= 3) ? 0 : 1)' 2>/dev/null; then
  echo "setup: Node.js 20.3 or later (with npm) is required" >&2
  exit 1
fi

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
