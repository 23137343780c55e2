#!/usr/bin/env bash
# Builds the shipped knowledge base, a 1,000-page plain corpus and a 100-case
# domain corpus with two casebook binaries and compares every output file
# byte for byte. A change that should not alter the site (a restructure, a
# speed-up) must print "identical" three times.
#
#   cargo build --release && cp target/release/casebook /tmp/old-casebook   # before
#   …change…
#   cargo build --release
#   bash scripts/compare-outputs.sh /tmp/old-casebook target/release/casebook
#
# Exit 0 when all three sites are identical, 1 otherwise (the differing files
# are listed).
set -euo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
here=$(cd "$(dirname "$0")/.." && pwd)
gen="$here/../shared/bench/gen_corpus.py"
work=$(mktemp -d "${TMPDIR:-/tmp}/casebook-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 "$gen" 1000 "$work/plain" --flavor casebook >/dev/null
python3 "$gen" 100 "$work/domain" --flavor casebook-domain >/dev/null

status=0
for site in shipped plain domain; do
    root="$work/$site"
    [ "$site" = shipped ] && root="$here"
    for which in old new; do
        bin=${!which}
        "$bin" build --root "$root" --output "$work/out-$site-$which" >/dev/null 2>"$work/err-$site-$which"
    done
    if diff -r -q "$work/out-$site-old" "$work/out-$site-new" >"$work/diff-$site"; then
        files=$(find "$work/out-$site-new" -type f | wc -l)
        echo "$site: identical ($files files)"
    else
        echo "$site: DIFFERENT"
        head -20 "$work/diff-$site"
        status=1
    fi
    if ! cmp -s "$work/err-$site-old" "$work/err-$site-new"; then
        echo "$site: warnings differ"
        diff "$work/err-$site-old" "$work/err-$site-new" | head -20
        status=1
    fi
done
exit $status
