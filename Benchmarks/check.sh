#!/usr/bin/env bash
# CI's benchmark check: runs the CI_ benchmarks (ordo-one/benchmark) and holds them to Benchmarks/Thresholds:
# allocation counts within 2 of the stored ones, and the engine's time over a reference loop measured in the same
# iteration within 25% of the stored ratio (so a busy or slower machine does not fail it, a slower engine does).
# Exit 0 when every metric is within its tolerance (ordo's 0 "equal" or 4 "only improvements"), 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
ACD_BENCHMARKS=1 ${SWIFT:-swift} package --scratch-path .build-bench benchmark thresholds check \
    --target EngineBenchmarks --filter 'CI_.*' --path Benchmarks/Thresholds --no-progress
status=$?
case $status in
    0) echo "bench-check: within the thresholds" ;;
    4) echo "bench-check: within the thresholds (better than stored: consider 'make bench-thresholds')" ;;
    *) echo "bench-check: FAILED (status $status): a benchmark is outside its threshold (Benchmarks/README.md)"; exit 1 ;;
esac
