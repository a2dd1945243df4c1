#!/usr/bin/env bash
# Soak: acdd serving flows/leeds at SPEED times real time under a steady open-loop rate of POST /v1/calls (modelled
# callers) for MINUTES minutes, with `callgen --soak`: acdd's resident memory and callgen's latency for each minute,
# start against end. At 60x the callers' patience runs out in seconds of real time, so the calls in the system level
# off within the first minute (far more calls than the Leeds rota can answer: most abandon); from then on memory must stay level
# while the engine's days roll over and the records pile up in SQLite.
# Usage: Benchmarks/daemon-soak.sh [MINUTES] [RATE] [SPEED]   (defaults: 10, 500, 60)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
rate="${2:-500}"
speed="${3:-60}"
swift build -c release --product acdd >/dev/null
swift build -c release --product callgen >/dev/null
. scripts/lib/acdd.sh
db=$(mktemp -d)/soak.sqlite
start_acdd "$db" flows/leeds --speed "$speed" --start 'mon 08:00' --db "$db" --log-level warning
acdd=$ACDD_PID
base=$BASE
trap 'kill -9 $acdd 2>/dev/null || true' EXIT
.build/release/callgen flows/leeds --target "$base" --rate "$rate" --soak "${minutes}m" --callers modelled
kill -TERM "$acdd"
wait "$acdd"
trap - EXIT
echo "records: $(sqlite3 "$db" 'SELECT count(*) FROM calls'), database $(du -m "$db" | cut -f1) MB"
