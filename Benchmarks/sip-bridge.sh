#!/usr/bin/env bash
# Bridged calls under load: callers and agents both on SIP, acdd relaying the media between them, with SIPp playing
# both sides on the same 2 cores.
#   - Agents: AGENTS agents (AGENTS >= CALLS) registered with digest (scripts/sip/register_many.py) at one SIPp UAS
#     (tests/sip/scenarios/agent-echo.xml) that answers every INVITE and echoes all RTP (-rtp_echo); each agent is
#     made ready by the API.
#   - Callers: SIPp (tests/sip/scenarios/bridge-caller.xml) dials the agents line at RATE a second, each streaming
#     a looped mu-law tone as its voice for HOLD seconds, so about CALLS calls are bridged at once, each relaying
#     50 packets a second each way.
#   - During the plateau: the relay's delay per packet (kernel receive to acdd's send, SIOCGSTAMPNS, over the last
#     4096 packets) and the 20 ms beat's lateness from /metrics, the packets relayed a second, acdd's CPU and memory.
#   - Then a REGISTER flood: FLOOD REGISTERs with wrong passwords as fast as one client sends them, while the calls
#     are still up; each must get 403, and acdd must go on relaying.
# Prints a markdown table. Usage: Benchmarks/sip-bridge.sh  (CALLS=300 RATE=20 HOLD=60 FLOOD=5000)
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${CALLS:-300}
AGENTS=${AGENTS:-$((CALLS + 20))}
RATE=${RATE:-20}
HOLD=${HOLD:-60}
FLOOD=${FLOOD:-5000}
PORT=${SIP_PORT:-28060}
ROOT=$PWD
swift build -c release --product acdd > /dev/null
. scripts/lib/acdd.sh
work=$(mktemp -d)
trap 'kill -9 ${ACDD_PID:-0} ${uas_pid:-0} ${uac_pid:-0} 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
ulimit -n 65536 2>/dev/null || true

metric() { curl -s "$BASE/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
ms() { python3 -c "print(f'{float(\"${1:-0}\") * 1000:.2f}')"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# The agents file and the callers' voice (a 440 Hz tone, mu-law WAV, 10 s).
{
    echo "ring-time: 15"
    echo "agents:"
    for i in $(seq -f %03g "$AGENTS"); do printf '  - { name: agent%s, group: phone agents, password: pw-agent%s }\n' "$i" "$i"; done
} > "$work/agents.yaml"
python3 -W ignore - "$work/tone.wav" <<'EOF'
import audioop, math, struct, sys
pcm = b"".join(struct.pack("<h", int(6000 * math.sin(2 * math.pi * 440 * i / 8000))) for i in range(80000))
data = audioop.lin2ulaw(pcm, 2)
fmt = struct.pack("<HHIIHH", 7, 1, 8000, 8000, 1, 8)
with open(sys.argv[1], "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE")
    f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data)
EOF

start_acdd "$work/acdd" tests/sip/agents-centre --start 'mon 10:00' --db "$work/bridge.sqlite" \
    --sip "127.0.0.1:$PORT" --sip-agents "$work/agents.yaml" --sip-rtp-timeout 0 --speed 1 --log-level warning \
    --max-calls 10000
echo "acdd pid $ACDD_PID; $(nproc) cores; $CALLS calls at $RATE a second held $HOLD s; $AGENTS agents" >&2

(cd "$work" && sipp -sf "$ROOT/tests/sip/scenarios/agent-echo.xml" -i 127.0.0.1 -p 28300 -mp 48000 -rtp_echo \
    -nostdin -trace_err -bg > uas.txt 2>&1) || true
sleep 1
uas_pid=$(pgrep -f "agent-echo.xml -i 127.0.0.1 -p 28300" | head -1)
registered=$(python3 scripts/sip/register_many.py --port "$PORT" --contact 127.0.0.1:28300 --count "$AGENTS")
echo "registered: $registered" >&2
python3 - "$BASE" "$AGENTS" <<'EOF'
import sys, urllib.request
base, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    urllib.request.urlopen(urllib.request.Request(f"{base}/v1/agents/agent{i:03d}/ready", method="POST")).read()
EOF

total_s=$((CALLS / RATE + HOLD + 10))
echo "sip-bridge: callers ramp for $((CALLS / RATE)) s, hold $HOLD s; about $((total_s + 20)) s in all" >&2
sed "s|\[rtp_file\]|$work/tone.wav|" tests/sip/scenarios/bridge-caller.xml > "$work/bridge-caller.xml"
(cd "$work" && sipp "127.0.0.1:$PORT" -s 4001 -sf "$work/bridge-caller.xml" \
    -r "$RATE" -m "$CALLS" -l "$CALLS" -d $((HOLD * 1000)) -i 127.0.0.1 -p 28100 -mp 50000 \
    -nostdin -trace_err -trace_stat -fd 1 -stf caller-stats.csv > caller-screen.txt 2>&1) &
uac_pid=$!
sleep $((CALLS / RATE + 8))  # everyone answered and bridged (3 s greeting, answer at once)
talking() { curl -s "$BASE/v1/agents" | python3 -c "import json, sys
print(sum(a['state'] == 'talking' for a in json.load(sys.stdin)['agents']))"; }
ringing=$(talking)
r0=$(metric acd_sip_rtp_relayed_packets_total)
c0=$(cpu_ticks "$ACDD_PID")
t0=$(date +%s.%N)
# Five scrapes 2 s apart: each gives the relay's delay over its last 65,536 packets (about 2 s), all from one scrape.
for i in 1 2 3 4 5; do
    sleep 2
    curl -s "$BASE/metrics" > "$work/scrape-$i.txt"
done
r1=$(metric acd_sip_rtp_relayed_packets_total)
c1=$(cpu_ticks "$ACDD_PID")
t1=$(date +%s.%N)
read -r d50 d99 dmax l99 <<<"$(python3 scripts/sip/scrape_summary.py "$work"/scrape-*.txt)"
rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$ACDD_PID/status")
hz=$(getconf CLK_TCK)
pps=$(python3 -c "print(round(($r1 - $r0) / ($t1 - $t0)))")
cpu=$(python3 -c "print(f'{($c1 - $c0) / $hz / ($t1 - $t0) * 100:.1f}')")

# The REGISTER flood, calls still up.
flood=$(python3 scripts/sip/register_many.py --port "$PORT" --count "$AGENTS" --flood "$FLOOD")
f99=$(ms "$(metric acd_sip_relay_delay_p99_seconds)")
still=$(talking)
wait "$uac_pid" || true
col() { awk -F';' -v n="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i } END { print $c }' "$work/caller-stats.csv"; }
ok=$(col "SuccessfulCall(C)")
failed=$(col "FailedCall(C)")
answered=$(sqlite3 "$work/bridge.sqlite" "SELECT count(*) FROM calls WHERE outcome = 'answered'" 2>/dev/null || echo "?")

echo
echo "| bridged calls | agents talking | relayed packets/s | relay delay p50 / p99 / max (5 scrapes) | beat lateness p99 | acdd CPU | acdd RSS | callers ok / failed |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "| $CALLS | $ringing | $pps | $d50 / $d99 / $dmax ms | $l99 ms | $cpu% of a core | $rss MB | $ok / $failed |"
echo
echo "REGISTER flood (wrong passwords, calls up): $flood; relay delay p99 after it $f99 ms; agents still talking $still"
echo "calls recorded answered: $answered"
