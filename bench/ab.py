#!/usr/bin/env python3
"""Two casebook binaries, side by side on one site: builds it with each in
alternation (the order flips every run, so drift and noise fall on both) and
prints the median wall time of each and the median of the pairwise ratios
new/old. Use it to check that a change costs what it should, e.g.

    python3 ../shared/bench/gen_corpus.py 2500 /dev/shm/dom --flavor casebook-domain
    python3 bench/ab.py --old /tmp/before/casebook --new target/release/casebook \\
        --root /dev/shm/dom --runs 9 -- --no-search

Arguments after `--` go to `casebook build`. Outputs go under /dev/shm.
"""
import argparse
import shutil
import statistics
import subprocess
import time


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--old", required=True, help="the casebook binary before the change")
    p.add_argument("--new", required=True, help="the casebook binary after the change")
    p.add_argument("--root", required=True, help="the site to build")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("args", nargs="*", help="extra arguments of `casebook build`")
    a = p.parse_args()
    times = {"old": [], "new": []}
    ratios = []
    for i in range(a.runs):
        run = {}
        for which in (["old", "new"] if i % 2 == 0 else ["new", "old"]):
            out = f"/dev/shm/casebook-ab-{which}"
            shutil.rmtree(out, ignore_errors=True)
            start = time.perf_counter()
            subprocess.run(
                [getattr(a, which), "build", "--root", a.root, "--output", out, *a.args],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
            )
            run[which] = time.perf_counter() - start
            times[which].append(run[which])
        ratios.append(run["new"] / run["old"])
    print(
        f"old median {statistics.median(times['old']):.2f} s, new median {statistics.median(times['new']):.2f} s, "
        f"median pairwise ratio new/old {statistics.median(ratios):.3f} ({a.runs} runs)"
    )


if __name__ == "__main__":
    main()
