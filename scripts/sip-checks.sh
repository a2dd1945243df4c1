#!/usr/bin/env bash
# acdd answering the telephone (docs/sip.md), checked with SIPp (Debian's sip-tester), a SIP client nobody here wrote:
# SIPp's built-in uac; keys as RFC 4733 telephone-events and as in-band tones; the audio a caller hears against the
# prompt file (scripts/sip/rtp_capture.py); an abandon from the queue; CANCEL while ringing; 404 for an unknown
# number, 488 for no common codec, 503 while stopping. Every answered call is a `calls` row with
# channel `sip` and the IVR path the keys chose. Needs a built acdd (ACDD), sipp, python3 and sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
ACDD=${ACDD:-.build/release/acdd}
CENTRE=tests/sip/centre
SCEN=$PWD/tests/sip/scenarios
SIP_PORT=${SIP_PORT:-25060}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill -9 "$p" 2>/dev/null || true; done; [ -n "${KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "sip-checks: FAIL: $*" >&2; exit 1; }
pass() { echo "sip-checks: ok: $*"; }
command -v sipp > /dev/null || fail "sipp is missing: apt-get install sip-tester (scripts/install-deps.sh does)"
. scripts/lib/acdd.sh

local_port=25100
# sipp_run NAME NUMBER SIPP-ARGS...: one call to NUMBER; its screen and logs are kept in $work/NAME.
sipp_run() {
    local name=$1 number=$2
    shift 2
    local_port=$((local_port + 2))
    mkdir -p "$work/$name"
    (cd "$work/$name" && timeout 60 sipp "127.0.0.1:$SIP_PORT" -s "$number" -m 1 -i 127.0.0.1 \
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

# 2b. What the caller hears: the RTP received in the first 4 s is the greeting file (correlation at least 0.95).
heard=$(python3 scripts/sip/rtp_capture.py "$SIP_PORT" 3001 "$CENTRE/flows/prompts/welcome.wav") \
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

# 6. Stopping: SIGTERM, and an INVITE sent at once gets 503; acdd exits 0 with every SIP call recorded.
kill -TERM "$PID"
sipp_run stopping 3001 -sf "$(refusal 503 0 '      a=rtpmap:0 PCMU/8000')" || fail "an INVITE while stopping did not get 503"
status=0
wait "$PID" || status=$?
[ "$status" = 0 ] || fail "acdd exited $status after SIGTERM"
pass "INVITE while stopping: 503; acdd exited 0"

