#!/usr/bin/env bash
# workerd-v8-flags.sh: workerd started with V8 flags, for Miniflare's
# MINIFLARE_WORKERD_PATH (runtime.mjs sets it when asked for V8 flags). It
# reads the configuration Miniflare writes on stdin, adds the flags in
# BENCH_V8_FLAGS (v8-flags.mjs), keeps the result in BENCH_WORKERD_CONFIG
# and becomes the workerd at BENCH_WORKERD with Miniflare's arguments, so
# Miniflare's signals and pipes reach workerd itself.
set -euo pipefail
# shellcheck disable=SC2086 # the flags are words
node "$(dirname "$0")/v8-flags.mjs" $BENCH_V8_FLAGS > "$BENCH_WORKERD_CONFIG"
exec "$BENCH_WORKERD" "$@" < "$BENCH_WORKERD_CONFIG"
