#!/usr/bin/env bash
# The fuzz smoke run of `make test` (docs/reliability.md): every cargo-fuzz target in
# fuzz/ for a short, fixed time, from the seed corpora fuzz/seed.sh builds out of the
# test fixtures. Fails if any target finds a crash (a panic, an overflow, a broken
# property); the input is then in fuzz/artifacts/TARGET/, and
# `cargo +nightly fuzz run -s none TARGET fuzz/artifacts/TARGET/crash-…` replays it.
#
#   FUZZ_SECONDS=N   seconds per target (default 12: 8 targets take about 100 s, plus
#                    the build, about 2 minutes from scratch on 2 cores)
#   FUZZ_TARGETS="a b"   only these targets
#
# Installs what it needs, idempotently: the nightly toolchain (cargo-fuzz needs it for
# -Z sanitizer flags and libFuzzer's coverage instrumentation) and cargo-fuzz itself.
#
# `-s none`: no AddressSanitizer. The core has no `unsafe` code, so what a fuzzer can find
# in it is a panic (indexing, overflow, unwrap, a failed assertion), which needs no
# sanitizer; without ASan the targets build in half the time and run 2-3 times faster.
# Debug assertions (`-a`) are on: overflow checks caught the issue's clock-skew bugs.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1mfuzz:\033[0m %s\n' "$*" >&2; }

if ! rustup toolchain list | grep -q '^nightly'; then
  say "installing the nightly toolchain (cargo-fuzz needs it)"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

seconds=${FUZZ_SECONDS:-12}
targets=${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}

fuzz/seed.sh 2>/dev/null
say "building the targets"
cargo +nightly fuzz build -a -s none

failed=()
for target in $targets; do
  # -max_total_time bounds the run; -rss_limit_mb keeps a runaway allocation a failure
  # rather than a machine-wide OOM; -timeout makes one input over 10 s a failure (a hang).
  # Only the seed corpus directory is given, so new inputs are added to it and the next
  # run starts from there.
  if cargo +nightly fuzz run -a -s none "$target" "fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      >"fuzz/smoke-$target.log" 2>&1; then
    say "$target: $(grep -E '^stat::number_of_executed_units' "fuzz/smoke-$target.log" | awk '{print $2}') runs in ${seconds}s, no crash"
  else
    say "$target: FAILED (fuzz/smoke-$target.log):"
    grep -E "panicked|Error|SUMMARY|Test unit written" "fuzz/smoke-$target.log" | head -8 >&2 || true
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  say "crashes in: ${failed[*]}"
  exit 1
fi
