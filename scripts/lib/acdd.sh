# Shared by the scripts that start the daemon (source it). start_acdd LOG ARGS... runs
# `acdd serve ARGS --listen 127.0.0.1:0` in the background, stdout to LOG.out and stderr to LOG.err, waits until it
# listens, and sets ACDD_PID and BASE (http://127.0.0.1:PORT). ACDD names the binary (default .build/release/acdd).
# Exits with acdd's own message if it does not start within 10 s.
start_acdd() {
    local log=$1
    shift
    "${ACDD:-.build/release/acdd}" serve "$@" --listen 127.0.0.1:0 > "$log.out" 2> "$log.err" &
    ACDD_PID=$!
    for _ in $(seq 100); do
        grep -q "listening on" "$log.out" 2>/dev/null && break
        if ! kill -0 "$ACDD_PID" 2>/dev/null; then
            echo "acdd did not start: $(cat "$log.err")" >&2
            exit 1
        fi
        sleep 0.1
    done
    BASE=$(sed -n 's/^listening on //p' "$log.out" | head -1)
    if [ -z "$BASE" ]; then
        echo "acdd printed no address: $(cat "$log.err")" >&2
        exit 1
    fi
}

# check_prologue NAME: the common start of a check script. Makes $work (a scratch folder, kept when KEEP is set),
# the array pids (processes killed at exit), fail MESSAGE (says "NAME: FAIL: MESSAGE", with the end of
# $work/acdd.err if there is one, and exits 1) and pass MESSAGE; at exit kills the pids and any baresip started
# with a config under $work (a subshell's kill does not reach it).
check_prologue() {
    CHECK_NAME=$1
    work=$(mktemp -d)
    pids=()
    trap check_cleanup EXIT
    fail() {
        echo "$CHECK_NAME: FAIL: $*" >&2
        [ -f "$work/acdd.err" ] && tail -5 "$work/acdd.err" >&2
        exit 1
    }
    pass() { echo "$CHECK_NAME: ok: $*"; }
}
check_cleanup() {
    for p in "${pids[@]:-}"; do kill -9 "$p" 2>/dev/null || true; done
    pkill -9 -f "baresip -n 127.0.0.1 -f $work/" 2>/dev/null || true
    [ -n "${KEEP:-}" ] || rm -rf "$work"
}
