#!/usr/bin/env bash
# Runs the benchmark model (M/M/100+M at 95% load) in acdd, Ciw and SimPy in one go and prints calls per second and
# the ratios. Usage: Benchmarks/compare-peers.sh [HOURS_FOR_PYTHON]   (default 50 simulated hours, ~95,000 calls)
set -euo pipefail
cd "$(dirname "$0")/.."
hours="${1:-50}"
venv=.venv-peers
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q ciw simpy
fi
swift build -c release --product acdd >/dev/null
acdd_json=$(.build/release/acdd simulate Benchmarks/scenarios/mmn95.yaml --replications 1 --threads 1 --format json --timing)
peers=$("$venv/bin/python" Benchmarks/peers/mmn95_peers.py "$hours")
python3 - "$acdd_json" "$peers" <<'PY'
import json, sys
ours = json.loads(sys.argv[1])
q = ours["queues"][0]["metrics"]
rows = [{"simulator": "acdd (ACDCore)", "calls": ours["timing"]["calls"], "seconds": ours["timing"]["elapsed_s"],
         "calls_per_second": ours["timing"]["calls_per_second"], "asa_s": q["asa"]["mean"],
         "abandoned": q["abandonment"]["mean"]}]
rows += [json.loads(line) for line in sys.argv[2].splitlines() if line.strip()]
base = rows[0]["calls_per_second"]
print("| simulator | calls | seconds | calls/s | acdd is faster by | ASA s | abandoned % |")
print("|---|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['simulator']} | {r['calls']:,} | {r['seconds']:.2f} | {r['calls_per_second']:,.0f} | "
          f"{base / r['calls_per_second']:,.0f}x | {r['asa_s']:.2f} | {100 * r['abandoned']:.2f} |")
PY
