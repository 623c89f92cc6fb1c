#!/usr/bin/env bash
# Starts the lab after `make run` has built everything, and says how to load the extension.
set -euo pipefail
cd "$(dirname "$0")/.."
addr=${AUTHLENS_LAB_ADDR:-127.0.0.1:8401}

cat <<EOT

AuthLens is built.
  Chrome / Chromium: open chrome://extensions, turn on Developer mode,
                     "Load unpacked" → $PWD/dist/chrome
  Firefox:           open about:debugging#/runtime/this-firefox,
                     "Load Temporary Add-on…" → $PWD/dist/firefox/manifest.json
  Store packages:    $PWD/dist/authlens-chrome.zip, $PWD/dist/authlens-firefox.zip
  Self-help page:    http://$addr/help/
Then open http://$addr/ , open DevTools → AuthLens, and press the scenario buttons.

EOT

# With a display, also start a Chromium with the extension loaded, on the lab page.
if [ -n "${DISPLAY:-}" ] && [ -x /usr/lib/chromium/chromium ]; then
  profile=$(mktemp -d)
  /usr/lib/chromium/chromium --user-data-dir="$profile" --no-first-run \
    --disable-extensions-except="$PWD/dist/chrome" --load-extension="$PWD/dist/chrome" \
    "http://$addr/" >/dev/null 2>&1 &
fi

exec target/release/authlens lab --addr "$addr" --www "$PWD/dist/www"
