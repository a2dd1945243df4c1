#!/usr/bin/env bash
# Sweep checks (docs/sweeps.md) against a real single-node Slurm (scripts/slurm-local.sh): an array run merges to the
# unsharded result bit for bit; a failing array task is named with its log; a missing shard is named and rerun alone.
# Prints "sweep-checks: N passed, M failed" and exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
acdd=$(realpath "${ACDD:-.build/release/acdd}")
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
work=$(mktemp -d)
started=0
cleanup() {
    [ $started -eq 1 ] && scripts/slurm-local.sh stop
    rm -rf "$work"
}
trap cleanup EXIT

spec=examples/sweeps/two-skills.yaml
"$acdd" sweep "$spec" --format json >"$work/one.json" || fail "unsharded sweep"

# Shards on this machine: one missing is named with its rerun command; rerun alone, the merge is the unsharded run.
for i in 0 2; do "$acdd" sweep "$spec" --shards 3 --shard $i --out "$work/local" >/dev/null; done
err=$("$acdd" sweep merge "$work/local" 2>&1 >/dev/null)
[ $? -eq 1 ] && grep -q "shard 1 of 3: no result; rerun it alone: acdd sweep $(realpath $spec) --shards 3 --shard 1 --out $work/local" <<<"$err" \
    && pass || fail "a missing shard is named: $err"
"$acdd" sweep "$spec" --shards 3 --shard 1 --out "$work/local" >/dev/null
"$acdd" sweep merge "$work/local" --format json --db "$work/local.db" >"$work/merged.json" \
    && cmp -s "$work/one.json" "$work/merged.json" && pass || fail "shards merged differ from the unsharded run"
[ "$(sqlite3 "$work/local.db" 'select count(*) from sweep_replications')" = $((9 * 20 * 3 * 3)) ] \
    && pass || fail "sweep database rows"

# A real Slurm: the array's merge is the unsharded run, bit for bit.
if [ "$(id -u)" -ne 0 ]; then
    echo "sweep-checks: not root, the Slurm checks are skipped" >&2
else
    scripts/slurm-local.sh start && started=1 || fail "a single-node Slurm did not start"
    if [ $started -eq 1 ]; then
        "$acdd" sweep "$spec" --slurm --shards 4 --out "$work/slurm" --format json >"$work/slurm.json" \
            && cmp -s "$work/one.json" "$work/slurm.json" && grep -q "SBATCH --array=0-3" "$work/slurm/sweep.sbatch" \
            && [ -s "$work/slurm/slurm-3.out" ] && pass || fail "Slurm array sweep differs from the unsharded run"
        # A what-if with a misspelt queue fails its array task only; the merge names it and shows its log.
        # Three what-ifs of three replications: 9 tasks, shards of 2, 2, 2 and 3: the typo's are shard 3's.
        cat >"$work/broken.yaml" <<YAML
scenario: $(realpath examples/two-skills.yaml)
replications: 3
whatifs:
  - { name: more staff, set: ['groups[council-tax-team].agents.shifts[0].agents=26'] }
  - { name: typo, set: ['queues[council-tx].patience.exponential=1m'] }
YAML
        err=$("$acdd" sweep "$work/broken.yaml" --slurm --shards 4 --out "$work/broken" 2>&1 >/dev/null)
        status=$?
        [ $status -eq 1 ] && grep -q "1 of 4 shards have no result" <<<"$err" \
            && grep -q "shard 3 of 4: no result; rerun it alone: sbatch --array=3 $work/broken/sweep.sbatch" <<<"$err" \
            && grep -q "what-if 2 (typo): --set queues\[council-tx\].patience.exponential=1m" <<<"$err" \
            && pass || fail "a failed array task is named (exit $status): $err"
    fi
fi
echo "sweep-checks: $passed passed, $failed failed"
[ $failed -eq 0 ]
