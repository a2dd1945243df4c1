#!/usr/bin/env bash
# acdd's telephone front under load, with SIPp (Debian's sip-tester) on the same machine and cores.
#   1. Held calls: SIPp opens calls at RATE a second, each held for HOLD seconds (tests/sip/scenarios/hold.xml), so
#      about RATE x HOLD calls are up at once, each hearing the night line's greeting and then hold music from acdd
#      (its queue has no agents, so acdd never hangs up first).
#      During the plateau: one more caller (scripts/sip/rtp_capture.py) records its RTP, giving the packets' spacing
#      as a caller sees it; /metrics gives the 20 ms beat's lateness over all calls; /proc gives acdd's CPU.
#   2. Set-ups: SIPp's built-in uac at SETUP_RATE calls a second for SETUP_SECONDS (each call 1 s long), with
#      SIPp's response times (INVITE to 200) and failed calls.
# Prints markdown tables. Usage: Benchmarks/sip-load.sh  (RATE=25 HOLD=20 SETUP_RATE=200 SETUP_SECONDS=10)
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-25}
HOLD=${HOLD:-20}
SETUP_RATE=${SETUP_RATE:-200}
SETUP_SECONDS=${SETUP_SECONDS:-10}
PORT=${SIP_PORT:-26060}
ROOT=$PWD
swift build -c release --product acdd > /dev/null
. scripts/lib/acdd.sh
work=$(mktemp -d)
trap 'kill -9 ${ACDD_PID:-0} 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
ulimit -n 65536 2>/dev/null || true

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
metric() { curl -s "$BASE/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

start_acdd "$work/acdd" tests/sip/centre --start 'mon 10:00' --db "$work/load.sqlite" --sip "127.0.0.1:$PORT" \
    --sip-ring 0 --sip-rtp-timeout 0 --speed 1 --log-level warning
hz=$(getconf CLK_TCK)
echo "acdd pid $ACDD_PID; $(nproc) cores; SIPp $(sipp -v 2>&1 | grep -o 'v[0-9.]*' | head -1)" >&2

# 1. Held calls.
want=$((RATE * HOLD))
echo "sip-load: $want calls held at once ($RATE a second, $HOLD s each); about $((HOLD * 2 + 15)) s" >&2
(cd "$work" && sipp "127.0.0.1:$PORT" -s 3002 -sf "$ROOT/tests/sip/scenarios/hold.xml" \
    -r "$RATE" -m $((want * 2)) -l $((want + 50)) -d $((HOLD * 1000)) -i 127.0.0.1 -p 26100 -mp 36000 -nostdin -trace_err \
    -trace_stat -fd 1 -stf held-stats.csv > held-screen.txt 2>&1) &
sipp_pid=$!
sleep $((HOLD + 3))  # the plateau: as many calls open as close
up=$(metric acd_sip_calls)
c0=$(cpu_ticks "$ACDD_PID")
t0=$(date +%s.%N)
probe=$(python3 scripts/sip/rtp_capture.py "$PORT" 3001 tests/sip/centre/flows/prompts/welcome.wav 10 2>&1 || true)
c1=$(cpu_ticks "$ACDD_PID")
t1=$(date +%s.%N)
up_after=$(metric acd_sip_calls)
rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$ACDD_PID/status")
p50=$(curl -s "$BASE/metrics" | awk '$1 == "acd_sip_tick_lateness_p50_seconds" { print $2 * 1000 }')
p99=$(curl -s "$BASE/metrics" | awk '$1 == "acd_sip_tick_lateness_p99_seconds" { print $2 * 1000 }')
pmax=$(curl -s "$BASE/metrics" | awk '$1 == "acd_sip_tick_lateness_max_seconds" { print $2 * 1000 }')
wait "$sipp_pid" || true
held_ok=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "SuccessfulCall(C)") c = i } END { print $c }' \
    "$work/held-stats.csv")
held_failed=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "FailedCall(C)") c = i } END { print $c }' \
    "$work/held-stats.csv")
cpu=$(python3 -c "print(f'{($c1 - $c0) / $hz / ($t1 - $t0) * 100:.1f}')")
per_call=$(python3 -c "print(f'{($c1 - $c0) / $hz / ($t1 - $t0) * 100 / max(1, ($up + $up_after) / 2):.3f}')")
spacing=$(echo "$probe" | sed -n 's/.*spacing p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1 | \2/p')
echo
echo "| calls up (start, end of window) | SIPp calls ok / failed | beat lateness p50 / p99 / max ms (last 4096 beats) | probe caller's spacing p50 / p99 ms | acdd CPU % of one core | CPU % per call | acdd RSS MB |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
echo "| $up, $up_after | $held_ok / $held_failed | $p50 / $p99 / $pmax | ${spacing:-?} | $cpu | $per_call | $rss |"
echo "probe: $probe" >&2

# 2. Set-ups.
total=$((SETUP_RATE * SETUP_SECONDS))
echo "sip-load: $total set-ups at $SETUP_RATE a second; about $((SETUP_SECONDS + 5)) s" >&2
c0=$(cpu_ticks "$ACDD_PID")
t0=$(date +%s.%N)
(cd "$work" && sipp "127.0.0.1:$PORT" -s 3001 -sn uac -d 1000 -r "$SETUP_RATE" -m "$total" -l $((SETUP_RATE * 3)) \
    -i 127.0.0.1 -p 26200 -mp 38000 -nostdin -trace_stat -fd 1 -stf setup-stats.csv \
    -trace_rtt -rtt_freq 1 > setup-screen.txt 2>&1) || true
c1=$(cpu_ticks "$ACDD_PID")
t1=$(date +%s.%N)
python3 - "$work/setup-stats.csv" "$work" "$SETUP_RATE" "$total" "$(python3 -c "print(($c1 - $c0) / $hz)")" \
    "$(python3 -c "print($t1 - $t0)")" << 'EOF'
import csv, glob, sys
stats, work, rate, total, cpu, wall = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
rows = list(csv.reader(open(stats), delimiter=";"))
last = dict(zip(rows[0], rows[-1]))
rtts = []
for path in glob.glob(f"{work}/*_rtt.csv"):
    for row in list(csv.reader(open(path), delimiter=";"))[1:]:
        try:
            rtts.append(float(row[1]))
        except (IndexError, ValueError):
            pass
rtts.sort()
q = lambda p: f"{rtts[min(len(rtts) - 1, int(len(rtts) * p))]:.0f}" if rtts else "?"
print()
print("| set-ups asked | rate asked /s | SIPp ok / failed | SIPp's own call rate /s | INVITE to 200 p50 / p99 / max ms (SIPp: whole ms) | acdd CPU s | CPU ms per set-up |")
print("|---:|---:|---:|---:|---:|---:|---:|")
ok = int(last["SuccessfulCall(C)"])
print(f"| {total} | {rate} | {ok} / {last['FailedCall(C)']} | {float(last['CallRate(C)']):.1f} | {q(0.5)} / {q(0.99)} / {q(1.0)} | {cpu:.2f} | {cpu * 1000 / max(1, ok):.2f} |")
EOF
rows=$(sqlite3 "$work/load.sqlite" "SELECT count(*) FROM calls WHERE channel = 'sip'" 2>/dev/null || echo '?')
echo "(records so far: $rows SIP calls rows; the daemon commits the rest as it stops)" >&2
