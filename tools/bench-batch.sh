#!/usr/bin/env bash
# Batch diagnose scaling (docs/performance.md, "Batch triage"): `authlens diagnose --json
# FOLDER --jobs N` on FILES generated HARs of HAR_MB each (defaults 8 and 25, 10% of
# entries failing), for each N in JOBS (default "1 2"), RUNS times (default 5) round-robin.
# Prints per N the median and the fastest wall time, the median CPU time (user + sys) and
# the largest peak RSS, the speed-up over N=1, and an Amdahl estimate from the first two
# fastest times (the run least disturbed by the machine's other work): the parallel
# fraction p = (1 - T2/T1) / (1 - 1/2) (for JOBS "1 2"), the serial fraction 1 - p, and the
# speed-up it predicts on 4, 8 and 16 cores. Other agents may load the machine: the load
# average is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${FILES:-8}
size=${HAR_MB:-25}
runs=${RUNS:-5}
read -r -a jobs <<<"${JOBS:-1 2}"
cargo build --release --bin authlens --example gen_har -q
dir=target/bench/batch-${files}x${size}mb
mkdir -p "$dir"
one=target/bench/har-${size}mb-f10.har
[ -f "$one" ] || target/release/examples/gen_har "$one" "$size" 10
for i in $(seq "$files"); do
  [ -f "$dir/$i.har" ] || cp "$one" "$dir/$i.har"
done

declare -A wall cpu rss
for _ in $(seq "$runs"); do
  for n in "${jobs[@]}"; do
    /usr/bin/time -f "%e %U %S %M" -o target/bench/time.txt \
      target/release/authlens diagnose --json --jobs "$n" "$dir" >/dev/null 2>&1 || true
    read -r e u s m < <(tail -1 target/bench/time.txt)
    wall[$n]+="$e "
    cpu[$n]+="$(echo "$u + $s" | bc -l) "
    [ "$m" -gt "${rss[$n]:-0}" ] && rss[$n]=$m
  done
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
printf '%s files of %s MB (%s): %s runs each, round-robin\n\n' "$files" "$size" "$dir" "$runs"
printf '%-6s %12s %12s %10s %10s %12s\n' jobs "median wall" "fastest" "cpu s" speed-up "peak RSS MB"
declare -A med fast
for n in "${jobs[@]}"; do
  # shellcheck disable=SC2086 # the lists are split on purpose
  med[$n]=$(median ${wall[$n]})
  # shellcheck disable=SC2086
  fast[$n]=$(printf '%s\n' ${wall[$n]} | sort -n | head -1)
  # shellcheck disable=SC2086
  c=$(median ${cpu[$n]})
  printf '%-6s %12.2f %12.2f %10.2f %9.2fx %12.1f\n' "$n" "${med[$n]}" "${fast[$n]}" "$c" "$(echo "${fast[${jobs[0]}]} / ${fast[$n]}" | bc -l)" "$(echo "${rss[$n]} / 1024" | bc -l)"
done
if [ "${#jobs[@]}" -ge 2 ]; then
  t1=${fast[${jobs[0]}]}
  t2=${fast[${jobs[1]}]}
  k=${jobs[1]}
  p=$(echo "(1 - $t2 / $t1) / (1 - 1 / $k)" | bc -l)
  s=$(echo "1 - $p" | bc -l)
  printf '\nAmdahl from jobs %s and %s: parallel fraction %.2f, serial fraction %.2f\n' "${jobs[0]}" "$k" "$p" "$s"
  for c in 4 8 16; do
    printf '  predicted speed-up on %2d cores: %.2fx\n' "$c" "$(echo "1 / ($s + $p / $c)" | bc -l)"
  done
  [ "$(echo "$s > 0.001" | bc -l)" = 1 ] && printf '  limit: %.1fx\n' "$(echo "1 / $s" | bc -l)"
fi
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
