#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian or Ubuntu machine, and
# only what is missing: rustfmt and clippy, then for the browser suite
# Chromium, ChromeDriver, a Java runtime (Nu HTML Checker), Node.js and npm,
# and the suite's npm packages. scripts/test.sh runs it first, so a newcomer
# needs nothing but the README's two commands.
#
# apt-get runs as root, or through sudo when that is available. With
# SETUP_DRY_RUN=1 it only prints what it would install.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*"; }
run() {
  if [ "${SETUP_DRY_RUN:-0}" = 1 ]; then
    say "would run: $*"
  else
    "$@"
  fi
}

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is required: install Rust from https://rustup.rs, then run this again" >&2
  exit 2
fi
if command -v rustup >/dev/null 2>&1; then
  for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
      run rustup component add "$component"
    fi
  done
fi

[ "${SKIP_BROWSER:-0}" = 1 ] && exit 0

# Debian package of each tool the browser suite runs.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
# The machine's Node.js may come with its own npm.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "setup: missing ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
    exit 2
  fi
  if ! command -v apt-get >/dev/null 2>&1 && [ "${SETUP_DRY_RUN:-0}" != 1 ]; then
    echo "setup: no apt-get here; install ${missing[*]} with this system's package manager" >&2
    exit 2
  fi
  run "${sudo[@]}" apt-get update
  run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

# --ignore-scripts: vnu-jar's postinstall would try to download a Java runtime.
if [ ! -d tests/browser/node_modules ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules ]; then
  run bash -c 'cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund'
fi
