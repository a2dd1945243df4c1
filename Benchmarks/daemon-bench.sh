#!/usr/bin/env bash
# The daemon end to end, measured with callgen on this machine (both on the same cores): the rate acdd sustains on
# POST /v1/calls with modelled callers walking flows/leeds's IVR, beside the same HTTP stack's rate on GET /healthz,
# each as a sweep of steady open-loop rates (10 s each) with the achieved rate and latency percentiles (from when a
# request was due to its reply). Prints a markdown table. Usage: Benchmarks/daemon-bench.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
swift build -c release --product acdd >/dev/null
swift build -c release --product callgen >/dev/null
. scripts/lib/acdd.sh
db=$(mktemp -d)/bench.sqlite
start_acdd "$db" flows/leeds --speed 1 --start 'mon 10:00' --db "$db" --log-level warning
acdd=$ACDD_PID
base=$BASE
trap 'kill -9 $acdd 2>/dev/null || true' EXIT
echo "| endpoint | requested /s | achieved /s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors | acdd RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---|---:|"
run() {
    .build/release/callgen flows/leeds --target "$base" --rate "$2" --duration "${seconds}s" --endpoint "$1" \
        --callers modelled \
        --format json | python3 -c "
import json, sys
f = json.load(sys.stdin)['figures']; l = f['latency']
errors = ', '.join(f'{k} {v}' for k, v in sorted(f['errors'].items())) or 'none'
print(f\"| $1 | $2 | {f['achievedRate']:.0f} | {l['p50']:.2f} | {l['p90']:.2f} | {l['p99']:.2f} | {l['p999']:.2f} | {errors} |\", end='')"
    echo " $(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$acdd/status) |"
}
for rate in ${HEALTHZ_RATES:-2000 5000 8000 10000 11000}; do run healthz $rate; done
for rate in ${CALL_RATES:-1000 2000 2500 3000 4000 5000 6000}; do run calls $rate; done
