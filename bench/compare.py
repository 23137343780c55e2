#!/usr/bin/env python3
"""casebook against Hugo on generated corpora, plus serve's edit latencies.

    cargo build --release
    python3 bench/compare.py                 # everything, 5 runs each; writes bench/RESULTS.md
    python3 bench/compare.py --quick         # smoke run: 2 runs, N = 1,000 only
    python3 bench/compare.py --only serve    # one part: casebook | hugo | domain | serve (repeatable)

Corpora come from ../shared/bench/gen_corpus.py (--gen) and live under
--workdir (default /dev/shm/casebook-bench, a RAM disk, so the disk does not
time anything): flavours `casebook` and `hugo` at N = 1,000, 10,000 and
100,000 pages (the same text, metadata and links; `--sizes` to choose), and
`casebook-domain` at 2,500 cases. At 100,000 pages each tool runs --huge-runs
times (default 3) without a warm-up.
A corpus is generated again only when the generator or its arguments
change (or with --regen).

Builds (both tools write into an emptied output directory under --workdir):

    target/release/casebook build --root CORPUS --output OUT --no-search
    target/release/casebook build --root CORPUS --output OUT     # "casebook+search"
    hugo --source CORPUS --destination OUT --quiet

Hugo builds no search index, so the build set against it is casebook's with
--no-search (when the binary has that flag); casebook's default build, which
also writes the Pagefind index, runs in the same rounds and its extra cost is
reported on its own. The binary is copied to --workdir first, so a
`cargo build` by someone else during the run does not change what is timed.

casebook and Hugo run in alternation, run i of each side by side (the order
flips every run), after --warmup unmeasured runs each. Every run records the
wall time, the child's CPU time (user + sys) and peak resident memory
(ru_maxrss), both from os.wait4. The report gives medians, the casebook/Hugo
wall ratio pair by pair and its median, the growth factor
casebook(10,000)/casebook(1,000), the domain corpus against the plain one,
and the targets of SPEC.md "Performance". It also measures how much CPU
other processes used during each series: others compiling on the machine
make the absolute times noisy; the pairwise ratio is the robust figure.

Serve: `casebook serve --root CORPUS --port P` on the 10,000-page casebook
corpus; once it serves, --serve-edits times a unique word is appended to one
page's Markdown and the page's URL is polled until the word shows
(bench/benchlib.py, shared with bench/serve_edit_latency.py). The median
latency is set against the median full build of the same corpus.

Search: on the default build's output at 10,000 pages and more,
bench/search_download.mjs opens /search/?q=WORD in headless Chromium and adds
up what it downloads under /pagefind/ until the results show; under serve, the
same edits are timed until a search of the served site (bench/search_query.mjs,
Pagefind's own script with every shard merged) finds the edited page.

A failed casebook build is not timed: its diagnostics go into the report.
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PARTS = ("casebook", "hugo", "search", "domain", "serve")

# SPEC.md "Performance" and the figures agreed for it.
TARGET_RATIO = 0.25        # casebook/Hugo wall time, 10,000 plain pages
TARGET_RSS_MIB = 400       # casebook peak memory, 10,000 plain pages
TARGET_GROWTH = 10         # casebook time(10,000) / time(1,000)
TARGET_DOMAIN_RSS_MIB = 1024
TARGET_SERVE_SHARE = 0.05  # edit-to-served latency / full build
# The search figures (default build, with the Pagefind index).
TARGET_SEARCH_RATIO = 1.0      # casebook+search / Hugo wall time, 10,000 plain pages
TARGET_SEARCH_RSS_MIB = 600    # casebook+search peak memory, 10,000 plain pages
TARGET_DOMAIN_FACTOR = 1.3     # domain corpus / plain 10,000 pages (no search)
TARGET_HUGE = 100000           # the large plain corpus
TARGET_HUGE_RSS_MIB = 2048     # casebook+search peak memory at TARGET_HUGE pages
TARGET_HUGE_GROWTH = 11        # time(100,000) / time(10,000), with and without search
TARGET_FRESH_MS = 1000         # serve: saving an edit to the search finding it (median)
TARGET_DOWNLOAD_KB = 500       # the browser's download for a first search
DOWNLOAD_WORDS = ("lorem", "zeta", "nosuchword")  # on every page, a tag, on none


def q(cmd):
    return " ".join(shlex.quote(str(c)) for c in cmd)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# corpora
# --------------------------------------------------------------------------
def ensure_corpus(args, flavor, n, commands):
    root = Path(args.workdir) / "corpora" / ("%s-%d" % (flavor, n))
    cmd = [sys.executable, args.gen, str(n), str(root), "--flavor", flavor]
    commands.append(q(["python3"] + cmd[1:]))
    gen_hash = hashlib.sha256(Path(args.gen).read_bytes()).hexdigest()
    stamp = "%s %s %d\n" % (gen_hash, flavor, n)
    stamp_file = root.parent / (root.name + ".stamp")
    if not args.regen and root.is_dir() and stamp_file.is_file() \
            and stamp_file.read_text() == stamp:
        log("corpus %s: reused" % root)
        return root
    log("corpus %s: generating" % root)
    stamp_file.unlink(missing_ok=True)
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    stamp_file.write_text(stamp)
    return root


DIAG = re.compile(r"^(\S+?):\d+:\d+: (warning|error): (.*)$")


def summarize_diagnostics(text):
    """Counts `file:line:col: warning|error: message` lines by severity and
    message; keeps the first occurrence of each."""
    counts = {}
    for line in text.splitlines():
        m = DIAG.match(line)
        if m:
            key = "%s: %s" % (m.group(2), m.group(3))
            c = counts.setdefault(key, {"count": 0, "first": line})
            c["count"] += 1
    return counts


def count_files(d):
    total = html = 0
    for _, _, files in os.walk(d):
        total += len(files)
        html += sum(1 for f in files if f.endswith(".html"))
    return total, html


# --------------------------------------------------------------------------
# build series
# --------------------------------------------------------------------------
class Tool:
    def __init__(self, name, corpus, out, cmd):
        self.name, self.corpus, self.out, self.cmd = name, corpus, out, cmd
        self.runs = []
        self.warmups = []
        self.error = None
        self.files = None

    def run_once(self):
        if self.out.exists():
            shutil.rmtree(self.out)
        # casebook stages beside the output (.NAME.staging-PID): drop leftovers
        for p in self.out.parent.glob("." + self.out.name + ".*"):
            if p.is_dir():
                shutil.rmtree(p)
        r = benchlib.run_measured(self.cmd)
        if r["returncode"] != 0:
            self.error = {"command": q(self.cmd), "returncode": r["returncode"],
                          "stdout": r["stdout"], "stderr": r["stderr"]}
        elif self.files is None:
            self.files = count_files(self.out)
        return r

    def summary(self):
        runs = self.runs
        med = benchlib.median
        return {
            "tool": self.name, "corpus": str(self.corpus), "command": q(self.cmd),
            "runs": len(runs),
            "wall_s": med([r["wall_s"] for r in runs]),
            "cpu_s": med([r["cpu_s"] for r in runs]),
            "user_s": med([r["user_s"] for r in runs]),
            "sys_s": med([r["sys_s"] for r in runs]),
            "maxrss_mib": med([r["maxrss_mib"] for r in runs]),
            "maxrss_mib_max": max([r["maxrss_mib"] for r in runs], default=float("nan")),
            "wall_min_s": min([r["wall_s"] for r in runs], default=float("nan")),
            "wall_max_s": max([r["wall_s"] for r in runs], default=float("nan")),
            "files": self.files,
            "error": self.error,
            "all_runs": [{k: r[k] for k in ("wall_s", "user_s", "sys_s", "cpu_s", "maxrss_mib")}
                         for r in runs],
            "summary_line": (runs[-1]["stdout"].strip().splitlines() or [""])[-1] if runs else "",
            "diagnostics": summarize_diagnostics(runs[-1]["stdout"] + runs[-1]["stderr"]) if runs else {},
        }


def run_series(tools, runs, warmup, label):
    """Runs the tools in alternation: warmups, then `runs` rounds; in odd
    rounds the order is reversed so neither tool always goes first."""
    log("series %s: %s, %d warm-up + %d runs" % (label, ", ".join(t.name for t in tools), warmup, runs))
    meter = benchlib.LoadMeter()
    own_cpu = 0.0
    for _ in range(warmup):
        for t in tools:
            if t.error is None:
                r = t.run_once()
                own_cpu += r["cpu_s"]
                t.warmups.append(r)
    for i in range(runs):
        order = tools if i % 2 == 0 else list(reversed(tools))
        for t in order:
            if t.error is None:
                r = t.run_once()
                own_cpu += r["cpu_s"]
                if t.error is None:
                    t.runs.append(r)
                    log("  %-8s run %d: %.3f s wall, %.3f s cpu, %.0f MiB"
                        % (t.name, i + 1, r["wall_s"], r["cpu_s"], r["maxrss_mib"]))
                else:
                    log("  %-8s FAILED (exit %d)" % (t.name, r["returncode"]))
    load = meter.stop(own_cpu)
    log("  other processes used %.2f cores on average; compilers seen: %s"
        % (load["other_cores"], ", ".join(sorted(set(load["compilers_seen"]))) or "none"))
    return load


def pair_ratios(cb, hugo):
    n = min(len(cb.runs), len(hugo.runs))
    return [cb.runs[i]["wall_s"] / hugo.runs[i]["wall_s"] for i in range(n)]


# --------------------------------------------------------------------------
# serve
# --------------------------------------------------------------------------
def serve_bench(args, corpus, commands):
    section = sorted(p for p in (corpus / "content").iterdir() if p.is_dir())
    section = section[len(section) // 2]
    page = sorted(p for p in section.glob("*.md") if p.name != "_index.md")[0]
    url = "%s/%s/" % (section.name, page.stem)
    tmp = Path(args.workdir) / "serve-tmp"
    cmd = [args.bin, "serve", "--root", str(corpus), "--port", "P"]
    commands.append("TMPDIR=%s %s   # P: a free port" % (tmp, q(cmd)))
    log("serve on %s, editing %s" % (corpus, page.relative_to(corpus)))
    meter = benchlib.LoadMeter()
    with benchlib.ServeSession(args.bin, corpus, tmpdir=tmp) as s:
        if benchlib.fetch(s.base + url) is None:
            raise RuntimeError("serve does not serve %s" % (s.base + url))
        initial_builds = len(s.rebuild_ms)
        # 1.5 s apart: the search index of one edit (under a second) is
        # written before the next, so edits are timed on an idle server.
        lat = benchlib.edit_latencies(s.base, page, url, args.serve_edits, timeout=args.serve_timeout,
                                      pause=1.5)
        # The search index is built after each build, on its own thread:
        # first wait for the one of the initial build.
        deadline = time.perf_counter() + args.serve_timeout
        while not any("search index updated" in l for _, _, l in s.lines):
            if time.perf_counter() > deadline:
                raise RuntimeError("serve never reported a search index:\n" + s.output_tail())
            time.sleep(0.05)
        fresh = benchlib.search_latencies(s.base, page, url, args.serve_edits, timeout=args.serve_timeout)
        index_lines = [l for _, _, l in s.lines if l.startswith("search index updated")]
        rss = s.peak_rss_mib()
        rebuilds = s.rebuild_ms[initial_builds:]
        res = {
            "corpus": str(corpus), "page": str(page.relative_to(corpus)), "url": url,
            "startup_s": s.ready_s, "initial_build_ms": s.rebuild_ms[:initial_builds],
            "latencies_ms": lat, "median_ms": benchlib.median(lat),
            "min_ms": min(lat), "max_ms": max(lat),
            "rebuild_ms": rebuilds, "rebuild_median_ms": benchlib.median(rebuilds),
            "peak_rss_mib": rss,
            "search_latencies_ms": fresh, "search_median_ms": benchlib.median(fresh),
            "index_lines": index_lines[-3:],
        }
    res["load"] = meter.stop(0.0)  # the server's CPU is counted as "other" here
    for l in lat:
        log("  edit served after %.0f ms" % l)
    for l in fresh:
        log("  edit found by search after %.0f ms" % l)
    return res


def download_bench(site, commands):
    """The browser's first-search download on a built site, for each of
    DOWNLOAD_WORDS (bench/search_download.mjs)."""
    cmd = ["node", str(REPO / "bench/search_download.mjs"), str(site)] + list(DOWNLOAD_WORDS)
    commands.append(q(cmd))
    log("browser download on %s" % site)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        raise RuntimeError("%s exited with %d:\n%s" % (q(cmd), r.returncode, r.stderr[-4000:]))
    return [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]


# --------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------
def f_s(x):
    return "n/a" if x is None or x != x else "%.3f s" % x


def f_mib(x):
    return "n/a" if x is None or x != x else "%.0f MiB" % x


def verdict(ok):
    return "**met**" if ok else "**missed**"


def versions(args):
    commit = benchlib.cmd_output(["git", "rev-parse", "HEAD"], cwd=REPO)
    dirty = benchlib.cmd_output(["git", "status", "--porcelain", "--", "src", "Cargo.toml",
                                 "Cargo.lock", "themes"], cwd=REPO)
    binp = Path(args.bin)
    bin_time = (datetime.datetime.fromtimestamp(binp.stat().st_mtime).isoformat(timespec="seconds")
                if binp.exists() else "missing")
    return {
        "casebook_commit": commit,
        "casebook_tree": "with uncommitted changes under src/ etc." if dirty else "clean",
        "casebook_binary": "%s (built %s)" % (args.bin, bin_time),
        "hugo": benchlib.cmd_output([args.hugo, "version"]),
        "rustc": benchlib.cmd_output(["rustc", "--version"]),
        "python": sys.version.split()[0],
    }


def write_report(args, data, path):
    L = []
    add = L.append
    m, v = data["machine"], data["versions"]
    add("# casebook benchmarks")
    add("")
    add("Generated by `%s` on %s. Each figure is the median of the measured runs; "
        "times are wall-clock unless marked CPU (user + sys of the build process), "
        "memory is the peak resident set (ru_maxrss)." % (data["invocation"], data["date"]))
    add("")
    add("## Machine and versions")
    add("")
    add("| | |")
    add("| --- | --- |")
    add("| CPU | %s, %s cores (nproc) |" % (m["cpu"], m["nproc"]))
    add("| RAM | %s |" % m["ram"])
    add("| kernel | %s |" % m["kernel"])
    add("| casebook | commit `%s`, working tree %s; binary %s |"
        % (v["casebook_commit"][:12], v["casebook_tree"], v["casebook_binary"]))
    add("| Hugo | `%s` |" % v["hugo"])
    add("| rustc | `%s` |" % v["rustc"])
    add("| Python | %s |" % v["python"])
    add("| runs | %d measured + %d warm-up per corpus and tool, casebook and Hugo alternating |"
        % (data["runs"], data["warmup"]))
    add("")

    series = data["series"]
    if series:
        add("## Load during the runs")
        add("")
        add("Other processes' CPU use during each series (all cores busy minus the measured "
            "builds), in cores out of %s. Anything well above 0 makes absolute times noisy; "
            "the pairwise casebook/Hugo ratio is the robust figure." % m["nproc"])
        add("")
        add("| series | duration | other load (cores) | load avg (start → end) | compilers seen |")
        add("| --- | --- | --- | --- | --- |")
        for name, s in series.items():
            ld = s["load"]
            add("| %s | %.0f s | %.2f | %.2f → %.2f | %s |"
                % (name, ld["elapsed_s"], ld["other_cores"], ld["loadavg1_start"],
                   ld["loadavg1_end"], ", ".join(sorted(set(ld["compilers_seen"]))) or "none"))
        if data.get("serve"):
            ld = data["serve"]["load"]
            add("| serve edit | %.0f s | %.2f (includes the server itself) | %.2f → %.2f | %s |"
                % (ld["elapsed_s"], ld["other_cores"], ld["loadavg1_start"], ld["loadavg1_end"],
                   ", ".join(sorted(set(ld["compilers_seen"]))) or "none"))
        add("")

    # targets
    t = data["targets"]
    if t:
        add("## Targets")
        add("")
        add("| target | measured | |")
        add("| --- | --- | --- |")
        for row in t:
            add("| %s | %s | %s |" % (row["target"], row["measured"],
                                      "n/a" if row["ok"] is None else verdict(row["ok"])))
        add("")

    results = [s for ser in series.values() for s in ser["tools"]]
    if results:
        add("## Medians")
        add("")
        add("| corpus | tool | runs | wall | CPU | user | sys | CPU/wall | peak memory (median / max) | files written (html) |")
        add("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in results:
            if r["error"] and not r["runs"]:
                add("| %s | %s | 0 | build failed (exit %d), see Errors | | | | | | |"
                    % (r["label"], r["tool"], r["error"]["returncode"]))
                continue
            files = "%d (%d)" % tuple(r["files"]) if r["files"] else "n/a"
            add("| %s | %s | %d | %s | %s | %s | %s | %.2f | %s / %s | %s |"
                % (r["label"], r["tool"], r["runs"], f_s(r["wall_s"]), f_s(r["cpu_s"]),
                   f_s(r["user_s"]), f_s(r["sys_s"]), r["cpu_s"] / r["wall_s"],
                   f_mib(r["maxrss_mib"]), f_mib(r["maxrss_mib_max"]), files))
        add("")
        add("casebook's own summary lines (last run):")
        add("")
        add("```")
        for r in results:
            if r["tool"].startswith("casebook") and r["summary_line"]:
                add("%s, %s: %s" % (r["label"], r["tool"], r["summary_line"]))
        add("```")
        add("")

    if data["pairs"]:
        add("## casebook/Hugo, pair by pair")
        add("")
        add("Run i of casebook against run i of Hugo, which ran right before or after it.")
        add("")
        for label, p in data["pairs"].items():
            add("**%s**: median ratio **%.3f** (Hugo/casebook = %.1f×)"
                % (label, p["median"], 1 / p["median"] if p["median"] else float("nan")))
            add("")
            add("| run | casebook wall | Hugo wall | ratio |")
            add("| --- | --- | --- | --- |")
            for i, (c, h, r) in enumerate(zip(p["casebook"], p["hugo"], p["ratios"]), 1):
                add("| %d | %.3f s | %.3f s | %.3f |" % (i, c, h, r))
            add("")

    if data["growth"]:
        add("## Growth with the number of pages")
        add("")
        add("| pages | tool | wall ratio | CPU ratio |")
        add("| --- | --- | --- | --- |")
        for step, tools in data["growth"].items():
            for tool, g in tools.items():
                add("| %s | %s | %.2f | %.2f |" % (step, tool, g["wall"], g["cpu"]))
        add("")

    if data["search"]:
        add("## Search indexing on its own")
        add("")
        add("`casebook` above builds with `--no-search` (Hugo builds no search index); "
            "`casebook+search` is the default build, which also indexes every page with Pagefind. "
            "The extra time is taken pair by pair (runs i of both, in the same round).")
        add("")
        add("| corpus | without index | with index | extra wall (pairwise median) | extra CPU | peak memory without → with | with index / Hugo |")
        add("| --- | --- | --- | --- | --- | --- | --- |")
        for label, x in data["search"].items():
            add("| %s | %s | %s | %s (%.0f %% of the build without) | %s | %s → %s | %s |"
                % (label, f_s(x["without_s"]), f_s(x["with_s"]), f_s(x["extra_s"]),
                   100 * x["extra_s"] / x["without_s"], f_s(x["extra_cpu_s"]),
                   f_mib(x["rss_without_mib"]), f_mib(x["rss_with_mib"]),
                   "%.3f" % x["hugo_ratio"] if "hugo_ratio" in x else "n/a"))
        add("")

    sv = data.get("serve")
    if sv:
        add("## serve: edit to served")
        add("")
        add("`casebook serve` on `%s`; %d edits of `%s`, each appending a unique word, timed "
            "from writing the file until `%s` serves the word (polled every 5 ms); edits are 1.5 s "
            "apart, so the search index of the previous edit is written before the next."
            % (sv["corpus"], len(sv["latencies_ms"]), sv["page"], sv["url"]))
        add("")
        add("| | |")
        add("| --- | --- |")
        add("| startup until serving | %.2f s (initial build %s ms) |"
            % (sv["startup_s"], ", ".join(str(x) for x in sv["initial_build_ms"])))
        add("| edit to served, median | **%.0f ms** (min %.0f, max %.0f) |"
            % (sv["median_ms"], sv["min_ms"], sv["max_ms"]))
        add("| all edits | %s ms |" % ", ".join("%.0f" % x for x in sv["latencies_ms"]))
        add("| rebuilds reported by serve | %s ms (median %s) |"
            % (", ".join(str(x) for x in sv["rebuild_ms"]) or "none",
               "%.0f" % sv["rebuild_median_ms"] if sv["rebuild_ms"] else "n/a"))
        for ref in sv.get("references", []):
            add("| full build `%s`, median | %.3f s (%s); edit latency / build = **%.1f %%** |"
                % (ref["command"], ref["wall_s"], ref["source"], 100 * ref["share"]))
        add("| server peak memory | %s |" % f_mib(sv["peak_rss_mib"]))
        add("")

    if data.get("download"):
        add("## What the browser downloads for a first search")
        add("")
        add("`bench/search_download.mjs`: headless Chromium opens `/search/?q=WORD` on the default "
            "build's output, served locally, and adds up every response under `/pagefind/` until "
            "the result summary shows. \"As served\" is the bytes of the files (Pagefind's index "
            "files are gzip-compressed already); \"hosted\" also gzips the scripts and JSON, as "
            "web hosts do.")
        add("")
        add("| corpus | query | results | requests | shown after | scripts | WebAssembly | entry + shard list | metadata | word chunks | fragments | total as served | total hosted |")
        add("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        kb = lambda d, k: "%.0f kB" % (d.get(k, 0) / 1000)
        for label, words in data["download"].items():
            for w in words:
                b = w["bytes"]
                add("| %s | `%s` | %s | %d | %d ms | %s | %s | %s | %s | %s | %s | **%.0f kB** | %.0f kB |"
                    % (label, w["word"], w["summary"], w["requests"], w["results_shown_ms"],
                       kb(b, "scripts and styles"), kb(b, "WebAssembly"), kb(b, "entry and shard list"),
                       kb(b, "metadata"), kb(b, "word chunks"), kb(b, "result fragments"),
                       w["total"] / 1000, w["total_hosted"] / 1000))
        add("")

    if sv and sv.get("search_latencies_ms"):
        add("## serve: edit to search result")
        add("")
        add("The same session, after the edits above: %d more edits of `%s`, each appending a "
            "unique word (letters only), timed from writing the file until a search of the served "
            "site finds `%s` for that word (`bench/search_query.mjs`: Pagefind's script from the "
            "site with every shard merged, from nothing for each query, as a reader opening the "
            "search page would)." % (len(sv["search_latencies_ms"]), sv["page"], sv["url"]))
        add("")
        add("| | |")
        add("| --- | --- |")
        add("| edit to search result, median | **%.0f ms** (min %.0f, max %.0f) |"
            % (sv["search_median_ms"], min(sv["search_latencies_ms"]), max(sv["search_latencies_ms"])))
        add("| all edits | %s ms |" % ", ".join("%.0f" % x for x in sv["search_latencies_ms"]))
        add("| serve's last index messages | %s |" % "; ".join("`%s`" % l for l in sv.get("index_lines", [])))
        add("")

    diag_rows = [(r["label"], r["tool"], k, v) for r in results
                 for k, v in sorted(r.get("diagnostics", {}).items(), key=lambda kv: -kv[1]["count"])]
    if any("diagnostics" in r for r in results):
        add("## Diagnostics on the corpora")
        add("")
        if not diag_rows:
            add("No casebook build printed a warning or an error.")
        else:
            add(data.get("diagnostics_note") or
                "Warnings and errors casebook printed on a successful build (last measured run), "
                "by message. Printing them is part of the measured time.")
            add("")
            add("| corpus | tool | count | message | first |")
            add("| --- | --- | --- | --- | --- |")
            for label, tool, k, v in diag_rows:
                add("| %s | %s | %d | %s | `%s` |" % (label, tool, v["count"], k.replace("|", "\\|"),
                                                     v["first"].replace("|", "\\|")))
        add("")

    if data["errors"]:
        add("## Errors")
        add("")
        for e in data["errors"]:
            add("`%s` exited with %d:" % (e["command"], e["returncode"]))
            add("")
            add("```")
            text = (e["stdout"] + e["stderr"]).strip()
            lines = text.splitlines()
            if len(lines) > 200:
                lines = lines[:200] + ["… (%d more lines)" % (len(lines) - 200)]
            add("\n".join(lines))
            add("```")
            add("")

    add("## Commands")
    add("")
    add("```sh")
    for c in data["commands"]:
        add(c)
    add("```")
    add("")
    add("Output directories are emptied before every run (not timed). Corpora and outputs "
        "live on tmpfs (%s). The two tools do not write exactly the same files (the "
        "\"files written\" column): Hugo writes the pages, sections, 12 tag pages and a tag "
        "index; casebook writes what its default theme has (tag pages, index pages of its "
        "kinds, feeds, sitemap, 404, assets)." % args.workdir)
    add("")
    Path(path).write_text("\n".join(L))


# --------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=None, help="measured runs per corpus and tool (default 5, --quick 2)")
    ap.add_argument("--warmup", type=int, default=1, help="unmeasured runs first (default 1)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 2 runs, N = 1,000 only, 250 domain cases, 3 edits")
    ap.add_argument("--only", action="append", choices=PARTS,
                    help="run only this part (repeatable): casebook (--no-search), hugo, search "
                         "(casebook's default build, with its search index), domain, serve; "
                         "domain compares with the plain casebook build only when that runs too")
    ap.add_argument("--sizes", default=None,
                    help="plain corpus sizes, comma-separated (default 1000,10000,100000)")
    ap.add_argument("--huge-runs", type=int, default=3,
                    help="measured runs at 100,000 pages or more, after no warm-up (default 3)")
    ap.add_argument("--domain-cases", type=int, default=None, help="cases in the domain corpus (default 2500)")
    ap.add_argument("--serve-edits", type=int, default=None, help="edits timed under serve (default 10)")
    ap.add_argument("--serve-timeout", type=float, default=120, help="seconds an edit may take")
    ap.add_argument("--bin", default=str(REPO / "target/release/casebook"))
    ap.add_argument("--hugo", default="hugo")
    ap.add_argument("--gen", default=str((REPO / "../shared/bench/gen_corpus.py").resolve()))
    ap.add_argument("--workdir", default="/dev/shm/casebook-bench")
    ap.add_argument("--regen", action="store_true", help="generate the corpora again")
    ap.add_argument("--report", default=None,
                    help="Markdown report (default bench/RESULTS.md; --quick: WORKDIR/RESULTS-quick.md)")
    ap.add_argument("--render", metavar="JSON",
                    help="only write the Markdown report again from a saved RESULTS.json")
    args = ap.parse_args()
    if args.render:
        data = json.loads(Path(args.render).read_text())
        args.workdir = data.get("workdir", args.workdir)
        report = args.report or str(Path(args.render).with_suffix(".md"))
        write_report(args, data, report)
        log("report: %s" % report)
        return

    parts = set(args.only or PARTS)
    runs = args.runs if args.runs is not None else (2 if args.quick else 5)
    sizes = ([int(x) for x in args.sizes.split(",")] if args.sizes
             else ([1000] if args.quick else [1000, 10000, TARGET_HUGE]))
    domain_cases = args.domain_cases or (250 if args.quick else 2500)
    args.serve_edits = args.serve_edits or (3 if args.quick else 10)
    report = args.report or (str(Path(args.workdir) / "RESULTS-quick.md") if args.quick
                             else str(REPO / "bench/RESULTS.md"))
    args.bin = str(Path(args.bin).resolve())
    if not Path(args.bin).is_file():
        sys.exit("no %s: run `cargo build --release` first" % args.bin)
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    # Others may rebuild target/release while this runs: time a copy.
    ver = versions(args)
    digest = hashlib.sha256(Path(args.bin).read_bytes()).hexdigest()
    snap = Path(args.workdir) / "bin" / ("casebook-" + digest[:12])
    snap.parent.mkdir(exist_ok=True)
    if not snap.exists():
        shutil.copy2(args.bin, snap)
    ver["casebook_binary"] += ", sha256 %s…, timed as the copy %s" % (digest[:16], snap)
    args.bin = str(snap)
    if "hugo" in parts and shutil.which(args.hugo) is None:
        sys.exit("no hugo on PATH (apt-get install -y hugo)")
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    out = Path(args.workdir) / "out"
    out.mkdir(exist_ok=True)

    commands, errors = [], []
    data = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "invocation": " ".join(["python3 bench/compare.py"] + [shlex.quote(a) for a in sys.argv[1:]]),
        "machine": benchlib.machine_info(), "versions": ver,
        "runs": runs, "warmup": args.warmup,
        "series": {}, "pairs": {}, "growth": {}, "search": {}, "targets": [], "errors": errors,
        "commands": commands, "workdir": args.workdir,
    }
    casebook_median = {}   # (N, tool name) -> wall median, plain corpus
    # The build comparable with Hugo has no search index; search indexing is
    # measured on its own (SPEC.md), as "casebook+search" (the default build).
    has_no_search = "--no-search" in benchlib.cmd_output([args.bin, "build", "--help"])

    def cb_build(corpus, outdir, search):
        cmd = [args.bin, "build", "--root", str(corpus), "--output", str(outdir)]
        return cmd + ["--no-search"] if has_no_search and not search else cmd

    def record(label, tools, load):
        rows = []
        for t in tools:
            s = t.summary()
            s["label"] = label
            rows.append(s)
            if t.error:
                errors.append(t.error)
        data["series"][label] = {"tools": rows, "load": load}
        return rows

    # plain corpora: casebook and Hugo in alternation
    plain = {}
    for n in sizes:
        tools = []
        if "casebook" in parts:
            c = ensure_corpus(args, "casebook", n, commands)
            cmd = cb_build(c, out / ("casebook-%d" % n), search=False)
            commands.append(q(cmd))
            tools.append(Tool("casebook", c, out / ("casebook-%d" % n), cmd))
        if "search" in parts and has_no_search:
            c = ensure_corpus(args, "casebook", n, commands)
            cmd = cb_build(c, out / ("casebook-search-%d" % n), search=True)
            commands.append(q(cmd))
            tools.append(Tool("casebook+search", c, out / ("casebook-search-%d" % n), cmd))
        if "hugo" in parts:
            c = ensure_corpus(args, "hugo", n, commands)
            cmd = [args.hugo, "--source", str(c), "--destination", str(out / ("hugo-%d" % n)), "--quiet"]
            commands.append(q(cmd))
            tools.append(Tool("hugo", c, out / ("hugo-%d" % n), cmd))
        if not tools:
            continue
        label = "plain %d pages" % n
        huge = n >= TARGET_HUGE
        rows = record(label, tools, run_series(tools, min(runs, args.huge_runs) if huge else runs,
                                               0 if huge else args.warmup, label))
        plain[n] = {r["tool"]: r for r in rows}
        by = {t.name: t for t in tools}
        for name in ("casebook", "casebook+search"):
            if name in plain[n] and plain[n][name]["runs"]:
                casebook_median[(n, name)] = plain[n][name]["wall_s"]
        if "casebook" in by and "hugo" in by and by["casebook"].runs and by["hugo"].runs:
            ratios = pair_ratios(by["casebook"], by["hugo"])
            data["pairs"][label] = {
                "ratios": ratios, "median": benchlib.median(ratios),
                "casebook": [r["wall_s"] for r in by["casebook"].runs],
                "hugo": [r["wall_s"] for r in by["hugo"].runs],
            }
        a, b = by.get("casebook"), by.get("casebook+search")
        if a and b and a.runs and b.runs:
            k = min(len(a.runs), len(b.runs))
            extra = [b.runs[i]["wall_s"] - a.runs[i]["wall_s"] for i in range(k)]
            extra_cpu = [b.runs[i]["cpu_s"] - a.runs[i]["cpu_s"] for i in range(k)]
            data["search"][label] = {
                "n": n, "without_s": plain[n]["casebook"]["wall_s"], "with_s": plain[n]["casebook+search"]["wall_s"],
                "extra_s": benchlib.median(extra), "extra_cpu_s": benchlib.median(extra_cpu),
                "extra_pairs": extra,
                "rss_without_mib": plain[n]["casebook"]["maxrss_mib_max"],
                "rss_with_mib": plain[n]["casebook+search"]["maxrss_mib_max"],
            }
            if "hugo" in by and by["hugo"].runs:
                r2 = pair_ratios(b, by["hugo"])
                data["search"][label]["hugo_ratio"] = benchlib.median(r2)

    ordered = sorted(sizes)
    for lo, hi in zip(ordered, ordered[1:]):
        for tool in ("casebook", "casebook+search", "hugo"):
            a, b = plain.get(lo, {}).get(tool), plain.get(hi, {}).get(tool)
            if a and b and a["runs"] and b["runs"]:
                data["growth"].setdefault("%d→%d" % (lo, hi), {})[tool] = {
                    "wall": b["wall_s"] / a["wall_s"], "cpu": b["cpu_s"] / a["cpu_s"]}

    # the browser's download for a first search, on the default build's output
    if "search" in parts:
        data["download"] = {}
        for n in sizes:
            site = out / ("casebook-search-%d" % n)
            if n >= 10000 and (site / "pagefind").is_dir():
                try:
                    data["download"]["plain %d pages" % n] = download_bench(site, commands)
                except (RuntimeError, subprocess.TimeoutExpired) as e:
                    errors.append({"command": "node bench/search_download.mjs %s" % site,
                                   "returncode": -1, "stdout": str(e), "stderr": ""})

    # domain corpus
    domain = None
    if "domain" in parts:
        c = ensure_corpus(args, "casebook-domain", domain_cases, commands)
        cmd = cb_build(c, out / "casebook-domain", search=False)
        commands.append(q(cmd))
        tool = Tool("casebook", c, out / "casebook-domain", cmd)
        label = "domain %d cases" % domain_cases
        domain = record(label, [tool], run_series([tool], runs, args.warmup, label))[0]

    # serve
    if "serve" in parts:
        # serve is measured on the 10,000-page corpus (the largest below
        # TARGET_HUGE): at 100,000 pages its first index alone takes a minute.
        n = max([x for x in sizes if x < TARGET_HUGE] or sizes)
        c = ensure_corpus(args, "casebook", n, commands)
        try:
            sv = serve_bench(args, c, commands)
            # serve renders without the search index (it indexes later, on
            # its own thread): the strict reference is the build without
            # the index; the default build (with it) is reported beside it.
            refs = [("casebook", False), ("casebook+search", True)] if has_no_search else [("casebook", False)]
            sv["references"] = []
            for name, search in refs:
                if (n, name) in casebook_median:
                    wall, src = casebook_median[(n, name)], "the build series above"
                else:
                    outdir = out / ("%s-%d" % (name.replace("+", "-"), n))
                    cmd = cb_build(c, outdir, search)
                    commands.append(q(cmd))
                    t = Tool(name, c, outdir, cmd)
                    run_series([t], 3, 1, "serve reference build")
                    if not t.runs:
                        errors.append(t.error)
                        continue
                    wall, src = t.summary()["wall_s"], "median of 3 runs"
                sv["references"].append({
                    "name": name, "command": q(cb_build(c, out / "OUT", search)), "wall_s": wall,
                    "source": src, "share": sv["median_ms"] / 1000 / wall})
            if sv["references"]:
                sv["full_build_s"] = sv["references"][0]["wall_s"]
                sv["share"] = sv["references"][0]["share"]
            data["serve"] = sv
        except RuntimeError as e:
            errors.append({"command": "casebook serve --root %s" % c, "returncode": -1,
                           "stdout": str(e), "stderr": ""})

    # targets
    T = data["targets"]
    big = max(n for n in sizes if n < TARGET_HUGE) if any(n < TARGET_HUGE for n in sizes) else max(sizes)
    pair = data["pairs"].get("plain %d pages" % big)
    if pair:
        T.append({"target": "casebook/Hugo wall, %d plain pages ≤ %.2f" % (big, TARGET_RATIO),
                  "measured": "%.3f (pairwise median)" % pair["median"], "ok": pair["median"] <= TARGET_RATIO})
    cb_big = plain.get(big, {}).get("casebook")
    cb_big_median = casebook_median.get((big, "casebook"))
    if cb_big and cb_big["runs"]:
        T.append({"target": "peak memory, %d plain pages ≤ %d MiB" % (big, TARGET_RSS_MIB),
                  "measured": "%.0f MiB median, %.0f MiB max" % (cb_big["maxrss_mib"], cb_big["maxrss_mib_max"]),
                  "ok": cb_big["maxrss_mib_max"] <= TARGET_RSS_MIB})
    for step, tools in data["growth"].items():
        lo, hi = (int(x) for x in step.split("→"))
        limit = TARGET_HUGE_GROWTH if hi >= TARGET_HUGE else TARGET_GROWTH
        for tool in ("casebook", "casebook+search"):
            if tool in tools and (tool == "casebook" or hi >= TARGET_HUGE):
                g = tools[tool]
                # Under load either figure can mislead (wall: waiting for a
                # core; CPU: idle workers spinning), so both must be within.
                T.append({"target": "%s growth time(%d)/time(%d) ≤ %d (wall and CPU)" % (tool, hi, lo, limit),
                          "measured": "%.2f wall, %.2f CPU" % (g["wall"], g["cpu"]),
                          "ok": g["wall"] <= limit and g["cpu"] <= limit})
    srch = data["search"].get("plain %d pages" % big)
    if srch and "hugo_ratio" in srch:
        T.append({"target": "default build (search on)/Hugo wall, %d plain pages ≤ %.1f" % (big, TARGET_SEARCH_RATIO),
                  "measured": "%.3f (pairwise median); search is %.0f %% of the default build's wall time"
                  % (srch["hugo_ratio"], 100 * srch["extra_s"] / srch["with_s"]),
                  "ok": srch["hugo_ratio"] <= TARGET_SEARCH_RATIO})
    cbs_big = plain.get(big, {}).get("casebook+search")
    if cbs_big and cbs_big["runs"]:
        T.append({"target": "peak memory, default build, %d plain pages ≤ %d MiB" % (big, TARGET_SEARCH_RSS_MIB),
                  "measured": "%.0f MiB median, %.0f MiB max" % (cbs_big["maxrss_mib"], cbs_big["maxrss_mib_max"]),
                  "ok": cbs_big["maxrss_mib_max"] <= TARGET_SEARCH_RSS_MIB})
    cbs_huge = plain.get(TARGET_HUGE, {}).get("casebook+search")
    if cbs_huge and cbs_huge["runs"]:
        T.append({"target": "peak memory, default build, %d plain pages ≤ %d MiB" % (TARGET_HUGE, TARGET_HUGE_RSS_MIB),
                  "measured": "%.0f MiB median, %.0f MiB max" % (cbs_huge["maxrss_mib"], cbs_huge["maxrss_mib_max"]),
                  "ok": cbs_huge["maxrss_mib_max"] <= TARGET_HUGE_RSS_MIB})
    for label, words in data.get("download", {}).items():
        worst = max(words, key=lambda w: w["total"])
        T.append({"target": "first-search download in the browser, %s < %d kB" % (label, TARGET_DOWNLOAD_KB),
                  "measured": "%.0f kB as served for `%s` (the largest of %d queries; %.0f kB with scripts gzipped)"
                  % (worst["total"] / 1000, worst["word"], len(words), worst["total_hosted"] / 1000),
                  "ok": worst["total"] < TARGET_DOWNLOAD_KB * 1000})
    if domain and domain["runs"]:
        if cb_big_median:
            T.append({"target": "domain %d cases ≤ %.1f × the %d plain pages" % (domain_cases, TARGET_DOMAIN_FACTOR, big),
                      "measured": "%.3f s vs %.3f s (%.2f×)" % (domain["wall_s"], cb_big_median,
                                                                domain["wall_s"] / cb_big_median),
                      "ok": domain["wall_s"] <= TARGET_DOMAIN_FACTOR * cb_big_median})
        T.append({"target": "peak memory, domain %d cases ≤ 1 GiB" % domain_cases,
                  "measured": "%.0f MiB median, %.0f MiB max" % (domain["maxrss_mib"], domain["maxrss_mib_max"]),
                  "ok": domain["maxrss_mib_max"] <= TARGET_DOMAIN_RSS_MIB})
    elif domain:
        T.append({"target": "domain %d cases builds" % domain_cases, "measured": "build failed, see Errors",
                  "ok": False})
    sv = data.get("serve")
    if sv and sv.get("share") is not None:
        ref = sv["references"][0]
        T.append({"target": "serve edit ≤ %d %% of a full build (%d pages)" % (100 * TARGET_SERVE_SHARE, big),
                  "measured": "%.0f ms / %.0f ms = %.1f %% (build %s)"
                  % (sv["median_ms"], 1000 * ref["wall_s"], 100 * ref["share"],
                     "with search index, as serve builds" if ref["name"] == "casebook+search" else "without search index"),
                  "ok": sv["share"] <= TARGET_SERVE_SHARE})
    if sv and sv.get("search_latencies_ms"):
        T.append({"target": "serve: an edit's words found by search ≤ %d ms (median, %d pages)" % (TARGET_FRESH_MS, big),
                  "measured": "%.0f ms (min %.0f, max %.0f, %d edits)"
                  % (sv["search_median_ms"], min(sv["search_latencies_ms"]), max(sv["search_latencies_ms"]),
                     len(sv["search_latencies_ms"])),
                  "ok": sv["search_median_ms"] <= TARGET_FRESH_MS})

    data["commands"] = list(dict.fromkeys(commands))
    write_report(args, data, report)
    Path(report).with_suffix(".json").write_text(json.dumps(data, indent=1, default=str))
    log("report: %s" % report)
    print(Path(report).read_text())


if __name__ == "__main__":
    main()
