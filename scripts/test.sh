#!/usr/bin/env bash
# The project's test command: set-up of what is missing (scripts/setup.sh),
# formatting, lints, every Rust test, then the browser suite and HTML
# validation of the shipped site (scripts/browser-test.sh).
#
# The browser suite uses the debug binary `cargo test` has just built, so no
# extra release build is needed. SKIP_BROWSER=1 skips it (e.g. on a machine
# without Chromium); CI never sets it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo fmt --check
cargo clippy --all-targets -- -D warnings
cargo test
if [ "${SKIP_BROWSER:-0}" = 1 ]; then
  echo "test: browser suite skipped (SKIP_BROWSER=1)"
  exit 0
fi
CASEBOOK_BIN=${CARGO_TARGET_DIR:-target}/debug/casebook bash scripts/browser-test.sh
