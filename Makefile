# The newcomer's commands: `make run` (set up, build, simulate the bundled Leeds model) and `make test`.
SWIFT ?= swift
ACDD := .build/release/acdd

.PHONY: deps build run test demo bench bench-check peers clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product acdd
	$(SWIFT) build -c release --product callgen

run: build
	$(ACDD) simulate flows/leeds

test: deps
	$(SWIFT) build -c release --product acdd
	$(SWIFT) build -c release --product callgen
	python3 scripts/check-schema.py
	scripts/cli-checks.sh
	scripts/sweep-checks.sh
	PY=.venv/bin/python scripts/daemon-checks.sh
	scripts/sip-checks.sh
	scripts/sip-agent-checks.sh
	scripts/digital-twin.sh
	$(SWIFT) test -c release
	Benchmarks/check.sh

# acdd serving flows/leeds at 60x, callgen replaying a Monday, a screenshot of the wallboard (about 11 minutes).
demo: deps
	scripts/demo.sh

bench: deps
	ACD_BENCHMARKS=1 $(SWIFT) package --scratch-path .build-bench benchmark --target EngineBenchmarks --format markdown

# The benchmarks CI holds to Benchmarks/Thresholds (allocations, speed as a ratio to a reference loop).
bench-check: deps
	Benchmarks/check.sh

peers: deps
	Benchmarks/compare-peers.sh

clean:
	rm -rf .build .build-bench
