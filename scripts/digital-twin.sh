#!/usr/bin/env bash
# The digital twin: acdd serves flows/leeds from 23:00 the day before DAY at SPEED times real time, callgen replays
# DAY's calls against it (the simulator's own arrival generator, same seed) with CALLERS callers, and each queue's
# ASA and abandonment for the day, as the daemon counted them, are checked against what the simulator predicts for
# the day: PREDICT replications (default 2799, enough for a family-wise 99% verdict on 14 figures; scripts/
# twin_compare.py explains the intervals). Prints a markdown table; exits 1 if a figure falls outside.
# Usage: scripts/digital-twin.sh [DAY] [SPEED] [CALLERS]   (defaults: 2019-11-05, 1440, external)
set -euo pipefail
cd "$(dirname "$0")/.."
day="${1:-2019-11-05}"
speed="${2:-1440}"
callers="${3:-external}"
predict="${PREDICT:-2799}"
swift build -c release --product acdd >/dev/null
swift build -c release --product callgen >/dev/null
work=$(mktemp -d)
trap 'if [ -n "${acdd:-}" ]; then kill -9 "$acdd" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
# The day before, 23:00: an hour of engine time (2.5 s at 1440x) for callgen to start before the day's first call.
before=$(python3 -c "import datetime as d, sys; print(d.date.fromisoformat(sys.argv[1]) - d.timedelta(days=1))" "$day")
. scripts/lib/acdd.sh
start_acdd "$work/acdd" flows/leeds --speed "$speed" --start "$before 23:00" --db "$work/twin.sqlite" \
    --log-level warning
acdd=$ACDD_PID
base=$BASE
.build/release/callgen flows/leeds --target "$base" --speed "$speed" --day "$day" --callers "$callers" \
    --predict "$predict" --format json > "$work/callgen.json"
python3 - "$work/callgen.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); f = d["figures"]; c = d.get("callers") or {}
print(f"callgen: {f['sent']} calls sent in {f['elapsed']:.0f} s, {f['ok']} ok, errors {f['errors'] or 'none'}, "
      f"latency p50 {f['latency']['p50']:.1f} ms, p99 {f['latency']['p99']:.1f} ms")
if c:
    print(f"callers: {c['inputs']} inputs, {c['hangUps']} hang-ups, {c['late']} too late, outcomes {c['outcomes']}, "
          f"{c['inSystem']} still in the system")
PY
kill -TERM "$acdd"
wait "$acdd" || true
echo
python3 scripts/twin_compare.py "$work/callgen.json"
