#!/usr/bin/env bash
# start.sh (npm start): owns the local stack. Sets up the machine, builds the
# wasm module the Worker runs, writes .dev.vars on first use (development
# mode and a random admin token), applies the D1 migrations to the local
# database and serves everything with `wrangler dev` on 127.0.0.1:${PORT:-8787}
# (state kept in .wrangler/state). The demo facility is seeded in the
# background once the server answers. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8787}

bash scripts/build.sh wasi
if [[ ! -f .dev.vars ]]; then
  token=$(node -e 'console.log(require("node:crypto").randomBytes(24).toString("base64url"))')
  printf 'ENVIRONMENT=development\nADMIN_TOKEN=%s\n' "$token" >.dev.vars
fi
node_modules/.bin/wrangler d1 migrations apply courtside --local
node scripts/seed.mjs "http://127.0.0.1:$port" &
exec node_modules/.bin/wrangler dev --port "$port" --ip 127.0.0.1
