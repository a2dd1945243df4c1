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
