#!/usr/bin/env bash
# Browser checks and HTML validation of the shipped knowledge base.
#
# Builds the site with the release binary into a temporary folder, serves it
# on loopback with the base URL it was built for, and runs tests/browser/
# (crawl, links and anchors, keyboard, layout, dark mode, print, axe,
# screenshots under target/screenshots/, Nu HTML Checker). Exits non-zero on
# any failure.
#
# Needs: node >= 20 and npm, java >= 11, chromium (see .ci/run).
# Environment: CHROMIUM (default /usr/bin/chromium); CASEBOOK_BIN skips the
# cargo build and uses that binary; KEEP_SITE=1 keeps the built site and
# prints where it is; TESTS="crawl html" runs only those files of tests/browser. Extra arguments go to `node --test`, e.g.
# --test-name-pattern=axe to run only the tests whose name matches.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
suite=$repo/tests/browser

for tool in node npm java; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "browser-test: $tool is required (see .ci/run for the install steps)" >&2
    exit 2
  fi
done
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "browser-test: no Chromium at $CHROMIUM (apt-get install -y chromium, or set CHROMIUM)" >&2
  exit 2
fi
if [ ! -d "$suite/node_modules" ]; then
  (cd "$suite" && npm ci --ignore-scripts --no-audit --no-fund)
fi

casebook=${CASEBOOK_BIN:-}
if [ -z "$casebook" ]; then
  cargo build --release --quiet
  casebook=${CARGO_TARGET_DIR:-target}/release/casebook
fi
if [ ! -x "$casebook" ]; then
  echo "browser-test: no casebook binary at $casebook" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/casebook-browser.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  if [ "${KEEP_SITE:-0}" = 1 ]; then
    echo "browser-test: site kept in $work/site"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# Start the server first on a free port, then build for that port: the server
# reads files per request, so no port can be taken in between.
node "$suite/lib/server.mjs" "$work/site" 0 >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
port=
for _ in $(seq 100); do
  port=$(head -n1 "$work/server.out" 2>/dev/null || true)
  [ -n "$port" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  sleep 0.05
done
if [ -z "$port" ]; then
  echo "browser-test: the static server did not start:" >&2
  cat "$work/server.err" >&2
  exit 2
fi
base_url="http://127.0.0.1:$port/"

# The build's warnings belong to `casebook check`; show them only if it fails.
if ! "$casebook" build --output "$work/site" --base-url "$base_url" >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  echo "browser-test: the build failed" >&2
  exit 1
fi
grep '^built ' "$work/build.log" || true

export SITE_URL=$base_url SITE_DIR=$work/site SCREENSHOT_DIR=$repo/target/screenshots
start=$(date +%s)
status=0
files=()
for name in ${TESTS:-}; do files+=("$suite/$name.test.mjs"); done
[ "${#files[@]}" -gt 0 ] || files=("$suite"/*.test.mjs)
node --test --test-reporter=spec --test-concurrency=2 "$@" "${files[@]}" || status=$?
echo "browser-test: $(($(date +%s) - start)) s of checks; screenshots in target/screenshots/"
if [ "$status" -ne 0 ]; then
  echo "browser-test: FAILED" >&2
fi
exit "$status"
