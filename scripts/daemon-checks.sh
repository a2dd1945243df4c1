#!/usr/bin/env bash
# The daemon as a process (docs/api.md): the API against docs/openapi.yaml, promtool on /metrics, SIGTERM with calls
# in flight, kill -9 under load and the restart's recovery, SIGHUP reload, and the token rule. Needs a built acdd
# (ACDD, default .build/release/acdd), python3 with the packages in scripts/requirements.txt, sqlite3 and promtool.
set -euo pipefail
cd "$(dirname "$0")/.."
ACDD=${ACDD:-.build/release/acdd}
PY=${PY:-python3}
CENTRE=Tests/ACDServerTests/Centre
. scripts/lib/acdd.sh
check_prologue daemon-checks
# Starts acdd in the background on a free port; sets PID and BASE.
start() {
    start_acdd "$@"
    PID=$ACDD_PID
    pids+=("$PID")
}

stop() {  # SIGTERM; the exit status must be 0
    kill -TERM "$1"
    local status=0
    wait "$1" || status=$?
    [ "$status" = 0 ] || fail "acdd exited $status after SIGTERM"
}

q() { sqlite3 "$1" "$2"; }

# 1. Every endpoint's real responses against the spec.
$PY -m openapi_spec_validator docs/openapi.yaml > /dev/null || fail "docs/openapi.yaml is not valid OpenAPI"
start "$work/api" "$CENTRE" --speed 10 --start 'mon 09:00' --db "$work/api.sqlite"
$PY scripts/api_check.py "$BASE" docs/openapi.yaml || fail "responses differ from docs/openapi.yaml"
pass "docs/openapi.yaml is valid and real responses match it"

# 1b. The event stream: live, in order, and resumable with Last-Event-ID.
last=$(curl -sf "$BASE/v1/events?follow=false" | sed -n 's/^id: //p' | tail -1)
curl -sN "$BASE/v1/events" -H "Last-Event-ID: $last" > "$work/sse.txt" &
sse=$!
pids+=("$sse")
sleep 0.3
id=$(curl -sf -XPOST "$BASE/v1/calls" -d '{"queue": "council-tax"}' | sed 's/.*"id":\([0-9]*\).*/\1/')
curl -sf -XPOST "$BASE/v1/calls/$id/hangup" > /dev/null
for _ in $(seq 50); do grep -q "event: call.ended" "$work/sse.txt" && break; sleep 0.1; done
kill "$sse" 2>/dev/null || true
ids=$(sed -n 's/^id: //p' "$work/sse.txt")
[ "$(echo "$ids" | head -1)" = $((last + 1)) ] || fail "the stream did not resume after event $last: $(head -c 300 "$work/sse.txt")"
[ "$(echo "$ids" | sort -n | uniq)" = "$ids" ] || fail "stream ids out of order"
types=$(grep "\"call\":$id[,}]" "$work/sse.txt" | sed 's/.*"type":"\([a-z.]*\)".*/\1/' | tr '\n' ' ')
[ "$types" = "call.arrived call.queued call.ended " ] || fail "events of call $id: $types"
pass "event stream: resumed after $last, call $id's events in order ($types)"

# 2. /metrics under load is clean for promtool.
$PY scripts/daemon_load.py "$BASE" 2 2 > /dev/null
curl -sf "$BASE/metrics" > "$work/metrics.txt"
promtool check metrics < "$work/metrics.txt" || fail "promtool check metrics"
grep -q '^acd_queue_calls_offered_total{queue="housing"} [1-9]' "$work/metrics.txt" || fail "no housing calls counted"
pass "promtool check metrics is clean ($(grep -c '^acd_' "$work/metrics.txt") series)"

# 2b. Bodies over 64 KB (5 MB declared, 100-continue, chunked) on every POST path: 413 at once, connection closed,
# and the daemon still answers.
$PY scripts/body_limit.py "$BASE" || fail "an over-limit body was not refused at once"
curl -sf "$BASE/healthz" > /dev/null || fail "the daemon stopped answering after the over-limit bodies"
pass "over-limit bodies: 413 at once and closed; the daemon carries on"
stop "$PID"

# 3. SIGTERM with calls in flight: exit 0, every call a record, none left open. (Logging as JSON lines.)
start "$work/term" "$CENTRE" --speed 1 --start 'sat 10:00' --db "$work/term.sqlite" --log-format json
for _ in 1 2 3 4 5; do curl -sf -XPOST "$BASE/v1/calls" -d '{"queue": "council-tax"}' > /dev/null; done
stop "$PID"
shutdown=$(q "$work/term.sqlite" "SELECT count(*) FROM calls WHERE outcome = 'shutdown'")
[ "$shutdown" = 5 ] || fail "SIGTERM: $shutdown shutdown records, expected 5"
[ "$(q "$work/term.sqlite" "SELECT count(*) FROM open_calls")" = 0 ] || fail "SIGTERM left open calls"
$PY -c 'import json, sys; lines = [json.loads(l) for l in sys.stdin]; assert lines and all("message" in l for l in lines)' \
    < "$work/term.err" || fail "--log-format json wrote something else: $(head -3 "$work/term.err")"
pass "SIGTERM with 5 calls in flight: exit 0, 5 'shutdown' records; JSON log lines"

# 4. kill -9 under load, then restart on the same file.
db="$work/kill.sqlite"
start "$work/kill" "$CENTRE" --speed 60 --start 'mon 09:00' --db "$db"
$PY scripts/daemon_load.py "$BASE" 4 4 > "$work/load.txt"
sleep 1.5  # at least one commit after the load
before=$(q "$db" "SELECT count(*) FROM calls")
kill -9 "$PID"
wait "$PID" 2>/dev/null || true
committed=$(q "$db" "SELECT count(*) FROM calls")
open=$(q "$db" "SELECT count(*) FROM open_calls")
[ "$committed" -ge "$before" ] || fail "kill -9: committed calls went from $before to $committed"
[ "$open" -gt 0 ] || fail "kill -9 under load left no open calls (load: $(cat "$work/load.txt"))"
start "$work/restart" "$CENTRE" --speed 60 --start 'mon 09:00' --db "$db"
grep -q "recorded as lost" "$work/restart.err" || fail "the restart did not report the lost calls"
stop "$PID"
[ "$(q "$db" "PRAGMA integrity_check")" = ok ] || fail "integrity_check after kill -9"
lost=$(q "$db" "SELECT count(*) FROM calls WHERE outcome = 'lost' AND run_id = 1")
[ "$lost" = "$open" ] || fail "kill -9: $lost lost records, $open calls were open"
[ "$(q "$db" "SELECT count(*) FROM calls WHERE run_id = 1")" = $((committed + open)) ] || fail "kill -9: counts"
[ "$(q "$db" "SELECT count(*) FROM open_calls")" = 0 ] || fail "open calls left after the restart"
pass "kill -9 under load ($(cat "$work/load.txt")): integrity ok, $committed committed kept, $open in flight recorded as lost"

# 5. SIGHUP reload: a broken flow is refused and the old one serves; a fixed one is taken.
cp -r "$CENTRE" "$work/centre"
start "$work/hup" "$work/centre" --speed 10 --start 'mon 09:00' --db "$work/hup.sqlite"
sed -i 's/    next: opening-hours/    next: opening-hourz/' "$work/centre/flows/main.yaml"
kill -HUP "$PID"
for _ in $(seq 50); do grep -q "reload refused" "$work/hup.err" && break; sleep 0.1; done
grep -q "reload refused" "$work/hup.err" || fail "SIGHUP with a broken flow was not refused"
curl -sf -XPOST "$BASE/v1/calls" -d '{"entry": "main number"}' > /dev/null || fail "the old flows stopped serving"
sed -i 's/    next: opening-hourz/    next: opening-hours/' "$work/centre/flows/main.yaml"
kill -HUP "$PID"
for _ in $(seq 50); do curl -sf "$BASE/v1/flows" | grep -q '"reloads":1' && break; sleep 0.1; done
curl -sf "$BASE/v1/flows" | grep -q '"reloads":1' || fail "SIGHUP with good flows did not reload"
stop "$PID"
pass "SIGHUP: a broken flow refused (old flows kept serving), a good one taken"

# 6. Not loopback without a token: refused at start.
if "$ACDD" serve "$CENTRE" --listen 0.0.0.0:0 --db "$work/open.sqlite" > /dev/null 2> "$work/open.err"; then
    fail "acdd served on 0.0.0.0 without a token"
fi
grep -q "token-file" "$work/open.err" || fail "the refusal does not mention --token-file"
pass "binding beyond loopback needs --token-file"

# 7. The agent page in a real browser (headless Chromium, selenium, Debian's chromedriver), behind a token.
printf 'agent-page-check-token-0123\n' > "$work/token"
start "$work/page" "$CENTRE" --speed 10 --start 'mon 09:00' --db "$work/page.sqlite" --token-file "$work/token"
$PY scripts/agent_page_check.py "$BASE" agent-page-check-token-0123 --shot "$work/agent-page.png" \
    || { cp "$work/agent-page.png" /tmp/acdd-agent-page-failed.png 2>/dev/null || true; fail "the agent page"; }
stop "$PID"
pass "the agent page: log in, ready brings the call (entry, type, path, wait), wrap-up, not ready, log out"
