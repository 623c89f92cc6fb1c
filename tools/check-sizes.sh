#!/usr/bin/env bash
# Size budgets (issue #17, DESIGN.md), checked on what tools/build.sh produced: sizes, not
# times, so they are exact. Run by `make test` after the build.
#
# Each file has two limits:
#   - its budget, the target: the engine (the Wasm module the background, popup and panel
#     load, after wasm-opt) at most 250 KB; each store zip in dist/ at most 500 KB. A file
#     over its budget is reported, with how far over, but does not fail the run: the
#     engine is 522 KB today, and halving it is open work (docs/performance.md, "Wasm
#     module size", says where the bytes go and what would cut them);
#   - its ceiling, a ratchet: today's size and a little headroom. Growing past it fails
#     the run, so nothing makes the module bigger unnoticed; lower the ceiling when a
#     change makes the file smaller.
# KB = 1024 bytes.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
# check FILE BUDGET_KB CEILING_KB WHAT
check() {
  local file=$1 budget=$(($2 * 1024)) ceiling=$(($3 * 1024)) what=$4 size
  if [ ! -f "$file" ]; then
    echo "check-sizes: $file is missing (run tools/build.sh)" >&2
    status=1
    return
  fi
  size=$(stat -c %s "$file")
  if [ "$size" -gt "$ceiling" ]; then
    printf 'check-sizes: FAIL  %-28s %8d bytes (%d KB): past its ceiling of %d KB by %d KB  %s\n' \
      "$file" "$size" $((size / 1024)) "$3" $(((size - ceiling + 1023) / 1024)) "$what" >&2
    status=1
  elif [ "$size" -gt "$budget" ]; then
    printf 'check-sizes: over  %-28s %8d bytes (%d KB): over its budget of %d KB by %d KB (ceiling %d KB)  %s\n' \
      "$file" "$size" $((size / 1024)) "$2" $(((size - budget + 1023) / 1024)) "$3" "$what"
  else
    printf 'check-sizes: ok    %-28s %8d bytes (%d KB) <= %d KB  %s\n' \
      "$file" "$size" $((size / 1024)) "$2" "$what"
  fi
}

check pkg/authlens_engine_bg.wasm 250 530 "the engine: background, popup, panel"
check dist/authlens-chrome.zip 500 680 "Chrome Web Store package"
check dist/authlens-firefox.zip 500 680 "AMO package"
# Not budgeted, printed for the record: the module with the HAR tools, loaded on demand.
if [ -f pkg/authlens_bg.wasm ]; then
  printf 'check-sizes: info  %-28s %8d bytes (%d KB)  engine + HAR tools, on demand\n' \
    pkg/authlens_bg.wasm "$(stat -c %s pkg/authlens_bg.wasm)" $(($(stat -c %s pkg/authlens_bg.wasm) / 1024))
fi
exit $status
