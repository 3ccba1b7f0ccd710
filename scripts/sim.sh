#!/usr/bin/env bash
# sim.sh: owns long simulator campaigns. Builds the native simulator
# (build/native) and runs SEEDS seeds (default 2000) of STEPS commands each
# (default 2000), starting at FIRST (default 1), then prints the rate. On a
# failure the simulator prints the seed, the step and the shortest failing
# prefix of commands as JSON lines, and this script fails. The bounded run
# is `ctest -R sim`; see docs/RELIABILITY.md.
#
# Usage: scripts/sim.sh [SEEDS] [STEPS] [FIRST]    e.g. scripts/sim.sh 20000 2000 100000
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-2000}
steps=${2:-2000}
first=${3:-1}

if [ ! -f build/native/CMakeCache.txt ]; then
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release --log-level=WARNING >/dev/null
fi
cmake --build build/native -j2 --target courtside-sim >/dev/null

start=$(date +%s.%N)
./build/native/courtside-sim --seeds "$seeds" --steps "$steps" --first "$first" --final
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v n="$((seeds * steps))" \
  'BEGIN { t = e - s; printf "sim.sh: %d commands in %.1f s, %.0f commands/s\n", n, t, n / t }'
