#!/usr/bin/env python3
"""Time from saving an edit to `casebook serve` serving the new page.

Copies a knowledge base (the shipped one by default) to a scratch folder,
starts `casebook serve` on it, then edits one page N times and polls the
page until the edit shows. Prints the median, min and max in ms. The same
measurement on a generated 10,000-page corpus is part of bench/compare.py;
both use bench/benchlib.py.

    cargo build --release
    python3 bench/serve_edit_latency.py [--bin target/release/casebook] [--root .] [--edits 9]
"""
import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/casebook")
    ap.add_argument("--root", default=".")
    ap.add_argument("--page", default="content/cases/aliexpress-russia/entry.md")
    ap.add_argument("--url", default="cases/aliexpress-russia/entry/")
    ap.add_argument("--edits", type=int, default=9)
    args = ap.parse_args()
    src = Path(args.root)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "kb"
        root.mkdir()
        for name in ["casebook.yaml", "content", "themes", "templates", "static"]:
            p = src / name
            if p.is_dir():
                shutil.copytree(p, root / name)
            elif p.is_file():
                shutil.copy(p, root / name)
        with benchlib.ServeSession(Path(args.bin).resolve(), root, tmpdir=Path(tmp) / "tmp") as s:
            times = benchlib.edit_latencies(s.base, root / args.page, args.url, args.edits, timeout=20)
        print(f"edits: {len(times)}  median: {statistics.median(times):.0f} ms  "
              f"min: {min(times):.0f} ms  max: {max(times):.0f} ms")


if __name__ == "__main__":
    main()
