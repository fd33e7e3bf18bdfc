#!/usr/bin/env bash
# Server CPU time per request for one or more builds, measured side by side in one run:
# steadier than req/s on a noisy 2-core machine for differences of 5-30 %.
#
#   bench/cpu-per-request.sh DIR [DIR ...]
#
# Each DIR holds a built app (DIR/dist/src/server.js, e.g. a copy of this repo's dist/ or a
# worktree after `npm run build`) and serves the database `conduit_bench` that `npm run bench`
# seeded (BENCH_DATABASE_URL overrides it). For each round and build: 2,000 warm-up requests,
# then N (default 20,000) with autocannon, 10 connections; the server's utime+stime from /proc
# over those N, per request. PATHQ picks the endpoint (default /api/articles?limit=20); TOKEN
# sends `Authorization: Token $TOKEN`; METHOD and BODY (JSON) make it e.g. a POST.
set -u
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/conduit_bench}
PATHQ=${PATHQ:-/api/articles?limit=20}
N=${N:-20000}
ROUNDS=${ROUNDS:-3}
TCK=$(getconf CLK_TCK)
AUTOCANNON="$ROOT/node_modules/.bin/autocannon"
REQUEST=(-m "${METHOD:-GET}")
[ -n "${TOKEN:-}" ] && REQUEST+=(-H "authorization=Token $TOKEN")
[ -n "${BODY:-}" ] && REQUEST+=(-H "content-type=application/json" -b "$BODY")
# Ports BASE_PORT+1, +2, ... (default 4301...): another run on the machine may hold the defaults.
port=${BASE_PORT:-4300}
declare -A PIDS PORTS
for dir in "$@"; do
  port=$((port + 1)); PORTS[$dir]=$port
  (cd "$dir" && exec env NODE_ENV=production DATABASE_URL="$URL" PORT=$port \
    JWT_SECRET=bench-only-jwt-secret-not-for-any-real-deployment-0123456789 LOG_LEVEL=warn \
    MIGRATE_ON_START=false DB_POOL_MAX=10 node dist/src/server.js > /dev/null 2>&1) &
  PIDS[$dir]=$!
done
trap 'for dir in "$@"; do kill ${PIDS[$dir]} 2>/dev/null; done' EXIT
sleep 6
for dir in "$@"; do
  # A server that did not start (port taken, bad build) would otherwise be measured as 0 us while
  # autocannon loads whatever else answers on its port.
  if ! kill -0 "${PIDS[$dir]}" 2>/dev/null; then echo "the server of $dir exited (port ${PORTS[$dir]} taken?)" >&2; exit 1; fi
done
cpu_ms() { awk -v t="$TCK" '{ print ($14 + $15) * 1000 / t }' "/proc/$1/stat"; }
for round in $(seq 1 "$ROUNDS"); do
  for dir in "$@"; do
    p=${PORTS[$dir]}; pid=${PIDS[$dir]}
    "$AUTOCANNON" -c 10 -a 2000 "${REQUEST[@]}" "http://127.0.0.1:$p$PATHQ" > /dev/null 2>&1
    before=$(cpu_ms "$pid")
    "$AUTOCANNON" -c 10 -a "$N" "${REQUEST[@]}" "http://127.0.0.1:$p$PATHQ" > /dev/null 2>&1
    after=$(cpu_ms "$pid")
    printf 'round %s  %-40s %7.1f us/request\n' "$round" "$dir" "$(echo "($after - $before) * 1000 / $N" | bc -l)"
  done
done
