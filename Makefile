# The two commands of the README:
#   make run    builds everything, then starts the lab (and says how to load the extension)
#   make test   runs every check and test, real browsers included, and a fuzz smoke run
#               of every target in fuzz/ (tools/fuzz-smoke.sh, docs/reliability.md)
# Both install what they need first (tools/setup.sh is idempotent).

.PHONY: run test setup build lint e2e interop bench clean

run: build
	cargo build --release --bin authlens
	tools/run.sh

test: setup
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --features har-tools -- -D warnings
	tools/deny.sh
	cargo test
	cargo test --lib --target wasm32-unknown-unknown
	tools/fuzz-smoke.sh
	tools/build.sh
	tools/check-sizes.sh
	cargo build --bin authlens
	npx --no-install tsc -p tsconfig.json
	npx --no-install web-ext lint --source-dir dist/firefox --warnings-as-errors
	node --test --test-concurrency=1 tests/e2e/
	node --test --test-concurrency=1 tests/interop/

setup:
	tools/setup.sh

# The interop suite alone (real servers, real Chromium, the real CLI): docs/interop.md.
# `make interop INTEROP_UPDATE=1` re-records the fixtures; then `node tests/interop/report.mjs`.
interop: setup
	cargo build --bin authlens
	node --test --test-concurrency=1 tests/interop/

build: setup
	tools/build.sh
	tools/check-sizes.sh

# Benchmarks (numbers, not pass/fail): see docs/performance.md. Criterion for the parsers,
# the 100 MB HAR against serde_json and wiretrail, and the browser benchmark (headless
# Chromium: annotate vs JS peers, diagnoseHar vs JSON.parse, the panel under 20,000 entries).
bench: build
	cargo bench
	tools/bench-har.sh
	cargo build --bin authlens
	node tools/bench-browser.mjs

clean:
	rm -rf target dist pkg
