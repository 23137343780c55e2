#!/usr/bin/env python3
"""Time from saving an edit to `casebook serve` serving the new page.

Copies a knowledge base (the shipped one by default) to a scratch folder,
starts `casebook serve --port 0` on it, then edits one page N times and polls
the page until the edit shows. Prints the median, min and max in ms.

    cargo build --release
    python3 bench/serve_edit_latency.py [--bin target/release/casebook] [--root .] [--edits 9]
"""
import argparse, shutil, statistics, subprocess, tempfile, time, urllib.request
from pathlib import Path

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
        proc = subprocess.Popen([args.bin, "serve", "--port", "0", "--root", str(root)],
                                stdout=subprocess.PIPE, stderr=None, text=True)
        try:
            base = None
            for line in proc.stdout:
                if "http://" in line:
                    base = line[line.index("http://"):].split()[0]
                    break
            page = root / args.page
            original = page.read_text()
            times = []
            for i in range(args.edits):
                marker = f"edit-marker-{i}-{time.time_ns()}"
                t0 = time.perf_counter()
                page.write_text(original + f"\n\n{marker}\n")
                while True:
                    body = urllib.request.urlopen(base + args.url).read().decode()
                    if marker in body:
                        break
                    if time.perf_counter() - t0 > 20:
                        raise SystemExit(f"edit {i} not served within 20 s")
                    time.sleep(0.005)
                times.append((time.perf_counter() - t0) * 1000)
                time.sleep(0.3)
            print(f"edits: {len(times)}  median: {statistics.median(times):.0f} ms  "
                  f"min: {min(times):.0f} ms  max: {max(times):.0f} ms")
        finally:
            proc.kill()
            proc.wait()

if __name__ == "__main__":
    main()
