#!/usr/bin/env bash
# acdd answering the telephone (docs/sip.md), checked with SIPp (Debian's sip-tester), a SIP client nobody here wrote:
# SIPp's built-in uac; keys as RFC 4733 telephone-events and as in-band tones; the audio a caller hears against the
# prompt file and its heard duration (scripts/sip/rtp_capture.py); an abandon from the queue; CANCEL while ringing;
# 404 for an unknown number, 488 for no common codec; RTP from a stranger ignored; a corpus of hostile SIP
# (scripts/sip/hostile.py); callers who speak to a speech menu (scripts/sip/say.py); a load run at 10 calls a second with SIPp's statistics kept; 503 while stopping and over
# --max-calls; calls through Kamailio as a proxy in front of acdd. Every answered call is a `calls` row with channel `sip` and the IVR path the keys chose. Needs a built
# acdd (ACDD), sipp, python3, curl and sqlite3. SIPp's load statistics are left in OUT (default out/sip-checks).
set -euo pipefail
cd "$(dirname "$0")/.."
ACDD=${ACDD:-.build/release/acdd}
CENTRE=tests/sip/centre
SCEN=$PWD/tests/sip/scenarios
SIP_PORT=${SIP_PORT:-25060}
OUT=${OUT:-$PWD/out/sip-checks}
. scripts/lib/acdd.sh
check_prologue sip-checks
command -v sipp > /dev/null || fail "sipp is missing: apt-get install sip-tester (scripts/install-deps.sh does)"

local_port=25100
# sipp_run NAME NUMBER SIPP-ARGS...: one call to NUMBER; its screen and logs are kept in $work/NAME.
sipp_run() {
    local name=$1 number=$2
    shift 2
    local_port=$((local_port + 2))
    mkdir -p "$work/$name"
    (cd "$work/$name" && timeout 60 sipp "${TARGET:-127.0.0.1:$SIP_PORT}" -s "$number" -m 1 -i 127.0.0.1 \
        -p "$local_port" -mp $((local_port + 4000)) -nostdin -trace_err -trace_stat -stf stats.csv "$@" \
        > screen.txt 2>&1)
}
# A copy of the refusal scenario expecting `code`, offering `formats` (with their rtpmap lines).
refusal() {
    local code=$1 formats=$2 rtpmaps=$3
    sed -e "s/\[refusal\]/$code/g" -e "s/\[formats\]/$formats/" -e "s|\[rtpmaps\]|$rtpmaps|" "$SCEN/refused.xml" \
        > "$work/refused-$code.xml"
    echo "$work/refused-$code.xml"
}
q() { sqlite3 "$work/sip.sqlite" "$1"; }
rows() { q "SELECT count(*) FROM calls WHERE channel = 'sip'"; }
settle() {  # waits until the daemon has committed `want` SIP rows
    local want=$1
    for _ in $(seq 50); do [ "$(rows)" -ge "$want" ] && return 0; sleep 0.1; done
    fail "expected $want calls rows with channel sip, found $(rows)"
}

start_acdd "$work/acdd" "$CENTRE" --start 'mon 10:00' --db "$work/sip.sqlite" --sip "127.0.0.1:$SIP_PORT" \
    --sip-ring 0.5 --speed 1
PID=$ACDD_PID
pids+=("$PID")
grep -q "answering SIP on sip:127.0.0.1:$SIP_PORT" "$work/acdd.out" || fail "acdd did not say it answers SIP"

# 1. SIPp's own uac scenario, no XML of ours: INVITE, 200, ACK, BYE.
sipp_run uac 3001 -sn "uac" || fail "sipp -sn uac failed: $(tail -5 "$work/uac/screen.txt")"
settle 1
[ "$(q "SELECT outcome FROM calls WHERE channel = 'sip' ORDER BY rowid DESC LIMIT 1")" = "hung-up" ] \
    || fail "the uac call (BYE in the greeting) is not recorded as hung-up"
pass "sipp -sn uac: call set up and torn down; recorded as hung-up in the IVR, channel sip"
curl -s "$BASE/metrics" > "$work/metrics.txt"
grep -q '^acd_sip_calls_answered_total 1' "$work/metrics.txt" || fail "/metrics does not count the SIP call answered"
promtool check metrics < "$work/metrics.txt" > "$work/promtool.txt" 2>&1 || fail "promtool: $(cat "$work/promtool.txt")"
pass "/metrics with the SIP front's figures: clean under promtool check metrics"

# 2. Keys as RFC 4733 events: 1 at the menu takes the caller to sales; a modelled agent answers; acdd sends BYE.
sipp_run keys 3001 -sf "$SCEN/keys-rfc4733.xml" || fail "RFC 4733 call failed: $(tail -5 "$work/keys/screen.txt")"
settle 2
got=$(q "SELECT c.queue || '|' || c.outcome || '|' || p.path FROM calls c JOIN ivr_paths p ON p.id = c.ivr_path
    WHERE c.channel = 'sip' ORDER BY c.rowid DESC LIMIT 1")
[ "$got" = "sales|answered|main/welcome > main/menu > main/sales" ] || fail "key 1 call recorded as '$got'"
pass "key 1 by RFC 4733: routed to sales, answered, hung up by acdd ($got)"

# 2a. Keys as in-band tones (no telephone-event offered): 1 in the PCMU audio takes the caller to sales within a few
# seconds (no key at all would reach help after both menu attempts, some 20 s in).
python3 scripts/sip/make_inband_pcap.py "$work/inband-1.pcap" 1
sed "s|\[inband_pcap\]|$work/inband-1.pcap|" "$SCEN/keys-inband.xml" > "$work/keys-inband.xml"
sipp_run inband 3001 -sf "$work/keys-inband.xml" || fail "in-band call failed: $(tail -5 "$work/inband/screen.txt")"
settle 3
got=$(q "SELECT c.queue || '|' || c.outcome || '|' || p.path || '|' || (c.queue_entry - c.arrival < 8)
    FROM calls c JOIN ivr_paths p ON p.id = c.ivr_path WHERE c.channel = 'sip' ORDER BY c.rowid DESC LIMIT 1")
[ "$got" = "sales|answered|main/welcome > main/menu > main/sales|1" ] || fail "in-band 1 call recorded as '$got'"
pass "key 1 as in-band tones (spandsp's detector): routed to sales within 8 s, answered"

# 2b. What the caller hears: the RTP received in the first 4 s is the greeting file (correlation at least 0.95), then
# the menu prompt, starting where the greeting's file ends (within 40 ms).
heard=$(python3 scripts/sip/rtp_capture.py "$SIP_PORT" 3001 "$CENTRE/flows/prompts/welcome.wav" 4 \
    "$CENTRE/flows/prompts/menu.wav") \
    || fail "the audio heard is not the greeting: $heard"
settle 4
pass "${heard#rtp_capture: }"

# 3. Abandon: the night line's queue has nobody; the caller hangs up after 5 s of hold music.
sipp_run abandon 3002 -sf "$SCEN/abandon.xml" || fail "abandon call failed: $(tail -5 "$work/abandon/screen.txt")"
settle 5
got=$(q "SELECT queue || '|' || outcome FROM calls WHERE channel = 'sip' ORDER BY rowid DESC LIMIT 1")
[ "$got" = "nobody|abandoned" ] || fail "abandon recorded as '$got'"
pass "BYE while queued: recorded as abandoned in queue nobody"

# 4. CANCEL while it rings (--sip-ring 0.5): 200 to the CANCEL, 487 to the INVITE, and no call in the engine.
sipp_run cancel 3001 -sf "$SCEN/cancel.xml" || fail "CANCEL call failed: $(tail -5 "$work/cancel/screen.txt")"
sleep 1
[ "$(rows)" = 5 ] || fail "a call cancelled while ringing left a record"
pass "CANCEL while ringing: 200 and 487, nothing placed"

# 5. Refusals: an unknown number gets 404; an offer of G.729 only gets 488.
sipp_run unknown 9999 -sf "$(refusal 404 0 '      a=rtpmap:0 PCMU/8000')" || fail "unknown number did not get 404"
sipp_run codec 3001 -sf "$(refusal 488 18 '      a=rtpmap:18 G729/8000')" || fail "a G.729-only offer did not get 488"
pass "unknown number: 404; no common codec: 488"

# 5a. RTP from an address that is not the call's is ignored: a stranger's key 1 (RFC 4733, from another port) during
# the menu, then the caller's own key 2: the call goes to help.
before=$(rows)
python3 scripts/sip/rtp_stranger.py "$SIP_PORT" 3001 1 2 > "$work/stranger.txt" || fail "the stranger's call failed: $(cat "$work/stranger.txt")"
settle $((before + 1))
got=$(q "SELECT c.queue || '|' || p.path FROM calls c JOIN ivr_paths p ON p.id = c.ivr_path
    WHERE c.channel = 'sip' ORDER BY c.rowid DESC LIMIT 1")
[ "$got" = "help|main/welcome > main/menu > main/help" ] || fail "a stranger's RTP key was taken: recorded '$got'"
ignored=$(curl -s "$BASE/metrics" | awk '$1 == "acd_sip_rtp_ignored_packets_total" { print $2 }')
[ "${ignored%.*}" -ge 6 ] 2>/dev/null || fail "acd_sip_rtp_ignored_packets_total is '$ignored' after a stranger's 6 packets"
pass "RTP from a stranger's port ignored ($ignored packets counted); the caller's own key 2 took the call to help"

# 5b. Hostile and malformed SIP (scripts/sip/hostile.py, over UDP and TCP): each gets its 4xx or nothing; 10,000
# INVITEs with one Call-ID make one call; afterwards acdd still answers, no call is left in flight, and the one call
# the corpus made is the only new record.
before=$(rows)
python3 scripts/sip/hostile.py "$SIP_PORT" 3001 > "$work/hostile.txt" 2>&1 \
    || fail "hostile SIP: $(grep FAIL "$work/hostile.txt" | head -3)"
settle $((before + 1))
sleep 0.5
[ "$(rows)" = $((before + 1)) ] || fail "the hostile corpus left $(($(rows) - before)) records, not 1"
live=$(curl -s "$BASE/v1/calls" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["calls"]))')
[ "$live" = 0 ] || fail "the hostile corpus left $live calls in flight"
kill -0 "$PID" || fail "acdd died under the hostile corpus"
pass "hostile SIP: $(grep -c 'hostile: ok' "$work/hostile.txt") cases answered as they should be (see scripts/sip/hostile.py), one call made by 10,000 same-Call-ID INVITEs, acdd still serving"

# 5c. Speech: callers on the speech line (3003) say a phrase (espeak-ng, sent as PCMU RTP by scripts/sip/say.py) after
# its prompt; acdd's endpointer and recogniser (PocketSphinx with the step's grammar) route them. The phrase set is
# the check's own: the flow's phrases in voices `flows listen` does not use by default, and phrases the flow does not
# list. Every call must be routed by what was heard (each a `calls` row through speech/ask), and the share routed
# to the right queue is reported; at least half must be, or the speech path is broken.
before=$(rows)
said=0
right=0
while IFS='|' read -r phrase voice want; do
    python3 scripts/sip/say.py "$SIP_PORT" 3003 "$phrase" "$voice" 2.0 5 > /dev/null \
        || fail "the speech caller saying '$phrase' failed"
    said=$((said + 1))
    settle $((before + said))
    got=$(q "SELECT c.queue || '|' || p.path FROM calls c JOIN ivr_paths p ON p.id = c.ivr_path
        WHERE c.channel = 'sip' ORDER BY c.rowid DESC LIMIT 1")
    case "$got" in
        "sales|speech/ask > speech/sales" | "help|speech/ask > speech/help") ;;
        *) fail "the speech caller saying '$phrase' was recorded as '$got'" ;;
    esac
    [ "${got%%|*}" = "$want" ] && right=$((right + 1))
done << 'PHRASES'
sales|en-us|sales
a new order|en-gb+f3|sales
buy something|en-us+m3|sales
support|en-us|help
it does not work|en-gb+f3|help
broken|en-us+m3|help
PHRASES
[ $((right * 2)) -ge "$said" ] || fail "speech: only $right of $said callers were routed to the queue they asked for"
pass "speech over SIP: $said callers spoke (espeak-ng over RTP), each routed by what the recogniser heard; $right of $said to the queue they asked for"

# 5d. A load run: SIPp's load scenario (tests/sip/scenarios/load.xml: the greeting and the menu, key 1 as RFC 4733,
# BYE 4 s in) at a steady 10 calls a second for 10 s, so some 40 calls at once. Every call SIPp counts as successful is
# a `calls` row, and none failed. SIPp's own statistics file (calls, failures, response times) is kept in $OUT.
before=$(rows)
mkdir -p "$work/load" "$OUT"
(cd "$work/load" && timeout 120 sipp "127.0.0.1:$SIP_PORT" -s 3001 -sf "$SCEN/load.xml" -r 10 -m 100 -l 80 \
    -i 127.0.0.1 -p 25400 -mp 31000 -nostdin -trace_err -trace_stat -fd 1 -stf stats.csv > screen.txt 2>&1) \
    || fail "the load run failed: $(grep -h -m3 . "$work/load/screen.txt" "$work"/load/*errors.log 2>/dev/null | tail -3)"
cp "$work/load/stats.csv" "$OUT/load-stats.csv"
stat() {  # the last value of SIPp's statistics column $1
    awk -F';' -v col="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i } END { print $c }' \
        "$OUT/load-stats.csv"
}
made=$(stat 'SuccessfulCall(C)')
failed=$(stat 'FailedCall(C)')
[ "$made" = 100 ] && [ "$failed" = 0 ] || fail "SIPp's load run counted $made successful and $failed failed calls"
settle $((before + made))
[ "$(rows)" = $((before + made)) ] || fail "the load run's $made calls left $(($(rows) - before)) rows"
pass "load run: SIPp made $made calls at 10 a second, $failed failed, each a calls row; statistics in $OUT/load-stats.csv (mean INVITE to 200, with the 0.5 s ring: $(stat 'ResponseTime1(C)'))"

# 5e. Behind a real proxy: Kamailio 5.6 (Debian's, tests/sip/kamailio/kamailio.cfg, a stateful proxy with
# Record-Route) in front of acdd. SIPp dials the proxy; the number stays in the Request-URI and picks the entry.
if command -v kamailio > /dev/null; then
    KAM_PORT=$((SIP_PORT + 20))
    mkdir -p "$work/kamailio"
    sed -e "s|KAM_LISTEN|127.0.0.1:$KAM_PORT|" -e "s|ACDD_URI|sip:127.0.0.1:$SIP_PORT|g" tests/sip/kamailio/kamailio.cfg \
        > "$work/kamailio/kamailio.cfg"
    kamailio -c -f "$work/kamailio/kamailio.cfg" > "$work/kamailio/check.txt" 2>&1 \
        || fail "kamailio -c refused the config: $(tail -3 "$work/kamailio/check.txt")"
    kamailio -f "$work/kamailio/kamailio.cfg" -D -E -m 32 -M 8 -Y "$work/kamailio" -P "$work/kamailio/pid" \
        > "$work/kamailio/log.txt" 2>&1 &
    pids+=($!)
    kam=$!
    for _ in $(seq 50); do grep -q "udp: 127.0.0.1" "$work/kamailio/log.txt" 2>/dev/null && break; sleep 0.1; done
    sleep 0.5
    before=$(rows)
    TARGET="127.0.0.1:$KAM_PORT" sipp_run kam-keys 3001 -sf "$SCEN/keys-rfc4733.xml" \
        || fail "the RFC 4733 call through kamailio failed: $(tail -5 "$work/kam-keys/screen.txt")"
    TARGET="127.0.0.1:$KAM_PORT" sipp_run kam-night 3002 -sn uac \
        || fail "the uac call to 3002 through kamailio failed: $(tail -5 "$work/kam-night/screen.txt")"
    settle $((before + 2))
    got=$(q "SELECT c.entry || '|' || coalesce(c.queue, '') || '|' || c.outcome FROM calls c WHERE c.channel = 'sip'
        ORDER BY c.rowid DESC LIMIT 2" | tr '\n' ' ')
    [ "$got" = "night line||hung-up front desk|sales|answered " ] || fail "calls through kamailio recorded as '$got'"
    relayed=$(grep -c "proxy: INVITE to 300[12] " "$work/kamailio/log.txt" || true)
    [ "$relayed" = 2 ] || fail "kamailio logged $relayed INVITEs relayed, not 2: $(tail -5 "$work/kamailio/log.txt")"
    routed=$(grep -c "proxy: BYE in dialog by its Route" "$work/kamailio/log.txt" || true)
    [ "$routed" -ge 1 ] || fail "acdd's BYE did not come back by the proxy's Record-Route: $(grep proxy: "$work/kamailio/log.txt")"
    kill -TERM "$kam" 2>/dev/null || true
    pass "through kamailio $(kamailio -v | sed -n 's/^version: kamailio \([0-9.]*\).*/\1/p'): 3001 key 1 to sales (answered, acdd's BYE back through the proxy's Record-Route), 3002 to the night line ($got)"
else
    fail "kamailio is missing (scripts/install-deps.sh installs it)"
fi

# 6. Stopping: SIGTERM, and an INVITE sent at once gets 503; acdd exits 0 with every SIP call recorded.
kill -TERM "$PID"
sipp_run stopping 3001 -sf "$(refusal 503 0 '      a=rtpmap:0 PCMU/8000')" || fail "an INVITE while stopping did not get 503"
status=0
wait "$PID" || status=$?
[ "$status" = 0 ] || fail "acdd exited $status after SIGTERM"
pass "INVITE while stopping: 503; acdd exited 0"

# 7. --max-calls: a second daemon that takes one call at a time. One caller waits in the night line's queue (its own
# SIPp, with media ports well apart from the next one's); a second INVITE meanwhile gets 503, and the first call
# ends as an abandon, recorded.
start_acdd "$work/acdd-max" "$CENTRE" --start 'mon 10:00' --db "$work/max.sqlite" --sip "127.0.0.1:$SIP_PORT" \
    --speed 1 --max-calls 1
PID=$ACDD_PID
pids+=("$PID")
mkdir -p "$work/holder"
(cd "$work/holder" && timeout 60 sipp "127.0.0.1:$SIP_PORT" -s 3002 -sf "$SCEN/abandon.xml" -m 1 -i 127.0.0.1 \
    -p 25500 -mp 33000 -nostdin -trace_err > screen.txt 2>&1) &
holder=$!
for _ in $(seq 50); do
    curl -s "$BASE/metrics" | grep -q '^acd_queue_calls_waiting{queue="nobody"} 1' && break
    sleep 0.1
done
sipp_run over 3001 -sf "$(refusal 503 0 '      a=rtpmap:0 PCMU/8000')" || fail "an INVITE over --max-calls 1 did not get 503"
wait "$holder" || fail "the call held while the second was refused failed: $(tail -5 "$work/holder/screen.txt")"
for _ in $(seq 50); do  # the held call's BYE reaches the engine (its hang-up is queued to it)
    [ "$(curl -s "$BASE/v1/calls" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["calls"]))')" = 0 ] && break
    sleep 0.1
done
kill -TERM "$PID"
wait "$PID" || fail "acdd --max-calls 1 did not exit cleanly"
got=$(sqlite3 "$work/max.sqlite" "SELECT count(*) || '|' || group_concat(outcome) FROM calls WHERE channel = 'sip'")
[ "$got" = "1|abandoned" ] || fail "with --max-calls 1, the calls table holds '$got'"
pass "--max-calls 1: a second INVITE while one call waits gets 503; the waiting call is recorded as abandoned"

# 8. baresip (Debian's baresip 1.0), a second SIP client nobody here wrote, against the Leeds model: it dials the
# Council Tax line (2001) and, once the keypad menu is playing, presses 3 (baresip sends RFC 4733; the key comes in
# over its UDP console, the `cons` module). The flow routes 3 to the council tax queue. (The Housing line's menu is
# speech, which hears nothing until issue 23, so the keypad line is the one a key can route.)
command -v baresip > /dev/null || fail "baresip is missing: apt-get install baresip (scripts/install-deps.sh does)"
start_acdd "$work/acdd-leeds" flows/leeds --start 'mon 10:00' --db "$work/leeds.sqlite" --sip "127.0.0.1:$SIP_PORT" \
    --speed 1
PID=$ACDD_PID
pids+=("$PID")
mkdir -p "$work/baresip"
cp tests/sip/baresip/accounts "$work/baresip/"
python3 -c "import sys, wave; f = wave.open(sys.argv[1], 'wb'); f.setnchannels(1); f.setsampwidth(2)
f.setframerate(8000); f.writeframes(bytes(2 * 8000 * 40)); f.close()" "$work/baresip/quiet.wav"
# baresip sends RFC 4733 events only while it sends audio: a file of silence is its microphone.
sed -e "s|^audio_source.*|audio_source\t\taufile,$work/baresip/quiet.wav|" -e "s|^sip_listen.*|sip_listen\t\t127.0.0.1:25190|" \
    tests/sip/baresip/config > "$work/baresip/config"
printf 'module\t\t\taufile.so\nmodule\t\t\tcons.so\ncons_listen\t\t127.0.0.1:25198\n' >> "$work/baresip/config"
(cd "$work/baresip" && timeout 60 baresip -n 127.0.0.1 -f "$work/baresip" -e "/dial sip:2001@127.0.0.1:$SIP_PORT" \
    -t 25 > out.txt 2>&1) &
bare=$!
at_menu=""
for _ in $(seq 150); do
    curl -s "$BASE/v1/calls" | grep -q '"node":"council-tax\\/menu"' && { at_menu=1; break; }
    sleep 0.1
done
[ -n "$at_menu" ] || fail "baresip's call never reached the Council Tax menu: $(grep -a -m3 'call:\|error' "$work/baresip/out.txt")"
python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'3', ('127.0.0.1', 25198))"
queued=""
for _ in $(seq 100); do
    curl -s "$BASE/v1/calls" | grep -q '"queue":"C\\/Tax, Benefits & Welfare"' && { queued=1; break; }
    sleep 0.1
done
[ -n "$queued" ] || fail "baresip's key 3 did not take the call to the council tax queue: $(curl -s "$BASE/v1/calls")"
kill -TERM "$bare" 2>/dev/null || true
wait "$bare" 2>/dev/null || true
kill -TERM "$PID"
wait "$PID" || fail "acdd (Leeds) did not exit cleanly"
got=$(sqlite3 "$work/leeds.sqlite" "SELECT c.queue || '|' || p.path FROM calls c JOIN ivr_paths p ON p.id = c.ivr_path
    WHERE c.channel = 'sip'")
[ "$got" = "C/Tax, Benefits & Welfare|council-tax/welcome > council-tax/open > council-tax/menu > council-tax/council-tax" ] \
    || fail "baresip's call recorded as '$got'"
grep -aq "send DTMF digit: '3'" "$work/baresip/out.txt" || fail "baresip did not say it sent the key"
pass "baresip dialled the Leeds Council Tax line, pressed 3 in the menu and was queued for council tax ($got)"

# 9. callgen over SIP (callgen --sip): the callgen centre's keypad and speech lines (tests/sip/centre/callgen.yaml)
# for 6 engine minutes at speed 10. callgen dials each call, walks the flow from the caller's side (keys as RFC 4733,
# phrases spoken by espeak-ng, patience in the queue) and hears the agent's answer by the RTP marker acdd sets.
# scripts/sip/callgen_compare.py pairs its per-call log with acdd's rows: on the keypad line every path and outcome
# must agree, and every wait within three 20 ms beats at speed 10.
start_acdd "$work/acdd-callgen" tests/sip/centre/callgen.yaml --start 'mon 10:00' --speed 10 \
    --db "$work/callgen.sqlite" --sip "127.0.0.1:$SIP_PORT"
PID=$ACDD_PID
pids+=("$PID")
# 9a. First, callgen through Kamailio in front of this acdd: a minute of calls, each reaching acdd.
KAM_PORT=$((SIP_PORT + 20))
sed -e "s|KAM_LISTEN|127.0.0.1:$KAM_PORT|" -e "s|ACDD_URI|sip:127.0.0.1:$SIP_PORT|g" tests/sip/kamailio/kamailio.cfg \
    > "$work/kamailio/kamailio.cfg"
kamailio -f "$work/kamailio/kamailio.cfg" -D -E -m 32 -M 8 -Y "$work/kamailio" -P "$work/kamailio/pid2" \
    > "$work/kamailio/log2.txt" 2>&1 &
pids+=($!)
kam=$!
for _ in $(seq 50); do grep -q "udp: 127.0.0.1" "$work/kamailio/log2.txt" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
before=$(sqlite3 "$work/callgen.sqlite" "SELECT count(*) FROM calls WHERE channel = 'sip'")
timeout 120 .build/release/callgen tests/sip/centre/callgen.yaml --sip "sip:127.0.0.1:$KAM_PORT" \
    --sip-local "127.0.0.1:$((SIP_PORT + 31))" --speed 10 --hours 0.02 --seed 11 \
    --sip-log "$work/callgen-kam.csv" > "$work/callgen-kam.txt" 2> "$work/callgen-kam.err" \
    || fail "callgen --sip through kamailio failed: $(tail -3 "$work/callgen-kam.err")"
kill -TERM "$kam" 2>/dev/null || true
placed=$(awk 'END { print NR - 1 }' "$work/callgen-kam.csv")
for _ in $(seq 50); do  # rows are committed in batches
    after=$(sqlite3 "$work/callgen.sqlite" "SELECT count(*) FROM calls WHERE channel = 'sip'")
    [ $((after - before)) -ge "$placed" ] && break
    sleep 0.1
done
# 9b. Then the run compared with acdd's records.
timeout 300 .build/release/callgen tests/sip/centre/callgen.yaml --sip "sip:127.0.0.1:$SIP_PORT" \
    --sip-local "127.0.0.1:$((SIP_PORT + 30))" --target "$BASE" --speed 10 --hours 0.1 --predict 0 \
    --sip-log "$work/callgen-calls.csv" > "$work/callgen.txt" 2> "$work/callgen.err" \
    || fail "callgen --sip failed: $(tail -3 "$work/callgen.err")"
cp "$work/callgen.txt" "$OUT/callgen-sip.txt"
cp "$work/callgen-calls.csv" "$OUT/callgen-sip-calls.csv"
kill -TERM "$PID"
wait "$PID" || fail "acdd (callgen centre) did not exit cleanly"
verdict=$(python3 scripts/sip/callgen_compare.py "$work/callgen-calls.csv" "$work/callgen.sqlite" 10 "speech line" \
    | tee "$OUT/callgen-sip-compare.txt") || fail "callgen and acdd disagree: $verdict"
through=$(awk -F, 'NR > 1 && $10 != "" { n++ } END { print n + 0 }' "$work/callgen-kam.csv")
[ "$placed" -ge 1 ] && [ "$through" = "$placed" ] && [ $((after - before)) = "$placed" ] \
    || fail "through kamailio: callgen placed $placed calls, $through connected, acdd recorded $((after - before))"
pass "callgen --sip: $(head -1 "$OUT/callgen-sip-compare.txt"); through kamailio: $placed calls placed, each connected and recorded by acdd"
