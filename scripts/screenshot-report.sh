#!/usr/bin/env bash
# Renders acdd HTML reports in headless Chromium and writes PNG screenshots, a section at a time, so a person can
# look at each part of the page: the tables, the charts, the monthly table, the typical days.
# Usage: scripts/screenshot-report.sh [OUT-DIR] [SCENARIO...]   (defaults: screenshots/, flows/leeds examples/ivr)
# Writes OUT-DIR/NAME.html and OUT-DIR/NAME-K-SECTION.png for each scenario, and prints each page's size.
# Installs Chromium from Debian's packages if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-screenshots}"
shift || true
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(flows/leeds examples/ivr)
if ! command -v chromium >/dev/null 2>&1; then
    sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq && "${sudo_cmd[@]}" apt-get install -y -qq chromium >/dev/null
fi
acdd=${ACDD:-.build/release/acdd}
[ -n "${ACDD:-}" ] || swift build -c release --product acdd >/dev/null
mkdir -p "$out"
for scenario in "${scenarios[@]}"; do
    name=$(basename "${scenario%.yaml}")
    html="$out/$name.html"
    "$acdd" simulate "$scenario" --html "$html" >/dev/null
    echo "screenshot-report: $html is $(stat -c %s "$html") bytes"
    # One page per part: the page's head and title, then the sections from one <h2> up to the next part.
    python3 - "$html" "$out/$name" <<'EOF'
import re, sys
page, stem = sys.argv[1], sys.argv[2]
text = open(page, encoding="utf-8").read()
head, body = text.split("<body>", 1)
starts = [m.start() for m in re.finditer(r"<h2>", body)]
intro = body[: starts[0]] if starts else body
parts = {"tables": (0, 4), "charts": (4, 6), "months": (6, 7), "days": (7, 9), "rest": (9, len(starts))}
for k, (label, (a, b)) in enumerate(parts.items()):
    if a >= len(starts):
        continue
    end = starts[b] if b < len(starts) else len(body)
    with open(f"{stem}-{k}-{label}.html", "w", encoding="utf-8") as f:
        f.write(head + "<body>" + intro + body[starts[a] : end] + "</body></html>")
EOF
    for part in "$out/$name"-[0-9]-*.html; do
        png="${part%.html}.png"
        timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1500,2200 \
            --screenshot="$png" "file://$(realpath "$part")" 2>/dev/null
        rm -f "$part"
        [ -s "$png" ] && echo "screenshot-report: wrote $png" || { echo "screenshot-report: no $png" >&2; exit 1; }
    done
done
