#!/usr/bin/env bash
# Builds the Wasm core and assembles everything that ships:
#   cargo (wasm32, profile wasm-release) → wasm-bindgen --target web → wasm-opt -Oz
#   → dist/chrome, dist/firefox, dist/www, and store zips in dist/.
# Run tools/setup.sh first (make does).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --lib --target wasm32-unknown-unknown --profile wasm-release
wasm-bindgen --target web --out-dir pkg --out-name authlens \
  target/wasm32-unknown-unknown/wasm-release/authlens.wasm

# wasm-opt (npm's binaryen, pinned in package-lock.json) shrinks the module by about a
# third. The --enable flags are the features rustc's wasm32 target emits by default.
if [ -x node_modules/.bin/wasm-opt ]; then
  node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    pkg/authlens_bg.wasm -o pkg/authlens_bg.wasm
else
  echo "build: wasm-opt not found (run tools/setup.sh); shipping the unoptimised module" >&2
fi
printf 'build: pkg/authlens_bg.wasm is %s bytes (%s gzipped)\n' \
  "$(stat -c %s pkg/authlens_bg.wasm)" "$(gzip -9c pkg/authlens_bg.wasm | wc -c)"

node tools/assemble.mjs

# Store packages: web-ext zips a folder the way the stores expect (no dotfiles).
for browser in chrome firefox; do
  node_modules/.bin/web-ext build --source-dir "dist/$browser" --artifacts-dir dist \
    --filename "authlens-$browser.zip" --overwrite-dest >/dev/null
done
echo "build: dist/authlens-chrome.zip and dist/authlens-firefox.zip"
