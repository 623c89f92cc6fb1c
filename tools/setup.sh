#!/usr/bin/env bash
# Installs what building and testing AuthLens needs, on a fresh Debian 12 machine with
# rustup, cargo, node and npm. Idempotent: each step checks first and does nothing when
# its tool is already there at the right version, so `make run` and `make test` can call
# it every time.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

# 1. The wasm32 target for the core.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen-cli at exactly the version of the wasm-bindgen crate: the CLI writes the
#    JS glue for the module the crate produced, and the two must agree on every detail.
#    The version is read from Cargo.toml (`wasm-bindgen = "=X.Y.Z"`), the single source.
want=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
[ -n "$want" ] || { say "cannot find the pinned wasm-bindgen version in Cargo.toml"; exit 1; }
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found: ${have:-none}); this takes about 5 minutes"
  # --locked uses the versions wasm-bindgen-cli was released and tested with. If this
  # registry mirror lacks one of them (seen here: webpki-roots 1.0.11), fall back to a
  # fresh resolution of the same CLI version, and say so.
  if ! cargo install --locked wasm-bindgen-cli --version "=$want"; then
    say "cargo install --locked failed; retrying without --locked (same wasm-bindgen-cli $want)"
    cargo install wasm-bindgen-cli --version "=$want"
  fi
fi

# 2b. cargo-deny, pinned here (deny.toml; tools/deny.sh runs it in `make test`). It builds
#     from source: about 4 minutes on 2 cores, once.
deny_want=0.20.2
deny_have=$(cargo deny --version 2>/dev/null | awk '{print $2}' || true)
if [ "$deny_have" != "$deny_want" ]; then
  say "installing cargo-deny $deny_want (found: ${deny_have:-none}); this takes about 4 minutes"
  cargo install --locked cargo-deny --version "=$deny_want"
fi

# 3. npm packages exactly as locked. `npm ci` wipes node_modules, so only run it when the
#    lockfile changed since the last install.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.authlens-lock 2>/dev/null || true)" != "$lock_sum" ]; then
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund
  echo "$lock_sum" > node_modules/.authlens-lock
fi

# 4. The browsers the e2e suite drives: Debian's own builds (no browser downloads here).
missing=()
[ -x /usr/lib/chromium/chromium ] || missing+=(chromium)
command -v firefox-esr >/dev/null || missing+=(firefox-esr)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} from Debian"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}"
fi

# 5. The interop suite's real servers (tests/interop/, docs/interop.md): Debian's squid (a
#    forward proxy with its Basic and Digest helpers in /usr/lib/squid) and lighttpd
#    (mod_auth, mod_authn_file), and a Python venv with the pinned web frameworks. The
#    package's own services are never started: the suite runs each server itself, in the
#    foreground, on a free loopback port (policy-rc.d keeps apt from starting them where
#    there is no init, and we stop nothing we did not start).
interop_missing=()
command -v squid >/dev/null || interop_missing+=(squid)
command -v lighttpd >/dev/null || interop_missing+=(lighttpd)
if [ ${#interop_missing[@]} -gt 0 ]; then
  say "installing ${interop_missing[*]} from Debian (interop servers)"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${interop_missing[@]}"
fi
# The venv is rebuilt only when tests/interop/requirements.txt changed (as npm ci above).
venv=target/interop-venv
req_sum=$(sha256sum tests/interop/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$venv/.authlens-requirements" 2>/dev/null || true)" != "$req_sum" ]; then
  say "installing the interop suite's Python packages into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r tests/interop/requirements.txt
  echo "$req_sum" > "$venv/.authlens-requirements"
fi
