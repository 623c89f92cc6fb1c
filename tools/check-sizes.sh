#!/usr/bin/env bash
# Size budgets (issue #17, DESIGN.md), checked on what tools/build.sh produced: sizes, not
# times, so they are exact and may fail a test run.
#   - the Wasm module the background, popup and panel load (the engine, after wasm-opt):
#     at most 250 KB;
#   - each store zip in dist/: at most 500 KB.
# KB = 1024 bytes. Prints every figure, then fails if any is over.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
# check FILE LIMIT_KB WHAT
check() {
  local file=$1 limit=$(($2 * 1024)) what=$3 size
  if [ ! -f "$file" ]; then
    echo "check-sizes: $file is missing (run tools/build.sh)" >&2
    status=1
    return
  fi
  size=$(stat -c %s "$file")
  if [ "$size" -le "$limit" ]; then
    printf 'check-sizes: ok    %-32s %8d bytes (%d KB) <= %d KB  %s\n' \
      "$file" "$size" $((size / 1024)) "$2" "$what"
  else
    printf 'check-sizes: OVER  %-32s %8d bytes (%d KB) >  %d KB by %d KB  %s\n' \
      "$file" "$size" $((size / 1024)) "$2" $(((size - limit + 1023) / 1024)) "$what" >&2
    status=1
  fi
}

check pkg/authlens_engine_bg.wasm 250 "the engine: background, popup, panel"
check dist/authlens-chrome.zip 500 "Chrome Web Store package"
check dist/authlens-firefox.zip 500 "AMO package"
# Not budgeted, printed for the record: the module with the HAR tools, loaded on demand.
if [ -f pkg/authlens_bg.wasm ]; then
  printf 'check-sizes: info  %-32s %8d bytes (%d KB)  engine + HAR tools, on demand\n' \
    pkg/authlens_bg.wasm "$(stat -c %s pkg/authlens_bg.wasm)" $(($(stat -c %s pkg/authlens_bg.wasm) / 1024))
fi
exit $status
