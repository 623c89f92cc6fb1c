#!/usr/bin/env bash
# The HAR benchmark (docs/performance.md): on a generated ~100 MB HAR, times and peak
# memory of
#   - the baseline: serde_json parsing the file into IgnoredAny, from memory (`from_slice`
#     on the file read whole: the fastest way serde_json parses a file) and, for
#     reference, from a buffered reader (`from_reader`: the least memory);
#   - AuthLens's reader alone (entries read, nothing diagnosed);
#   - authlens diagnose --json;
#   - authlens sanitize (throughput);
#   - wiretrail's diagnose, if installed (WIRETRAIL=path, default: on PATH or
#     /tmp/wiretrail/bin/wiretrail; `cargo install wiretrail --root /tmp/wiretrail`).
# Each is run RUNS times (default 9), round-robin; the median time and the largest peak
# RSS are printed, with ratios.
#
# FAIL_RATES="10 30" runs the whole set once per failure rate instead, each on its own
# generated file (har-SIZEmb-fRATE.har: that percentage of entries fail, of every kind;
# examples/gen_har.rs). The machine's load average is printed with each table.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${HAR_MB:-100}
cargo build --release --bin authlens --example gen_har --example parse_baseline -q
mkdir -p target/bench
wiretrail=${WIRETRAIL:-$(command -v wiretrail || echo /tmp/wiretrail/bin/wiretrail)}
runs=${RUNS:-9}

bench() {
har=$1
names=(baseline baseline-reader read-only diagnose sanitize)
commands=(
  "target/release/examples/parse_baseline $har --slice"
  "target/release/examples/parse_baseline $har"
  "target/release/examples/parse_baseline $har --entries"
  "target/release/authlens diagnose --json $har"
  "target/release/authlens sanitize $har -o /dev/null"
)
if [ -x "$wiretrail" ]; then
  names+=(wiretrail)
  commands+=("$wiretrail $har diagnose --json")
fi

# Round-robin (every command once per round) so that a slow spell of the machine
# affects all rows alike; then the median time and the largest peak RSS of each.
declare -A times rss
for _ in $(seq "$runs"); do
  for i in "${!names[@]}"; do
    # Wall time to the microsecond (/usr/bin/time prints hundredths); RSS from time.
    start=$EPOCHREALTIME
    # shellcheck disable=SC2086 # the command line is split on purpose
    /usr/bin/time -f "%M" -o target/bench/time.txt ${commands[$i]} >/dev/null 2>&1 || true
    end=$EPOCHREALTIME
    times[$i]+="$(echo "$end - $start" | bc -l) "
    r=$(tail -1 target/bench/time.txt)
    [ "$r" -gt "${rss[$i]:-0}" ] && rss[$i]=$r
  done
done
results=()
for i in "${!names[@]}"; do
  median=$(printf '%s\n' ${times[$i]} | sort -n | sed -n "$(((runs + 1) / 2))p")
  results+=("${names[$i]} $(printf '%.3f' "$median") ${rss[$i]}")
done

bytes=$(stat -c %s "$har")
printf '%s: %s bytes\n\n' "$har" "$bytes"
printf '%-15s %10s %12s %12s\n' run seconds "MB/s" "peak RSS MB"
base_t=; base_m=; diag_t=
for line in "${results[@]}"; do
  read -r name t m <<<"$line"
  [ "$name" = baseline ] && { base_t=$t; base_m=$m; }
  [ "$name" = baseline-reader ] && { reader_t=$t; reader_m=$m; }
  [ "$name" = diagnose ] && diag_t=$t && diag_m=$m
  [ "$name" = wiretrail ] && wt_t=$t
  printf '%-15s %10s %12.0f %12.1f\n' "$name" "$t" "$(echo "$bytes / $t / 1048576" | bc -l)" "$(echo "$m / 1024" | bc -l)"
done
echo
printf 'diagnose / baseline time:   %.2fx (target ≤ 1.0x)\n' "$(echo "$diag_t / $base_t" | bc -l)"
printf 'diagnose / baseline memory: %.2fx (target ≤ 1x)\n' "$(echo "$diag_m / $base_m" | bc -l)"
printf 'diagnose / baseline-reader time:   %.2fx (reference)\n' "$(echo "$diag_t / $reader_t" | bc -l)"
printf 'diagnose / baseline-reader memory: %.2fx (reference: mostly the larger binary'"'"'s code pages)\n' "$(echo "$diag_m / $reader_m" | bc -l)"
if [ -n "${wt_t:-}" ]; then
  printf 'diagnose / wiretrail time:  %.2fx (target ≤ 0.4x)\n' "$(echo "$diag_t / $wt_t" | bc -l)"
fi
printf 'load average: %s\n\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
}

if [ -n "${FAIL_RATES:-}" ]; then
  for rate in $FAIL_RATES; do
    har=target/bench/har-${size}mb-f${rate}.har
    [ -f "$har" ] || target/release/examples/gen_har "$har" "$size" "$rate"
    printf '## %s%% of entries fail\n' "$rate"
    bench "$har"
  done
else
  har=target/bench/har-${size}mb.har
  [ -f "$har" ] || target/release/examples/gen_har "$har" "$size"
  bench "$har"
fi
