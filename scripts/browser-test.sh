#!/usr/bin/env bash
# Browser checks and HTML validation of the shipped knowledge base.
#
# Builds the site with the release binary into a temporary folder, serves it
# on loopback with the base URL it was built for, and runs tests/browser/
# (crawl, links and anchors, keyboard, layout, dark mode, print, axe,
# screenshots under target/screenshots/, Nu HTML Checker). Exits non-zero on
# any failure.
#
# Needs: node >= 20 and npm, java >= 11, chromium (scripts/setup.sh installs them).
# Environment: CHROMIUM (default /usr/bin/chromium); CASEBOOK_BIN skips the
# cargo build and uses that binary; KEEP_SITE=1 keeps the built site and
# prints where it is; TESTS="crawl html" runs only those files of tests/browser
# (add "subpath" for the crawl and search of a build under /casebook/, "shards"
# for the search of a site in several search shards). Extra
# arguments go to `node --test`, e.g.
# --test-name-pattern=axe to run only the tests whose name matches.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
suite=$repo/tests/browser

for tool in node npm java; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "browser-test: $tool is required (bash scripts/setup.sh installs it)" >&2
    exit 2
  fi
done
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "browser-test: no Chromium at $CHROMIUM (bash scripts/setup.sh installs it, or set CHROMIUM)" >&2
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
server_pids=()
cleanup() {
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ "${KEEP_SITE:-0}" = 1 ]; then
    echo "browser-test: site kept in $work/site"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# Starts a static server for site folder $1 under URL path $2 on a free port,
# then builds the knowledge base at $3 (default: the shipped one) into that
# folder for that address: the server
# reads files per request, so no port can be taken in between. Sets
# base_url; adds the server to server_pids.
serve_and_build() {
  local site=$1 prefix=$2 root=${3:-.} out=$work/server-${#server_pids[@]}
  node "$suite/lib/server.mjs" "$site" 0 "$prefix" >"$out.out" 2>"$out.err" &
  server_pids+=($!)
  local port=
  for _ in $(seq 100); do
    port=$(head -n1 "$out.out" 2>/dev/null || true)
    [ -n "$port" ] && break
    if ! kill -0 "${server_pids[-1]}" 2>/dev/null; then break; fi
    sleep 0.05
  done
  if [ -z "$port" ]; then
    echo "browser-test: the static server did not start:" >&2
    cat "$out.err" >&2
    exit 2
  fi
  base_url="http://127.0.0.1:$port$prefix"
  # The build's warnings belong to `casebook check`; show them only if it fails.
  if ! "$casebook" build --root "$root" --output "$site" --base-url "$base_url" >"$out.build" 2>&1; then
    cat "$out.build" >&2
    echo "browser-test: the build for $base_url failed" >&2
    exit 1
  fi
  grep '^built ' "$out.build" || true
}

serve_and_build "$work/site" /
export SITE_URL=$base_url SITE_DIR=$work/site SCREENSHOT_DIR=$repo/target/screenshots
start=$(date +%s)
status=0
files=()
for name in ${TESTS:-}; do [ "$name" = subpath ] || files+=("$suite/$name.test.mjs"); done
[ -n "${TESTS:-}" ] || files=("$suite"/*.test.mjs)
if [ "${#files[@]}" -gt 0 ]; then
  node --test --test-reporter=spec --test-concurrency=2 "$@" "${files[@]}" || status=$?
fi

# A publisher's site under a sub-path: every link, asset, search, feed and
# sitemap URL must work there too (the crawl and the search checks).
if [ -z "${TESTS:-}" ] || [[ " $TESTS " == *" subpath "* ]]; then
  serve_and_build "$work/sub" /casebook/
  echo "browser-test: the same site under the sub-path $base_url"
  SITE_URL=$base_url SITE_DIR=$work/sub \
    node --test --test-reporter=spec --test-concurrency=2 "$@" "$suite/crawl.test.mjs" "$suite/search.test.mjs" ||
    status=$?
fi
# A site too large for one search index (1,100 pages, three shards): its
# search page must merge the shards (tests/browser/large/).
if [ -z "${TESTS:-}" ] || [[ " $TESTS " == *" shards "* ]]; then
  many=$work/many-src
  mkdir -p "$many/content/entities"
  printf 'title: Many pages\n' >"$many/casebook.yaml"
  for i in $(seq -w 0 1099); do
    printf -- '---\ntitle: Page %s\ntype: other\n---\nThe word zq%smark is on this page only.\n' \
      "$i" "$i" >"$many/content/entities/p$i.md"
  done
  serve_and_build "$work/many" / "$many"
  echo "browser-test: a site of 1,100 pages in search shards at $base_url"
  SITE_URL=$base_url SITE_DIR=$work/many \
    node --test --test-reporter=spec "$@" "$suite/large/search.test.mjs" || status=$?
fi
echo "browser-test: $(($(date +%s) - start)) s of checks; screenshots in target/screenshots/"
if [ "$status" -ne 0 ]; then
  echo "browser-test: FAILED" >&2
fi
exit "$status"
