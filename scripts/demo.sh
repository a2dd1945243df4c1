#!/usr/bin/env bash
# The daemon demo (make demo): acdd serves flows/leeds at 60x from Monday 08:00, callgen replays the Monday's calls
# against it, and headless Chromium takes a screenshot of the wallboard while the load runs.
# Usage: scripts/demo.sh [HOURS] [OUT_DIR]   (defaults: 10 engine hours, i.e. 10 real minutes; demo/)
set -euo pipefail
cd "$(dirname "$0")/.."
hours="${1:-10}"
out="${2:-demo}"
speed=60
mkdir -p "$out"
if ! command -v chromium >/dev/null 2>&1; then
    sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq && "${sudo_cmd[@]}" apt-get install -y -qq chromium >/dev/null
fi
swift build -c release --product acdd >/dev/null
swift build -c release --product callgen >/dev/null
rm -f "$out/demo.sqlite" "$out/demo.sqlite-wal" "$out/demo.sqlite-shm"
. scripts/lib/acdd.sh
start_acdd "$out/acdd" flows/leeds --speed "$speed" --start 'mon 08:00' --db "$out/demo.sqlite"
acdd=$ACDD_PID
base=$BASE
trap 'kill -9 $acdd 2>/dev/null || true' EXIT
echo "demo: acdd serving flows/leeds at ${speed}x on $base (wallboard: $base/)"
.build/release/callgen flows/leeds --target "$base" --speed "$speed" --hours "$hours" > "$out/callgen.txt" &
callgen=$!
sleep $(( hours * 3600 / speed / 3 ))
timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,900 \
    --timeout=4000 --screenshot="$out/wallboard.png" "$base/" 2>/dev/null || true
[ -s "$out/wallboard.png" ] && echo "demo: wallboard screenshot in $out/wallboard.png" \
    || echo "demo: no screenshot" >&2
wait "$callgen"
cat "$out/callgen.txt"
kill -TERM "$acdd"
wait "$acdd"
trap - EXIT
echo "demo: calls recorded in $out/demo.sqlite:"
sqlite3 -column -header "$out/demo.sqlite" \
    "SELECT outcome, count(*) AS calls FROM calls GROUP BY outcome ORDER BY calls DESC"
