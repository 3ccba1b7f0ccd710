#!/usr/bin/env bash
# start.sh (npm start): owns the local stack. Sets up the machine, builds the
# wasm module the Worker runs, writes .dev.vars on first use (development
# mode, a random admin token, a random session-signing secret; an older
# .dev.vars gains the secret), applies the D1 migrations to the local
# database and serves everything with `wrangler dev` on 127.0.0.1:${PORT:-8787}
# (state kept in .wrangler/state: Durable Objects, D1, KV sessions). The demo
# facility is seeded in the background once the server answers, and curl
# lines with a member's token are printed. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8787}

bash scripts/build.sh wasi
random() {
  node -e 'console.log(require("node:crypto").randomBytes(32).toString("base64url"))'
}
if [[ ! -f .dev.vars ]]; then
  printf 'ENVIRONMENT=development\nADMIN_TOKEN=%s\n' "$(random)" >.dev.vars
fi
if ! grep -q '^SESSION_SECRET=' .dev.vars; then
  printf 'SESSION_SECRET=%s\n' "$(random)" >>.dev.vars
fi
node_modules/.bin/wrangler d1 migrations apply courtside --local
node scripts/seed.mjs "http://127.0.0.1:$port" &
exec node_modules/.bin/wrangler dev --port "$port" --ip 127.0.0.1
