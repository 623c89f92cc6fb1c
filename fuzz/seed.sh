#!/usr/bin/env bash
# Builds the fuzz targets' seed corpora from the test fixtures, into fuzz/corpus/TARGET/
# (generated, not committed: .gitignore). Idempotent: each seed is named by its SHA-1, so
# running it again adds nothing, and what the fuzzer added to a corpus is kept.
#   - the parsers: tests/fixtures/parsers/*.{challenge,authorization,token,set-cookie,cookie}.txt,
#     and every matching header value of the HAR fixtures (tests/fixtures/har/**);
#   - dates: the Date, Expires, Retry-After and Age values and startedDateTime of the HARs;
#   - har_stream: the HAR fixtures themselves (the small ones: seeds over 64 KB would
#     slow every mutation down) and a few broken HARs;
#   - diagnose and sanitize read their input as `arbitrary` choices, not as text: they
#     get a few fixtures as raw bytes, which is only a start for the fuzzer.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=fuzz/corpus
mkdir -p "$corpus"/{challenge,credentials,jwt,cookie,date,har_stream,diagnose,sanitize}

# add TARGET FILE: copy FILE into TARGET's corpus, named by its content.
add() {
  local sum
  sum=$(sha1sum "$2" | cut -d' ' -f1)
  [ -e "$corpus/$1/$sum" ] || cp "$2" "$corpus/$1/$sum"
}

p=tests/fixtures/parsers
for f in "$p"/*.challenge.txt; do add challenge "$f"; done
for f in "$p"/*.authorization.txt; do add credentials "$f"; done
for f in "$p"/*.token.txt; do add jwt "$f"; add credentials "$f"; done
for f in "$p"/*.set-cookie.txt "$p"/*.cookie.txt; do add cookie "$f"; done

# Header values and dates out of the HAR fixtures (node is there for the e2e suite).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find tests/fixtures/har -name '*.har' -print0 | xargs -0 node -e '
  const fs = require("fs"), path = require("path"), out = process.argv[1];
  const targets = {
    "www-authenticate": "challenge", "proxy-authenticate": "challenge",
    "authorization": "credentials", "proxy-authorization": "credentials", "dpop": "credentials",
    "set-cookie": "cookie", "cookie": "cookie",
    "date": "date", "expires": "date", "retry-after": "date", "age": "date", "last-modified": "date",
  };
  let n = 0;
  const write = (target, text) => {
    fs.mkdirSync(path.join(out, target), { recursive: true });
    fs.writeFileSync(path.join(out, target, String(n++)), text);
  };
  for (const file of process.argv.slice(2)) {
    let har;
    try { har = JSON.parse(fs.readFileSync(file, "utf8")); } catch { continue; }
    for (const e of (har.log && har.log.entries) || []) {
      if (e.startedDateTime) write("date", e.startedDateTime);
      for (const h of [...((e.request || {}).headers || []), ...((e.response || {}).headers || [])]) {
        const target = targets[String(h.name).toLowerCase()];
        if (!target || typeof h.value !== "string") continue;
        write(target, h.value);
        if (target === "credentials") write("jwt", h.value.replace(/^\S+\s+/, ""));
      }
    }
  }
' "$tmp"
for dir in "$tmp"/*/; do
  target=$(basename "$dir")
  for f in "$dir"*; do add "$target" "$f"; done
done

# HARs: the small fixtures, and broken ones the differential must agree on.
find tests/fixtures/har -name '*.har' -size -64k -print0 | while IFS= read -r -d '' f; do add har_stream "$f"; done
printf '{"log":{"entries":[{"request":{"method":"GET","url":"https://a/"},"response":{"status":401}},' > "$tmp/truncated"
printf '{"log":{"entries":[1,{"request":{}}]}}' > "$tmp/wrong-shape"
printf '{"log":{"pages":[8.5e3,-0,"\\u00e9"],"entries":[]}} x' > "$tmp/trailing"
printf '[{"log":{}}]' > "$tmp/array"
for f in "$tmp"/truncated "$tmp"/wrong-shape "$tmp"/trailing "$tmp"/array; do add har_stream "$f"; done

# Structured targets: a few raw starts.
for f in "$p"/bearer-undefined.authorization.txt "$p"/cognito-access.token.txt; do
  add diagnose "$f"; add sanitize "$f"
done
find tests/fixtures/har/lab -name '*.har' -size -8k -print0 | head -z -n 4 | while IFS= read -r -d '' f; do
  add diagnose "$f"; add sanitize "$f"
done

for d in "$corpus"/*/; do printf '%s: %s seeds\n' "$(basename "$d")" "$(ls "$d" | wc -l)"; done >&2
