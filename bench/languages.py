#!/usr/bin/env python3
"""What the further languages cost: builds the shipped knowledge base as it
is (English, Russian, Chinese), without Chinese, and in English only, in
alternation, and prints the median wall time of each, with search (the
default build) and without (`--no-search`).

    cargo build --release
    python3 bench/languages.py --runs 9

The variants are copies of the committed site (`git archive HEAD`) with the
translations of the languages left out removed and `languages:` trimmed.
Outputs go under /dev/shm when it exists.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def variant(work, name, keep):
    """A copy of the committed site keeping only the further languages `keep`."""
    root = os.path.join(work, name)
    os.makedirs(root)
    archive = subprocess.run(["git", "-C", REPO, "archive", "HEAD"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", root], input=archive, check=True)
    translation = re.compile(r"^[^.]+\.([a-z]{2})\.(md|yaml)$")
    for base, _, files in os.walk(root):
        for f in files:
            m = translation.match(f)
            in_strings = os.path.basename(base) == "strings" and f.endswith(".yaml")
            code = m.group(1) if m else (f[:-5] if in_strings else None)
            if code and code not in keep:
                os.remove(os.path.join(base, f))
    config = os.path.join(root, "casebook.yaml")
    out, block, skipping = [], False, False
    for line in open(config, encoding="utf-8").read().splitlines():
        if line.startswith("languages:"):
            block, skipping = True, not keep
        elif block and re.match(r"  [a-z]{2}:", line):
            skipping = line.strip()[:-1] not in keep
        elif block and not line.startswith("    "):
            block, skipping = False, False
        if not skipping:
            out.append(line)
    open(config, "w", encoding="utf-8").write("\n".join(out) + "\n")
    return root


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default=os.path.join(REPO, "target/release/casebook"))
    p.add_argument("--runs", type=int, default=9)
    a = p.parse_args()
    scratch = "/dev/shm" if os.path.isdir("/dev/shm") else None
    work = tempfile.mkdtemp(prefix="casebook-languages-", dir=scratch)
    try:
        sites = {
            "en + ru + zh": variant(work, "three", ["ru", "zh"]),
            "en + ru": variant(work, "two", ["ru"]),
            "en": variant(work, "one", []),
        }
        out = os.path.join(work, "public")
        for flags in ([], ["--no-search"]):
            times = {k: [] for k in sites}
            for i in range(a.runs):
                order = list(sites.items())
                if i % 2:
                    order.reverse()
                for name, root in order:
                    t = time.perf_counter()
                    subprocess.run([a.bin, "build", "--root", root, "--output", out, *flags], check=True, capture_output=True)
                    times[name].append(time.perf_counter() - t)
            base = statistics.median(times["en"])
            print(f"build {' '.join(flags) or '(default, search on)'}, median of {a.runs}:")
            for name, ts in times.items():
                m = statistics.median(ts)
                print(f"  {name:14} {m * 1000:7.0f} ms  ({m / base:.2f} × English only)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
