"""Shared helpers for the benchmark scripts in bench/ (stdlib only).

- run_measured(): run a command, return wall time and the child's own CPU
  time and peak RSS (from os.wait4, so nothing else is counted);
- ServeSession: start `casebook serve`, wait until it serves, drain its output;
- edit_latencies(): edit a Markdown page repeatedly and time until the served
  page shows each edit;
- machine_info(), LoadMeter: what the numbers were measured on, and what
  else ran on the machine meanwhile.
"""
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path


# --------------------------------------------------------------------------
# one measured run
# --------------------------------------------------------------------------
def run_measured(cmd, cwd=None, env=None):
    """Runs cmd to completion. Returns a dict with wall_s, user_s, sys_s,
    cpu_s, maxrss_mib (peak resident set of the child, from ru_maxrss),
    returncode, stdout, stderr (both text)."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out_w, stderr=err_w,
                            stdin=subprocess.DEVNULL)
    os.close(out_w)
    os.close(err_w)
    chunks = {out_r: [], err_r: []}

    def drain(fd):
        with os.fdopen(fd, "rb") as f:
            for block in iter(lambda: f.read(65536), b""):
                chunks[fd].append(block)

    readers = [threading.Thread(target=drain, args=(fd,), daemon=True) for fd in (out_r, err_r)]
    for r in readers:
        r.start()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    for r in readers:
        r.join()
    return {
        "wall_s": wall,
        "user_s": ru.ru_utime,
        "sys_s": ru.ru_stime,
        "cpu_s": ru.ru_utime + ru.ru_stime,
        "maxrss_mib": ru.ru_maxrss / 1024.0,  # Linux: KiB
        "returncode": proc.returncode,
        "stdout": b"".join(chunks[out_r]).decode("utf-8", "replace"),
        "stderr": b"".join(chunks[err_r]).decode("utf-8", "replace"),
    }


def median(xs):
    return statistics.median(xs) if xs else float("nan")


# --------------------------------------------------------------------------
# casebook serve
# --------------------------------------------------------------------------
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch_status(url, timeout=10):
    """(HTTP status, body) of url, or (None, error text) if nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, OSError) as e:
        return None, str(e)


def fetch(url, timeout=10):
    """Body of url as text, or None if it is not (yet) served with 200."""
    status, body = fetch_status(url, timeout)
    return body if status == 200 else None


class ServeSession:
    """`casebook serve` on root, started on enter and killed on exit.

    Its output is drained on threads (so a full pipe never blocks it);
    `rebuild_ms` collects the "built in N ms" (first build) and "rebuilt in
    N ms" lines. The scratch directory
    serve builds into lives under `tmpdir` (TMPDIR of the child) and is
    removed on exit."""

    def __init__(self, binary, root, port=None, tmpdir=None, startup_timeout=300):
        self.binary, self.root = str(binary), Path(root)
        self.port = port or free_port()
        self.tmpdir = tmpdir
        self.startup_timeout = startup_timeout
        self.lines = []
        self.rebuild_ms = []
        self.base = None
        self.ready_s = None
        self._serving = threading.Event()

    def _drain(self, stream, name):
        for line in stream:
            line = line.rstrip("\n")
            self.lines.append((time.perf_counter(), name, line))
            m = re.search(r"\b(?:re)?built in (\d+) ms", line)
            if m:
                self.rebuild_ms.append(int(m.group(1)))
            if "http://" in line and self.base is None:
                self.base = line[line.index("http://"):].split()[0]
                self._serving.set()

    def __enter__(self):
        env = dict(os.environ)
        if self.tmpdir:
            os.makedirs(self.tmpdir, exist_ok=True)
            env["TMPDIR"] = str(self.tmpdir)
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--root", str(self.root), "--port", str(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            text=True, env=env)
        for stream, name in ((self.proc.stdout, "out"), (self.proc.stderr, "err")):
            threading.Thread(target=self._drain, args=(stream, name), daemon=True).start()
        # Serving means: the "serving ... at URL" line is out and the home page answers.
        deadline = t0 + self.startup_timeout
        while not self._serving.wait(0.05):
            if self.proc.poll() is not None:
                raise RuntimeError("casebook serve exited with %s:\n%s"
                                   % (self.proc.returncode, self.output_tail()))
            if time.perf_counter() > deadline:
                raise RuntimeError("casebook serve did not start within %d s" % self.startup_timeout)
        while True:
            status, body = fetch_status(self.base)
            if status == 200:
                break
            if status is not None:
                raise RuntimeError("casebook serve answers %s with %d (a failed build?):\n%s\n%s"
                                   % (self.base, status, body[:4000], self.output_tail()))
            if time.perf_counter() > deadline:
                raise RuntimeError("casebook serve does not answer at " + self.base)
            time.sleep(0.02)
        self.ready_s = time.perf_counter() - t0
        return self

    def peak_rss_mib(self):
        """VmHWM of the running server (peak resident set so far)."""
        try:
            for line in Path("/proc/%d/status" % self.proc.pid).read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
        except OSError:
            pass
        return None

    def output_tail(self, n=20):
        return "\n".join(l for _, _, l in self.lines[-n:])

    def __exit__(self, *exc):
        pid = self.proc.pid
        self.proc.kill()
        self.proc.wait()
        if self.tmpdir:
            scratch = Path(self.tmpdir) / ("casebook-serve-%d" % pid)
            if scratch.is_dir():
                subprocess.run(["rm", "-rf", str(scratch)], check=False)
        return False


def edit_latencies(base_url, page_path, url_path, edits, timeout=60, pause=0.3, poll=0.005):
    """Appends a unique word to page_path `edits` times (each edit replaces
    the previous one) and polls base_url + url_path until the word is served.
    Returns the latencies in ms. The page is restored afterwards."""
    page = Path(page_path)
    original = page.read_text(encoding="utf-8")
    times = []
    try:
        for i in range(edits):
            marker = "editmarker%d%d" % (i, time.time_ns())
            t0 = time.perf_counter()
            page.write_text(original + "\n\n" + marker + "\n", encoding="utf-8")
            while True:
                body = fetch(base_url + url_path)
                if body is not None and marker in body:
                    break
                if time.perf_counter() - t0 > timeout:
                    raise RuntimeError("edit %d not served within %d s" % (i, timeout))
                time.sleep(poll)
            times.append((time.perf_counter() - t0) * 1000)
            time.sleep(pause)
    finally:
        page.write_text(original, encoding="utf-8")
    return times


class SearchQuerier:
    """bench/search_query.mjs kept running: query(base_url, word) returns
    the paths of the pages the site's search finds, read fresh each time."""

    def __init__(self):
        script = Path(__file__).resolve().parent / "search_query.mjs"
        self.proc = subprocess.Popen(["node", str(script)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)

    def query(self, base_url, word):
        self.proc.stdin.write("%s %s\n" % (base_url, word))
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        return answer if isinstance(answer, list) else []

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def letters(n):
    """n spelled in the letters a-z: a word search tools keep whole (they
    split words at digits)."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(ord("a") + r) + out
        if n == 0:
            return out


def search_latencies(base_url, page_path, url_path, edits, timeout=60, pause=0.3):
    """Appends a unique word to page_path `edits` times (each edit replaces
    the previous one) and searches the served site for it until the page at
    url_path is found. Returns the latencies in ms, from saving the edit to
    the search result. The page is restored afterwards."""
    page = Path(page_path)
    original = page.read_text(encoding="utf-8")
    want = "/" + url_path.lstrip("/")
    querier = SearchQuerier()
    times = []
    try:
        for i in range(edits):
            marker = "searchmarker" + letters(time.time_ns() * 100 + i)
            t0 = time.perf_counter()
            page.write_text(original + "\n\n" + marker + "\n", encoding="utf-8")
            while want not in querier.query(base_url, marker):
                if time.perf_counter() - t0 > timeout:
                    raise RuntimeError("edit %d not found by search within %d s" % (i, timeout))
            times.append((time.perf_counter() - t0) * 1000)
            time.sleep(pause)
    finally:
        page.write_text(original, encoding="utf-8")
        querier.close()
    return times


# --------------------------------------------------------------------------
# what it ran on
# --------------------------------------------------------------------------
def cmd_output(cmd, cwd=None):
    try:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)
        return (r.stdout or r.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return "unavailable (%s)" % e


def machine_info():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    return {
        "nproc": cmd_output(["nproc"]),
        "cpu": cpu,
        "ram": ram,
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def cpu_busy_s():
    """CPU seconds all cores have spent busy since boot (/proc/stat)."""
    try:
        f = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return float("nan")
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in f[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def compilers_running():
    """Names of compiler-ish processes running now (others building here)."""
    names = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                comm = (d / "comm").read_text().strip()
            except OSError:
                continue
            if comm in ("rustc", "cargo", "cc", "ld", "cc1", "clippy-driver", "rustdoc") \
                    or comm.startswith("ld."):
                names.append(comm)
    return sorted(names)


class LoadMeter:
    """Measures what else ran on the machine during a series: the CPU time
    all cores spent busy minus the CPU time of our own measured children,
    as an average number of busy cores; plus the load average and any
    compilers seen at start and end."""

    def __init__(self):
        self.t0 = time.perf_counter()
        self.busy0 = cpu_busy_s()
        self.load0 = os.getloadavg()[0]
        self.compilers = compilers_running()

    def stop(self, own_cpu_s):
        elapsed = time.perf_counter() - self.t0
        busy = cpu_busy_s() - self.busy0
        seen = sorted(set(self.compilers) | set(compilers_running()))
        return {
            "elapsed_s": elapsed,
            "other_cores": max(0.0, (busy - own_cpu_s) / elapsed) if elapsed > 0 else 0.0,
            "loadavg1_start": self.load0,
            "loadavg1_end": os.getloadavg()[0],
            "compilers_seen": seen,
        }
