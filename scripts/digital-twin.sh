#!/usr/bin/env bash
# The digital twin: acdd serves flows/leeds from the evening before DAY at SPEED times real time, callgen replays
# DAY's calls against it (the simulator's own arrival generator, same seed) with CALLERS callers, and each queue's
# ASA and abandonment for the day, as the daemon counted them, are checked against the simulator's 95% prediction
# interval for one such day (`acdd simulate --day DAY`, REPLICATIONS replications; scripts/twin_compare.py).
# Prints a markdown table; exits 1 if a figure falls outside its interval.
# Usage: scripts/digital-twin.sh [DAY] [SPEED] [CALLERS]   (defaults: 2019-11-05, 1440, external)
set -euo pipefail
cd "$(dirname "$0")/.."
day="${1:-2019-11-05}"
speed="${2:-1440}"
callers="${3:-external}"
replications="${REPLICATIONS:-40}"
swift build -c release --product acdd >/dev/null
swift build -c release --product callgen >/dev/null
work=$(mktemp -d)
trap 'kill -9 ${acdd:-0} 2>/dev/null || true; rm -rf "$work"' EXIT
.build/release/acdd simulate flows/leeds --day "$day" -r "$replications" --format json > "$work/simulated.json"
# The day before, 23:00: an hour of engine time (2.5 s at 1440x) for callgen to start before the day's first call.
before=$(python3 -c "import datetime as d, sys; print(d.date.fromisoformat(sys.argv[1]) - d.timedelta(days=1))" "$day")
.build/release/acdd serve flows/leeds --listen 127.0.0.1:0 --speed "$speed" --start "$before 23:00" \
    --db "$work/twin.sqlite" --log-level warning > "$work/acdd.out" 2>/dev/null &
acdd=$!
for _ in $(seq 100); do grep -q "listening on" "$work/acdd.out" && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$work/acdd.out")
.build/release/callgen flows/leeds --target "$base" --speed "$speed" --day "$day" --callers "$callers" \
    --format json > "$work/callgen.json"
python3 - "$work/callgen.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); f = d["figures"]; c = d.get("callers") or {}
print(f"callgen: {f['sent']} calls sent in {f['elapsed']:.0f} s, {f['ok']} ok, errors {f['errors'] or 'none'}, "
      f"latency p50 {f['latency']['p50']:.1f} ms, p99 {f['latency']['p99']:.1f} ms")
if c:
    print(f"callers: {c['inputs']} inputs, {c['hangUps']} hang-ups, {c['late']} too late, outcomes {c['outcomes']}, "
          f"{c['inSystem']} still in the system")
PY
# Let the day's last callers finish (at 1440x, 5 s is two engine hours), then read the day's figures.
sleep 5
# The day's number in the period (the daemon's engine day), from the first call's engine seconds.
day_number=$(.build/release/callgen flows/leeds --arrivals-only --day "$day" --max-calls 1 \
    | awk -F, 'NR == 2 { print int($4 / 86400) }')
curl -sf "$base/v1/queues?day=$day_number" > "$work/daemon.json"
kill -TERM "$acdd"
wait "$acdd" || true
echo
python3 scripts/twin_compare.py "$work/simulated.json" "$work/daemon.json"
