#!/usr/bin/env bash
# Renders an acdd HTML report in headless Chromium and writes a PNG screenshot, to check that it displays.
# Usage: scripts/screenshot-report.sh [SCENARIO] [OUT.png]   (defaults: flows/leeds, report.png)
# Installs Chromium from Debian's packages if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario="${1:-flows/leeds}"
out="${2:-report.png}"
if ! command -v chromium >/dev/null 2>&1; then
    sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq && "${sudo_cmd[@]}" apt-get install -y -qq chromium >/dev/null
fi
swift build -c release --product acdd >/dev/null
html=$(mktemp --suffix=.html)
.build/release/acdd simulate "$scenario" --html "$html" >/dev/null
timeout 120 chromium --headless --no-sandbox --disable-gpu --window-size=1200,1800 --screenshot="$out" "file://$html" 2>/dev/null
rm -f "$html"
[ -s "$out" ] && echo "screenshot-report: wrote $out" || { echo "screenshot-report: no screenshot" >&2; exit 1; }
