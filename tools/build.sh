#!/usr/bin/env bash
# Builds the Wasm core and assembles everything that ships:
#   cargo (wasm32, profile wasm-release) → wasm-bindgen --target web → wasm-opt -Oz, twice:
#     pkg/authlens_engine*  the engine (parsers, Inspector): background, popup, panel
#     pkg/authlens*         the engine and the HAR tools (feature har-tools): www, and the
#                           panel's export, loaded on demand (issue #17: the size budget)
#   → dist/chrome, dist/firefox, dist/www, and store zips in dist/.
# Run tools/setup.sh first (make does).
set -euo pipefail
cd "$(dirname "$0")/.."

# build OUT_NAME [CARGO_ARGS...]: one module into pkg/OUT_NAME.js and pkg/OUT_NAME_bg.wasm.
# The feature changes only this crate, not its dependencies: the two runs share them.
build() {
  local name=$1
  shift
  cargo build --lib --target wasm32-unknown-unknown --profile wasm-release "$@"
  wasm-bindgen --target web --out-dir pkg --out-name "$name" \
    target/wasm32-unknown-unknown/wasm-release/authlens.wasm

  # A copy with the function names, for tools/profile-wasm.mjs (wasm-opt strips them).
  mkdir -p target/wasm-named
  cp "pkg/${name}_bg.wasm" "target/wasm-named/${name}_bg.wasm"

  # wasm-opt (npm's binaryen, pinned in package-lock.json) shrinks the module by about a
  # third. The --enable flags are the features rustc's wasm32 target emits by default.
  if [ -x node_modules/.bin/wasm-opt ]; then
    node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
      --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "pkg/${name}_bg.wasm" -o "pkg/${name}_bg.wasm"
  else
    echo "build: wasm-opt not found (run tools/setup.sh); shipping the unoptimised module" >&2
  fi
  printf 'build: pkg/%s_bg.wasm is %s bytes (%s gzipped)\n' "$name" \
    "$(stat -c %s "pkg/${name}_bg.wasm")" "$(gzip -9c "pkg/${name}_bg.wasm" | wc -c)"
}

build authlens_engine
build authlens --features har-tools

node tools/assemble.mjs

# Store packages: web-ext zips a folder the way the stores expect (no dotfiles).
for browser in chrome firefox; do
  node_modules/.bin/web-ext build --source-dir "dist/$browser" --artifacts-dir dist \
    --filename "authlens-$browser.zip" --overwrite-dest >/dev/null
done
echo "build: dist/authlens-chrome.zip and dist/authlens-firefox.zip"
