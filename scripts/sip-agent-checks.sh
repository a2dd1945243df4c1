#!/usr/bin/env bash
# Agents on SIP phones (docs/sip.md, "Agents on SIP phones"), checked against acdd serving tests/sip/agents-centre
# with tests/sip/agents.yaml (ann and bob, ring time 4 s, wrap-up 2 s):
#   1. SIPp registers ann with its own digest answer: a wrong password gets 403, the right one 200 (ann logged in,
#      not ready), Expires 0 logs ann out;
#   2. a phone that answers (scripts/sip/agent_phone.py, echoing RTP) and a caller (scripts/sip/bridge_probe.py):
#      the caller's packets come back through acdd's bridge; the record is answered by ann;
#   3. the same with the agent's phone on PCMA and the caller on PCMU: transcoded both ways;
#   4. bob's phone rings and is not answered: after the ring time bob is not ready (no-answer), the call goes to ann,
#      the record says bob was tried;
#   5. bob's phone is busy (486): not ready (busy);
#   6. the agent hangs up: the caller gets acdd's BYE, the agent's wrap-up (2 s) ends by itself and ann is ready;
#   7. the caller hangs up while the agent's phone rings: the phone gets CANCEL, the call is abandoned;
#   8. baresip (Debian's, a phone nobody here wrote) registers as ann with digest, auto-answers, and media is relayed;
#  8b. the agent page (/agent) in headless Chromium beside ann's phone: the offered call shown while it rings;
#  10. a phone that vanishes while idle (registered for 2 s, then gone without unregistering): logged out when the
#      registration lapses; a registration shorter than min-expires gets 423;
#  11. a caller who vanishes while talking (RTP stops, no BYE): after the RTP timeout (4 s here) both sides get
#      acdd's BYE, the call is answered and the agent goes to wrap-up as usual;
#  12. an agent's phone that vanishes while talking: the caller gets acdd's BYE after the RTP timeout, and the agent
#      is not ready (phone-lost) rather than offered the next call;
#  13. a REGISTER flood with wrong passwords from one address: 10 get 403 and the rest no answer (the lockout);
#      a right REGISTER from that address is not answered either until the window ends, then it is; calls are
#      answered by a registered phone meanwhile;
#   9. /metrics counts REGISTERs, refusals, lockouts, offers and relayed packets, clean under promtool.
# Needs a built acdd (ACDD), sipp, baresip, python3, curl, sqlite3 and promtool.
set -euo pipefail
cd "$(dirname "$0")/.."
ACDD=${ACDD:-.build/release/acdd}
SIP_PORT=${SIP_PORT:-27060}
. scripts/lib/acdd.sh
check_prologue sip-agent-checks
for tool in sipp baresip promtool; do command -v $tool > /dev/null || fail "$tool is missing (scripts/install-deps.sh)"; done

q() { sqlite3 "$work/agents.sqlite" "$1"; }
rows() { q "SELECT count(*) FROM calls"; }
settle() {
    for _ in $(seq 80); do [ "$(rows)" -ge "$1" ] && return 0; sleep 0.1; done
    fail "expected $1 calls rows, found $(rows)"
}
agent() {  # agent NAME FIELD: a field of the agent in GET /v1/agents
    curl -s "$BASE/v1/agents" | python3 -c "import json,sys; a=[x for x in json.load(sys.stdin)['agents'] if x['id']=='$1']
print(a[0].get('$2', '') if a else 'absent')"
}
wait_state() {  # wait_state NAME STATE
    for _ in $(seq 60); do [ "$(agent "$1" state)" = "$2" ] && return 0; sleep 0.1; done
    fail "agent $1 is $(agent "$1" state), not $2"
}
ready() { curl -sf -X POST "$BASE/v1/agents/$1/ready" > /dev/null || fail "could not make $1 ready"; }
phone() {  # phone NAME PASSWORD ARGS...: the test phone in the background, its summary in $work/phone-NAME.json
    local name=$1 password=$2
    shift 2
    python3 scripts/sip/agent_phone.py --port "$SIP_PORT" --name "$name" --password "$password" \
        --summary "$work/phone-$name.json" --verbose "$@" 2>> "$work/phones.log" &
    pids+=($!)
    phones+=($!)
    wait_state "$name" not-ready
}
phones=()
phones_done() {  # ends the test phones (SIGTERM: they unregister) and waits for their agents to be logged out
    for p in "${phones[@]:-}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    phones=()
}
field() { python3 -c "import json; print(json.load(open('$1'))['$2'])"; }
probe() { (cd scripts/sip && timeout 40 python3 bridge_probe.py --port "$SIP_PORT" --number 4001 "$@"); }
last() { q "SELECT outcome || '|' || coalesce(agent, '') || '|' || coalesce(agents_tried, '') FROM calls ORDER BY rowid DESC LIMIT 1"; }

start_acdd "$work/acdd" tests/sip/agents-centre --start 'mon 10:00' --db "$work/agents.sqlite" \
    --sip "127.0.0.1:$SIP_PORT" --sip-agents tests/sip/agents.yaml --sip-rtp-timeout 4 --speed 1 --log-level "${LOG_LEVEL:-info}"
pids+=("$ACDD_PID")

# 1. SIPp's digest: wrong password 403, right one 200, then Expires 0.
register() {  # register EXPECT PASSWORD EXPIRES
    sed "s/\[expect\]/$1/" tests/sip/scenarios/register.xml > "$work/register-$1.xml"
    (cd "$work" && timeout 20 sipp "127.0.0.1:$SIP_PORT" -sf "register-$1.xml" -s ann -au ann -ap "$2" \
        -key contact_port 27999 -key expires "$3" -m 1 -i 127.0.0.1 -p 27200 -nostdin -trace_err > "sipp-reg.txt" 2>&1)
}
register 403 not-the-password 300 || fail "SIPp with a wrong password did not get 403: $(tail -3 "$work/sipp-reg.txt")"
[ "$(agent ann state)" = "absent" ] || fail "a refused REGISTER logged ann in"
register 200 ann-secret 300 || fail "SIPp's digest REGISTER was not taken: $(tail -3 "$work/sipp-reg.txt")"
wait_state ann not-ready
register 200 ann-secret 0 || fail "SIPp's REGISTER with Expires 0 failed"
wait_state ann logged-out
grep -q "ann-secret" "$work/acdd.err" "$work/acdd.out" && fail "the password is in acdd's log"
pass "SIPp's digest REGISTER: wrong password 403, right one 200 (ann logged in, not ready), Expires 0 logs out"

# 2. An answering phone that echoes: the caller's packets come back through the bridge.
phone ann ann-secret --seconds 60 --answer-after 0.5
ready ann
probe --seconds 3 > "$work/probe-2.json" || fail "the caller's probe failed"
echoed=$(field "$work/probe-2.json" echoed)
[ "$echoed" -ge 100 ] || fail "only $echoed of the caller's packets came back through the bridge: $(cat "$work/probe-2.json")"
settle 1
[ "$(last)" = "answered|ann|" ] || fail "the bridged call is recorded as '$(last)'"
wait=$(q "SELECT round(end_of_wait - queue_entry, 1) FROM calls ORDER BY rowid DESC LIMIT 1")
pass "answered on ann's phone after ${wait} s; $echoed packets echoed back through the bridge, round trip p50 $(field "$work/probe-2.json" rtt_ms_p50) ms, p99 $(field "$work/probe-2.json" rtt_ms_p99) ms"
wait_state ann ready  # the 2 s wrap-up ends by itself

# 3. The agent's phone takes PCMA only; the caller speaks PCMU: transcoded both ways, the marks survive.
phones_done
phone ann ann-secret --seconds 60 --codec PCMA
ready ann
probe --seconds 2 > "$work/probe-3.json" || fail "the caller's probe (PCMA agent) failed"
echoed=$(field "$work/probe-3.json" echoed)
[ "$echoed" -ge 60 ] || fail "PCMU to PCMA and back: only $echoed packets came back"
pass "caller PCMU, agent PCMA: $echoed packets transcoded there and back"
wait_state ann ready

# 4. bob does not answer: not ready (no-answer) after the 4 s ring; ann takes the call; bob is in agents_tried.
phones_done
phone ann ann-secret --seconds 60
phone bob bob-secret --mode ignore --seconds 60
ready bob
probe --seconds 2 --wait 25 > "$work/probe-4.json" &
probe_pid=$!
wait_state bob ringing
t0=$(date +%s.%N)
wait_state bob not-ready
rang=$(python3 -c "print(round($(date +%s.%N) - $t0, 1))")
[ "$(agent bob reason)" = "no-answer" ] || fail "bob's reason is '$(agent bob reason)', not no-answer"
ready ann
wait "$probe_pid" || fail "the caller's probe failed"
settle 3
[ "$(last)" = "answered|ann|bob" ] || fail "the call bob did not answer is recorded as '$(last)'"
pass "bob's phone rang ${rang} s more unanswered: bob not ready (no-answer), the call went to ann (agents_tried: bob)"

# 5. bob's phone is busy: not ready (busy).
phones_done
phone bob bob-secret --mode busy --seconds 60
ready bob
probe --seconds 1 --wait 6 > /dev/null || true
[ "$(agent bob reason)" = "busy" ] || fail "a busy phone left bob '$(agent bob state)' with reason '$(agent bob reason)'"
pass "bob's phone answered 486 Busy Here: bob not ready (busy)"
settle 4

# 6. The agent hangs up: acdd sends the caller BYE; wrap-up ends by itself.
phones_done
phone ann ann-secret --seconds 60 --hang-up-after 1.5
ready ann
probe --no-bye --seconds 8 > "$work/probe-6.json" || fail "the caller's probe (agent hangs up) failed"
[ "$(field "$work/probe-6.json" acdd_bye)" = "True" ] || fail "the caller got no BYE when the agent hung up"
settle 5
[ "$(last)" = "answered|ann|" ] || fail "the call the agent ended is recorded as '$(last)'"
talk=$(q "SELECT round(talk_end - end_of_wait, 1) || ' ' || round(wrap_up_end - talk_end, 1) FROM calls ORDER BY rowid DESC LIMIT 1")
[ "${talk#* }" = "2.0" ] || fail "the wrap-up after the agent's hang-up lasted ${talk#* } s, not the group's 2 s"
pass "the agent hung up after ${talk% *} s: the caller got acdd's BYE, wrap-up ${talk#* } s, then ready"
wait_state ann ready

# 7. The caller hangs up while the phone rings: CANCEL to the phone, the call abandoned.
phones_done
phone ann ann-secret --mode ignore --seconds 60
ready ann
probe --seconds 1 --wait 4.5 > /dev/null || true
settle 6
[ "$(last)" = "abandoned||" ] || fail "a caller who hung up while the phone rang is recorded as '$(last)'"
phones_done
[ "$(field "$work/phone-ann.json" cancels)" = "1" ] || fail "ann's phone got no CANCEL: $(cat "$work/phone-ann.json")"
pass "the caller hung up while ann's phone rang: the phone got CANCEL, the call is abandoned"

# 8. baresip as ann's phone: digest REGISTER, auto-answer, media relayed both ways.
mkdir -p "$work/baresip"
python3 -c "import math, struct, sys, wave
f = wave.open(sys.argv[1], 'wb'); f.setnchannels(1); f.setsampwidth(2); f.setframerate(8000)
f.writeframes(b''.join(struct.pack('<h', int(8000 * math.sin(2 * math.pi * 440 * i / 8000))) for i in range(8000 * 20)))
f.close()" "$work/baresip/tone.wav"
printf '<sip:ann@127.0.0.1:%s>;auth_pass=ann-secret;answermode=auto;regint=300\n' "$SIP_PORT" > "$work/baresip/accounts"
sed -e "s|^audio_source.*|audio_source\t\taufile,$work/baresip/tone.wav|" -e "s|^sip_listen.*|sip_listen\t\t127.0.0.1:27190|" \
    tests/sip/baresip/config > "$work/baresip/config"
printf 'module\t\t\taufile.so\n' >> "$work/baresip/config"
(cd "$work/baresip" && timeout 30 baresip -n 127.0.0.1 -f "$work/baresip" -t 25 > out.txt 2>&1) &
pids+=($!)
wait_state ann not-ready
relayed() { curl -s "$BASE/metrics" | sed -n 's/^acd_sip_rtp_relayed_packets_total //p'; }
before=$(relayed)
ready ann
probe --seconds 1 --wait 8 > /dev/null || true
settle 7
[ "$(last)" = "answered|ann|" ] || fail "the call baresip answered is recorded as '$(last)'"
grep -aq "Call established" "$work/baresip/out.txt" || fail "baresip did not establish the call"
moved=$(( $(relayed) - before ))
[ "$moved" -ge 200 ] || fail "only $moved RTP packets relayed between the caller and baresip"
pass "baresip registered as ann (digest), answered by itself; $moved RTP packets relayed between caller and phone"

# 8b. The agent page beside the phone (headless Chromium, selenium): attach to ann, Ready, the offered call shown
# while the phone rings, talking, the wrap-up ended by the daemon.
pkill -TERM -f "^baresip -n 127.0.0.1 -f $work/" 2>/dev/null || true  # one TERM (not timeout's too): baresip unregisters ann
wait_state ann logged-out
phone ann ann-secret --seconds 60 --answer-after 2
PY=${PY:-.venv/bin/python}
$PY scripts/agent_page_check.py "$BASE" --phone ann --sip-port "$SIP_PORT" --number 4001 --shot "$work/agent-page.png" \
    > "$work/page.txt" 2>&1 || fail "the agent page beside ann's phone: $(cat "$work/page.txt")"
settle 8
[ "$(last)" = "answered|ann|" ] || fail "the call taken on the page's agent is recorded as '$(last)'"
pass "the agent page beside a SIP phone: $(grep -c 'agent-page: ok' "$work/page.txt") steps (attach, Ready, the offered call while ringing, talking, wrap-up ended by the daemon)"

# 10. A phone that vanishes while idle: registered for 2 s (min-expires is 2 here), then gone without unregistering.
phones_done
python3 scripts/sip/agent_phone.py --port "$SIP_PORT" --name bob --password bob-secret --expires 1 --seconds 0 \
    --stay --summary "$work/phone-brief.json" 2>> "$work/phones.log"
[ "$(field "$work/phone-brief.json" register)" = "[401, 423]" ] \
    || fail "a 1 s registration got $(field "$work/phone-brief.json" register), not 401 then 423"
python3 scripts/sip/agent_phone.py --port "$SIP_PORT" --name bob --password bob-secret --expires 2 --seconds 0 \
    --stay --summary "$work/phone-lapse.json" 2>> "$work/phones.log"
gone=$(date +%s.%N)
wait_state bob not-ready
for _ in $(seq 60); do [ "$(agent bob state)" = "logged-out" ] && break; sleep 0.1; done
[ "$(agent bob state)" = "logged-out" ] || fail "bob's lapsed registration left bob $(agent bob state)"
lapse=$(python3 -c "import time; print(round(time.time() - $gone, 1))")
pass "a 1 s registration got 423 (min-expires 2); a phone that vanished without unregistering: bob logged out ${lapse} s after its 2 s registration"

# 11. The caller vanishes while talking: no BYE, no more RTP. The agent's phone keeps sending its own RTP.
phone ann ann-secret --seconds 60 --send
ready ann
probe --no-bye --seconds 2 > "$work/probe-11.json" || fail "the vanishing caller's probe failed"
[ "$(field "$work/probe-11.json" acdd_bye)" = "True" ] || fail "the vanished caller got no BYE from acdd"
waited=$(field "$work/probe-11.json" waited_for_bye)
python3 -c "import sys; sys.exit(0 if 3.5 <= $waited <= 7 else 1)" || fail "acdd's BYE came $waited s after the caller's RTP stopped, not about the 4 s RTP timeout"
settle 9
[ "$(last)" = "answered|ann|" ] || fail "the vanished caller's call is recorded as '$(last)'"
wait_state ann ready
phones_done
[ "$(field "$work/phone-ann.json" byes_received)" = "1" ] || fail "ann's phone got no BYE when the caller vanished"
pass "a caller who vanished while talking: acdd's BYE to both sides ${waited} s after the RTP stopped (timeout 4 s), answered, ann ready after wrap-up"

# 12. The agent's phone vanishes while talking: no BYE, its RTP stops; the caller keeps talking.
phone ann ann-secret --seconds 9 --stay --send
ready ann
probe --no-bye --seconds 30 > "$work/probe-12.json" || fail "the caller's probe (agent's phone vanishes) failed"
[ "$(field "$work/probe-12.json" acdd_bye)" = "True" ] || fail "the caller got no BYE when the agent's phone vanished"
settle 10
[ "$(last)" = "answered|ann|" ] || fail "the call whose agent's phone vanished is recorded as '$(last)'"
wait_state ann not-ready
[ "$(agent ann reason)" = "phone-lost" ] || fail "ann's reason is '$(agent ann reason)', not phone-lost"
pass "an agent's phone that vanished while talking: the caller got acdd's BYE, ann is not ready (phone-lost)"
phones=()

# 13. A REGISTER flood with wrong passwords from one address (127.0.0.1, as every phone here): the lockout.
phone bob bob-secret --seconds 60
# Datagrams the kernel drops for a full receive buffer (the flood outruns acdd's reading) never reach acdd: counted
# here from /proc/net/snmp so the lockout's count can be checked exactly.
udp_drops() { awk '/^Udp:/ && $2 ~ /^[0-9]+$/ { print $6 }' /proc/net/snmp; }
drops0=$(udp_drops)
python3 scripts/sip/register_many.py --port "$SIP_PORT" --prefix flood --count 1 --flood 2000 > "$work/flood.json"
python3 scripts/sip/agent_phone.py --port "$SIP_PORT" --name ann --password ann-secret --seconds 0 \
    --summary "$work/phone-locked.json" 2>> "$work/phones.log"
python3 - "$work/flood.json" "$work/phone-locked.json" <<'PY' || fail "the flood: $(cat "$work/flood.json"); the right REGISTER in the lockout: $(cat "$work/phone-locked.json")"
import json, sys
flood, locked = (json.load(open(p)) for p in sys.argv[1:])
assert flood["codes"] == {"403": 10} and flood["unanswered"] == 1990, flood
assert locked["register"] == [0], locked
PY
drops=$(( $(udp_drops) - drops0 ))
ready bob
probe --seconds 1 --wait 8 > "$work/probe-13.json" || fail "the call during the lockout failed"
settle 11
[ "$(last)" = "answered|bob|" ] || fail "the call during the lockout is recorded as '$(last)'"
sleep 1
python3 scripts/sip/agent_phone.py --port "$SIP_PORT" --name ann --password ann-secret --seconds 0 --stay \
    --summary "$work/phone-after.json" 2>> "$work/phones.log"
[ "$(field "$work/phone-after.json" register)" = "[401, 200]" ] \
    || fail "after the lockout ann's REGISTER got $(field "$work/phone-after.json" register)"
phones_done
pass "REGISTER flood: 2,000 wrong from one address, 10 got 403, 1,990 no answer ($(field "$work/flood.json" per_second) a second); a right REGISTER in the window unanswered, after it 200; a call answered by bob meanwhile"

# 9. /metrics.
curl -s "$BASE/metrics" > "$work/metrics.txt"
promtool check metrics < "$work/metrics.txt" > "$work/promtool.txt" 2>&1 || fail "promtool: $(cat "$work/promtool.txt")"
refused=$(sed -n 's/^acd_sip_registers_refused_total //p' "$work/metrics.txt")
offers=$(sed -n 's/^acd_sip_agent_calls_total //p' "$work/metrics.txt")
locked=$(sed -n 's/^acd_sip_registers_locked_out_total //p' "$work/metrics.txt")
[ "$refused" = "11" ] || fail "acd_sip_registers_refused_total is $refused, not 11 (1 in step 1, 10 in the flood)"
[ $((locked + drops)) = 1991 ] || fail "acd_sip_registers_locked_out_total is $locked and the kernel dropped $drops UDP datagrams; together not 1991 (1,990 of the flood and ann's)"
pass "/metrics: $(sed -n 's/^acd_sip_registers_total //p' "$work/metrics.txt") REGISTERs, $refused refused, $locked locked out (and $drops flood datagrams the kernel dropped), $offers offers to phones, $(relayed) packets relayed; promtool clean"
kill -TERM "$ACDD_PID"
wait "$ACDD_PID" 2>/dev/null || true
echo "sip-agent-checks: all passed"
