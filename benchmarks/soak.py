#!/usr/bin/env python3
"""Soak test of `fathom daemon`: a steady stream of Lambda logs into a tailed directory.

Started by benchmarks/soak.sh (which builds the release binary first); can be run on its own:

    python3 benchmarks/soak.py --fathom .build/release/fathom --rate 20000 --duration 30

What it does (stdlib only):

- starts `fathom daemon LOGDIR --store STORE --listen 127.0.0.1:0` (the port is read from the
  daemon's "listening on" line), on a fresh temporary directory and store;
- appends Lambda-format logs (START / application lines with MONITORING|... metrics / END /
  REPORT, Node.js and Python runtimes, cold starts, some errors and timeouts) to --files files in
  the exported layout <function>/YYYY/MM/DD/[<version>]<stream>.log, at --rate lines per second in
  all, one batched write per file per tick; the request ids are UUIDv7, so each START line carries
  the wall-clock time (ms) it was written at, and application lines are stamped with it too;
- every --rotate-every seconds renames one file to <name>.1 and creates it again (rename +
  create rotation);
- every --poll-ms asks GET /api/v1/status: the lag of invocation N is the time the status first
  shows `invocations` >= N minus the time the write holding invocation N's REPORT returned (an
  upper bound; the poll before bounds it from below);
- every second: RSS (VmRSS) and CPU (utime+stime) of the daemon from /proc, and /metrics;
- a query thread asks /api/v1/query and /api/v1/functions back to back, once a second, and
  records their latency;
- when the writing ends, waits (up to --catchup-timeout) for the daemon to count every line and
  invocation, checks the query and the store agree, stops the daemon with SIGTERM;
- prints a compact report and writes it as JSON to --out/soak-<timestamp>.json.

Exit status: 0 when the counts agree and the daemon neither crashed nor failed to stop cleanly;
1 otherwise; 2 for a usage error or a daemon that did not start.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

FUNCTIONS = [
    # name, memory MB, node runtime?, typical duration ms
    ("checkout", 512, True, 120.0),
    ("user-api", 256, True, 45.0),
    ("thumbnailer", 1024, False, 430.0),
    ("search-indexer", 256, False, 200.0),
    ("orders-api", 512, True, 90.0),
    ("payments", 1024, False, 190.0),
    ("inventory", 256, True, 55.0),
    ("notify", 128, False, 150.0),
]

METRICS = [
    ("latency", "user-api-latency", "", lambda r: "%.2f" % r.lognormvariate(3.3, 0.5)),
    ("gauge", "queue-depth", "", lambda r: "%.2f" % r.uniform(0, 20)),
    ("count", "cache-hit", "|#cache:redis", lambda r: str(r.randint(1, 6))),
    ("count", "cache-hit", "|#cache:local", lambda r: str(r.randint(1, 6))),
    ("histogram", "payload-bytes", "|#env:prod", lambda r: "%.2f" % r.lognormvariate(6.5, 1.0)),
    ("histogram", "db-query-ms", "|#table:orders", lambda r: "%.2f" % r.lognormvariate(2.5, 0.6)),
    ("distribution", "items", "|#channel:web", lambda r: str(r.randint(1, 9))),
]

CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------------------------
# Log content


def app_line(node, level, msg):
    """One application line of the runtime, with %(ts)s and %(rid)s placeholders."""
    if node:
        return "%(ts)s\t%(rid)s\t" + level + "\t" + msg
    return "[" + level + "]\t%(ts)s\t%(rid)s\t" + msg


def make_variant(rng, fn, memory, node, typical_ms, version, cold):
    """A %-format template of one whole invocation, and its line count."""
    lines = ["START RequestId: %(rid)s Version: " + str(version)]
    if rng.random() < 0.3:
        esc = '{"message":"handling request","x-correlation-id":"%(cid)s","function":"' + fn + '"}'
        lines.append(app_line(node, "INFO", esc))
    else:
        lines.append(app_line(node, "INFO", "handling request"))
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 3])):
        kind, name, tags, value = rng.choice(METRICS)
        lines.append(app_line(node, "INFO", "MONITORING|%(ep)s|" + value(rng) + "|" + kind + "|" + name + tags))
    duration = max(1.0, rng.lognormvariate(0, 0.45) * typical_ms)
    status = ""
    roll = rng.random()
    if roll < 0.02:  # an error
        if node:
            lines.append(app_line(node, "ERROR", 'Invoke Error \t{"errorType":"Error","errorMessage":"upstream returned 502",'
                                  '"stack":["Error: upstream returned 502","    at handler (/var/task/index.js:42:11)"]}'))
        else:
            lines.append(app_line(node, "ERROR", "ValueError: upstream returned 502"))
            lines.append("Traceback (most recent call last):")
            lines.append('  File "/var/task/app.py", line 42, in handler')
            lines.append('    raise ValueError("upstream returned 502")')
    elif roll < 0.025:  # a timeout
        lines.append("%(ts)s %(rid)s Task timed out after 6.00 seconds")
        duration = 6000.0
        status = "Status: timeout\t"
    lines.append("END RequestId: %(rid)s")
    used = int(memory * rng.uniform(0.25, 0.75))
    report = ("REPORT RequestId: %%(rid)s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\t"
              "Max Memory Used: %d MB\t" % (duration, int(duration) + 1, memory, used))
    if cold:
        report += "Init Duration: %.2f ms\t" % rng.uniform(100, 450)
    lines.append(report + status)
    return "\n".join(lines) + "\n", len(lines)


class LogFile:
    """One log stream being appended to."""

    def __init__(self, root, index, rng, day):
        fn, memory, node, typical = FUNCTIONS[index % len(FUNCTIONS)]
        self.index = index
        self.function = fn
        self.version = 40 + (index // len(FUNCTIONS)) % 2  # stable and canary
        d = os.path.join(root, fn, day.strftime("%Y"), day.strftime("%m"), day.strftime("%d"))
        os.makedirs(d, exist_ok=True)
        self.path = os.path.join(d, "[%d]%032x.log" % (self.version, rng.getrandbits(128)))
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        warm = [make_variant(rng, fn, memory, node, typical, self.version, False) for _ in range(48)]
        self.cold = [make_variant(rng, fn, memory, node, typical, self.version, True) for _ in range(4)]
        # A cold start for about 1 % of invocations, and for the first of every new file.
        self.variants = warm * 2 + self.cold[:1]
        self.fresh = True
        self.pending = []
        self.pending_lines = 0
        self.rotations = 0

    def rotate(self):
        """Rename to <name>.1 (replacing an older one) and create the file again."""
        os.close(self.fd)
        os.replace(self.path, self.path + ".1")
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.fresh = True
        self.rotations += 1


class Writer:
    """Appends invocations at a fixed total line rate; records when each batch was written."""

    def __init__(self, root, nfiles, rate, duration, tick_ms, rotate_every, seed):
        self.rng = random.Random(seed)
        self.day = datetime.datetime.now(datetime.timezone.utc)
        self.files = [LogFile(root, i, self.rng, self.day) for i in range(nfiles)]
        self.rate = rate
        self.duration = duration
        self.tick = tick_ms / 1000.0
        self.rotate_every = rotate_every
        self.lines = 0
        self.invocations = 0
        self.bytes = 0
        # (cumulative invocations after the write, time the write returned)
        self.marks = []
        self.rotations = []
        self.started = None
        self.ended = None
        self.behind_ticks = 0
        self.max_deficit = 0
        self.seq = 0
        self.stop_flag = threading.Event()
        self.cpu = None

    def run(self):
        files = self.files
        n = len(files)
        cursor = 0
        rotate_next = 0
        cpu0 = os.times()
        t0 = time.time()
        self.started = t0
        next_rotation = t0 + self.rotate_every if self.rotate_every > 0 else float("inf")
        tick_no = 0
        seq = self.seq
        while not self.stop_flag.is_set():
            now = time.time()
            elapsed = now - t0
            if elapsed >= self.duration:
                break
            if now >= next_rotation:
                f = files[rotate_next % n]
                f.rotate()
                self.rotations.append({"t": round(now - t0, 3), "path": f.path})
                rotate_next += 1
                next_rotation += self.rotate_every
            target = int(self.rate * min(elapsed + self.tick, self.duration))
            deficit = target - self.lines
            if deficit > self.max_deficit:
                self.max_deficit = deficit
            if deficit > 2 * self.rate * self.tick:
                self.behind_ticks += 1
            if deficit > 0:
                ms = int(now * 1000)
                prefix = "%08x-%04x-7" % (ms >> 16, ms & 0xFFFF)
                ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + ".%03dZ" % (ms % 1000)
                ep = str(int(now))
                lines = 0
                while lines < deficit:
                    f = files[cursor]
                    cursor += 1
                    if cursor == n:
                        cursor = 0
                    seq += 1
                    rid = "%s%03x-%04x-%012x" % (prefix, f.index & 0xFFF, 0x8000 | ((seq >> 48) & 0x3FFF), seq & 0xFFFFFFFFFFFF)
                    if f.fresh:
                        tpl, k = f.cold[seq % len(f.cold)]
                        f.fresh = False
                    else:
                        tpl, k = f.variants[seq % len(f.variants)]
                    f.pending.append(tpl % {"rid": rid, "ts": ts, "ep": ep, "cid": "c-%016x" % ((seq * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF)})
                    f.pending_lines += k
                    lines += k
                for f in files:
                    if not f.pending:
                        continue
                    data = "".join(f.pending).encode()
                    k = len(f.pending)
                    os.write(f.fd, data)
                    self.lines += f.pending_lines
                    self.invocations += k
                    self.bytes += len(data)
                    self.marks.append((self.invocations, time.time()))
                    f.pending = []
                    f.pending_lines = 0
            tick_no += 1
            sleep = t0 + tick_no * self.tick - time.time()
            if sleep > 0:
                time.sleep(sleep)
            else:
                tick_no = int((time.time() - t0) / self.tick)
        self.seq = seq
        self.ended = time.time()
        cpu1 = os.times()
        self.cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
        for f in files:
            os.close(f.fd)


# --------------------------------------------------------------------------------------------
# Talking to the daemon


class Client:
    """A keep-alive HTTP client for one thread."""

    def __init__(self, port, token=None, timeout=30):
        self.port = port
        self.timeout = timeout
        self.headers = {"Authorization": "Bearer " + token} if token else {}
        self.conn = None

    def get(self, path):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request("GET", path, headers=self.headers)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")


def read_proc(pid):
    """(RSS bytes, CPU seconds, anonymous RSS, file-backed RSS) of a process; None when it is gone."""
    try:
        rss = anon = filed = None
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("RssAnon:"):
                    anon = int(line.split()[1]) * 1024
                elif line.startswith("RssFile:"):
                    filed = int(line.split()[1]) * 1024
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
        fields = stat[stat.rindex(")") + 2:].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14, 15)
        return rss, cpu, anon, filed
    except (OSError, ValueError):
        return None


def thread_cpu(pid):
    """CPU seconds by thread, keyed "<name>/<tid>" (dispatch workers and the tail thread share names)."""
    out = {}
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return out
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                st = f.read()
        except OSError:
            continue
        name = st[st.index("(") + 1:st.rindex(")")]
        fields = st[st.rindex(")") + 2:].split()
        out["%s/%s" % (name, tid)] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return out


def machine_busy():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v) - idle, sum(v)


def metric_value(text, name):
    m = re.search(r"^" + re.escape(name) + r"(?:\{[^}]*\})? (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


class Observer:
    """The threads that watch the daemon while the writer writes."""

    def __init__(self, port, pid, poll_ms, store, token=None):
        self.store = store
        self.port = port
        self.pid = pid
        self.poll = poll_ms / 1000.0
        self.token = token
        self.stop_flag = threading.Event()
        self.polls = []  # (t_request, t_response, lines, invocations, status json)
        self.poll_errors = []
        # (t, rss, cpu, commit_seconds, ingest lag p99 from /metrics, machine busy, machine total,
        #  anonymous rss, file rss, store bytes, wal bytes)
        self.samples = []
        self.metrics_errors = []
        self.queries = {"query": [], "functions": []}  # (t, seconds, status)
        self.query_errors = []
        self.threads = []

    def start(self):
        for target in (self.poll_status, self.sample, self.ask):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self.threads.append(t)

    def stop(self):
        self.stop_flag.set()
        for t in self.threads:
            t.join(timeout=60)

    def poll_status(self):
        c = Client(self.port, self.token, timeout=10)
        next_t = time.time()
        while not self.stop_flag.is_set():
            t_req = time.time()
            try:
                code, body = c.get("/api/v1/status")
                t_resp = time.time()
                if code == 200:
                    s = json.loads(body)
                    self.polls.append((t_req, t_resp, s["lines"], s["invocations"], s))
                else:
                    self.poll_errors.append((t_req, "HTTP %d" % code))
            except Exception as e:  # noqa: BLE001 - anything goes into the report
                self.poll_errors.append((t_req, repr(e)))
            next_t += self.poll
            d = next_t - time.time()
            if d > 0:
                self.stop_flag.wait(d)
            else:
                next_t = time.time()

    def sample(self):
        c = Client(self.port, self.token, timeout=10)
        next_t = time.time()
        while not self.stop_flag.is_set():
            t = time.time()
            p = read_proc(self.pid)
            if p is None:
                break
            commit = p99 = None
            try:
                code, body = c.get("/metrics")
                if code == 200:
                    text = body.decode()
                    commit = metric_value(text, "fathom_daemon_commit_seconds")
                    m = re.search(r'^fathom_daemon_ingest_lag_seconds\{quantile="0.99"\} (\S+)$', text, re.M)
                    p99 = float(m.group(1)) if m else None
                else:
                    self.metrics_errors.append((t, "HTTP %d" % code))
            except Exception as e:  # noqa: BLE001
                self.metrics_errors.append((t, repr(e)))
            sizes = []
            for suffix in ("", "-wal"):
                try:
                    sizes.append(os.stat(self.store + suffix).st_size)
                except OSError:
                    sizes.append(None)
            self.samples.append((t, p[0], p[1], commit, p99) + machine_busy() + (p[2], p[3]) + tuple(sizes) + (thread_cpu(self.pid),))
            next_t += 1.0
            d = next_t - time.time()
            if d > 0:
                self.stop_flag.wait(d)
            else:
                next_t = time.time()

    def ask(self):
        c = Client(self.port, self.token, timeout=60)
        q = "/api/v1/query?" + urllib.parse.urlencode({"q": "sum:fn.invocations{*}"})
        next_t = time.time()
        while not self.stop_flag.is_set():
            for name, path in (("query", q), ("functions", "/api/v1/functions")):
                t = time.time()
                try:
                    code, _ = c.get(path)
                    self.queries[name].append((t, time.time() - t, code))
                    if code != 200:
                        self.query_errors.append((t, name, "HTTP %d" % code))
                except Exception as e:  # noqa: BLE001
                    self.queries[name].append((t, time.time() - t, None))
                    self.query_errors.append((t, name, repr(e)))
            next_t += 1.0
            d = next_t - time.time()
            if d > 0:
                self.stop_flag.wait(d)
            else:
                next_t = time.time()


# --------------------------------------------------------------------------------------------
# Figures


def wquantile(pairs, q):
    """Weighted quantile of sorted (value, weight) pairs."""
    total = sum(w for _, w in pairs)
    if total == 0:
        return None
    rank = q * total
    acc = 0
    for v, w in pairs:
        acc += w
        if acc >= rank:
            return v
    return pairs[-1][0]


def lags(marks, polls):
    """Per write: (upper, lower, invocations) lag bounds, from the first poll showing its count."""
    out = []
    j = 0
    prev = 0
    missing = 0
    for cum, t_write in marks:
        while j < len(polls) and polls[j][3] < cum:
            j += 1
        if j == len(polls):
            missing += cum - prev
            prev = cum
            continue
        upper = polls[j][1] - t_write
        lower = max(0.0, polls[j - 1][0] - t_write) if j > 0 else 0.0
        out.append((max(0.0, upper), min(lower, max(0.0, upper)), cum - prev))
        prev = cum
    return out, missing


def summary(values):
    if not values:
        return None
    v = sorted(values)
    return {
        "n": len(v),
        "p50": round(v[len(v) // 2], 4),
        "p99": round(v[min(len(v) - 1, int(0.99 * len(v)))], 4),
        "max": round(v[-1], 4),
    }


def mib(b):
    return round(b / 1048576, 1)


def git_describe(root):
    try:
        rev = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except OSError:
        return None


# --------------------------------------------------------------------------------------------


def start_daemon(args, logdir, store, log_path):
    cmd = [args.fathom, "daemon", logdir, "--store", store, "--listen", "127.0.0.1:0"] + args.daemon_arg
    log = open(log_path, "wb")
    env = dict(os.environ)
    for kv in args.daemon_env:
        k, _, v = kv.partition("=")
        env[k] = v
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    deadline = time.time() + 30
    port = None
    while time.time() < deadline:
        with open(log_path, "rb") as f:
            m = re.search(rb"listening on http://[^:\s]+:(\d+)", f.read())
        if m:
            port = int(m.group(1))
            break
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    return cmd, proc, port


def wait_ready(port, timeout=30):
    c = Client(port, timeout=5)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            code, _ = c.get("/readyz")
            if code == 200:
                return True
        except Exception:  # noqa: BLE001
            pass
        time.sleep(0.1)
    return False


def query_total(port):
    """sum:fn.invocations{*} over the whole store, summed over its points."""
    c = Client(port, timeout=120)
    code, body = c.get("/api/v1/query?" + urllib.parse.urlencode({"q": "sum:fn.invocations{*}"}))
    if code != 200:
        return None
    total = 0.0
    for s in json.loads(body).get("series", []):
        for p in s.get("points", []):
            if p[1] is not None:
                total += p[1]
    return int(round(total))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fathom", required=True, help="the fathom binary")
    ap.add_argument("--rate", type=int, default=100000, help="lines per second, all files together (default 100000)")
    ap.add_argument("--duration", type=float, default=300, help="seconds of writing (default 300)")
    ap.add_argument("--files", type=int, default=50, help="log files written at once (default 50)")
    ap.add_argument("--rotate-every", type=float, default=10, help="rotate one file every this many seconds; 0: never (default 10)")
    ap.add_argument("--poll-ms", type=int, default=250, help="status poll period (default 250)")
    ap.add_argument("--tick-ms", type=int, default=50, help="writer tick: one write per file per tick (default 50)")
    ap.add_argument("--catchup-timeout", type=float, default=120, help="seconds to wait for the daemon to catch up (default 120)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", help="where the logs and the store go (default: a new temporary directory)")
    ap.add_argument("--keep", action="store_true", help="keep the logs and the store (kept anyway on failure)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "out"), help="report directory")
    ap.add_argument("--daemon-arg", action="append", default=[], help="extra argument for `fathom daemon` (repeatable)")
    ap.add_argument("--daemon-env", action="append", default=[], metavar="KEY=VALUE",
                    help="environment variable for the daemon (repeatable), e.g. MALLOC_ARENA_MAX=2")
    ap.add_argument("--command", default=None, help="the command line to record in the report")
    args = ap.parse_args()
    if args.rate <= 0 or args.duration <= 0 or args.files <= 0:
        ap.error("--rate, --duration and --files must be positive")

    work = args.workdir or tempfile.mkdtemp(prefix="fathom-soak-")
    logdir = os.path.join(work, "logs")
    store = os.path.join(work, "store", "fathom.sqlite")
    os.makedirs(logdir, exist_ok=True)
    os.makedirs(os.path.dirname(store), exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    daemon_log = os.path.join(work, "daemon.log")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    report_path = os.path.join(args.out, "soak-%s.json" % stamp)
    sys.setswitchinterval(0.001)

    # The files exist (empty) before the daemon starts, so the first scan finds them all.
    writer = Writer(logdir, args.files, args.rate, args.duration, args.tick_ms, args.rotate_every, args.seed)
    cmd, proc, port = start_daemon(args, logdir, store, daemon_log)
    if port is None or not wait_ready(port):
        sys.stderr.write("soak: the daemon did not start (see %s):\n" % daemon_log)
        with open(daemon_log, "rb") as f:
            sys.stderr.write(f.read()[-4000:].decode(errors="replace"))
        if proc.poll() is None:
            proc.terminate()
        return 2
    load_before = os.getloadavg()
    print("soak: daemon pid %d on port %d; writing %d lines/s to %d files for %g s (work dir %s)"
          % (proc.pid, port, args.rate, args.files, args.duration, work), flush=True)

    obs = Observer(port, proc.pid, args.poll_ms, store)
    obs.start()
    wt = threading.Thread(target=writer.run, daemon=True)
    wt.start()
    last_print = time.time()
    while wt.is_alive():
        wt.join(timeout=1)
        if proc.poll() is not None:
            writer.stop_flag.set()
            break
        if time.time() - last_print >= 10 and obs.polls and obs.samples:
            last_print = time.time()
            p = obs.polls[-1]
            s = obs.samples[-1]
            print("  t=%5.0fs written %d lines, daemon %d lines, %d invocations behind, RSS %.0f MiB"
                  % (time.time() - writer.started, writer.lines, p[2], writer.invocations - p[3], s[1] / 1048576), flush=True)
    wt.join()
    write_end = writer.ended or time.time()

    # Catch-up: every line and invocation counted.
    caught_up_at = None
    crashed = proc.poll() is not None
    deadline = time.time() + args.catchup_timeout
    while not crashed and time.time() < deadline:
        if obs.polls:
            p = obs.polls[-1]
            if p[2] >= writer.lines and p[3] >= writer.invocations:
                caught_up_at = p[1]
                break
        time.sleep(0.05)
        crashed = proc.poll() is not None
    # The counter moves when a batch is handed to the committer: wait until queries see it all.
    qtotal = None
    queryable_at = None
    if caught_up_at is not None:
        deadline2 = time.time() + 30
        while time.time() < deadline2 and proc.poll() is None:
            try:
                qtotal = query_total(port)
            except Exception as e:  # noqa: BLE001
                obs.query_errors.append((time.time(), "final query", repr(e)))
            if qtotal == writer.invocations:
                queryable_at = time.time()
                break
            time.sleep(0.2)
    obs.stop()
    crashed = crashed or proc.poll() is not None

    final = obs.polls[-1][4] if obs.polls else {}
    if qtotal is None and not crashed:
        try:
            qtotal = query_total(port)
        except Exception as e:  # noqa: BLE001
            obs.query_errors.append((time.time(), "final query", repr(e)))

    # Stop: SIGTERM must commit and exit 0.
    stop_code = proc.poll()
    stop_seconds = None
    if stop_code is None:
        t = time.time()
        proc.send_signal(signal.SIGTERM)
        try:
            stop_code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            stop_code = "killed after 60 s"
        stop_seconds = round(time.time() - t, 2)

    # What the store says once the daemon is gone.
    store_status = None
    try:
        r = subprocess.run([args.fathom, "status", "--store", store, "--output", "json"], capture_output=True, text=True, timeout=120)
        if r.returncode == 0:
            store_status = json.loads(r.stdout)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        pass

    # ---- figures
    lag_rows, unseen = lags(writer.marks, obs.polls)
    upper = sorted((u, w) for u, _, w in lag_rows)
    lower = sorted((l, w) for _, l, w in lag_rows)
    ext = {
        "p50": wquantile(upper, 0.5), "p90": wquantile(upper, 0.9), "p99": wquantile(upper, 0.99),
        "max": upper[-1][0] if upper else None,
        "lower_bound_p50": wquantile(lower, 0.5), "lower_bound_p99": wquantile(lower, 0.99),
        "lower_bound_max": lower[-1][0] if lower else None,
        "invocations_measured": sum(w for _, w in upper), "invocations_never_seen": unseen,
    }
    ext = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in ext.items()}
    # Lag per 10 s of writing (p99 upper bound), to see whether it drifts.
    lag_timeline = []
    if writer.marks:
        buckets = {}
        j = 0
        prev = 0
        for cum, tw in writer.marks:
            while j < len(obs.polls) and obs.polls[j][3] < cum:
                j += 1
            if j == len(obs.polls):
                break
            b = int((tw - writer.started) // 10)
            buckets.setdefault(b, []).append((max(0.0, obs.polls[j][1] - tw), cum - prev))
            prev = cum
        for b in sorted(buckets):
            rows = sorted(buckets[b])
            lag_timeline.append({"t": b * 10, "p50": round(wquantile(rows, 0.5), 3), "p99": round(wquantile(rows, 0.99), 3),
                                 "max": round(rows[-1][0], 3)})

    during = [s for s in obs.samples if writer.started <= s[0] <= write_end]
    rss = [s[1] for s in during] or [s[1] for s in obs.samples]
    window = min(60.0, args.duration / 3)
    first = [s[1] for s in during if s[0] - writer.started <= window]
    last = [s[1] for s in during if write_end - s[0] <= window]
    memory = None
    if rss:
        memory = {
            "min_mib": mib(min(rss)), "median_mib": mib(statistics.median(rss)), "max_mib": mib(max(rss)),
            "window_s": window,
            "first_window_median_mib": mib(statistics.median(first)) if first else None,
            "last_window_median_mib": mib(statistics.median(last)) if last else None,
            "last_sample_mib": mib(obs.samples[-1][1]),
        }
        if len(during) > 10:
            half = during[len(during) // 2:]
            xs = [s[0] for s in half]
            ys = [s[1] / 1048576 for s in half]
            mx, my = statistics.mean(xs), statistics.mean(ys)
            den = sum((x - mx) ** 2 for x in xs)
            memory["slope_second_half_mib_per_min"] = round(60 * sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den, 2) if den else 0.0
        if first and last:
            f, l = statistics.median(first), statistics.median(last)
            memory["flat"] = (l - f) <= max(0.10 * f, 8 * 1048576)
        memory["timeline_mib"] = [mib(s[1]) for s in obs.samples[:: max(1, len(obs.samples) // 120)]]
        if during[-1][7] is not None:
            memory["anon_first_window_median_mib"] = mib(statistics.median(s[7] for s in during if s[0] - writer.started <= window))
            memory["anon_last_window_median_mib"] = mib(statistics.median(s[7] for s in during if write_end - s[0] <= window))
            memory["file_last_sample_mib"] = mib(during[-1][8])
            memory["shmem_last_sample_mib"] = mib(during[-1][1] - during[-1][7] - during[-1][8])  # the -shm WAL index

    # One row a minute (or a tenth of the run): memory, lag, commits, batch size.
    period = 60.0 if args.duration >= 300 else max(1.0, args.duration / 10)
    timeline = []
    if writer.started and during:
        b = 0
        while writer.started + b * period < write_end:
            lo, hi = writer.started + b * period, min(write_end, writer.started + (b + 1) * period)
            ss = [x for x in during if lo <= x[0] < hi]
            ps = [x for x in obs.polls if lo <= x[1] < hi]
            row = {"t": round(b * period)}
            if ss:
                row["rss_mib_median"] = mib(statistics.median(x[1] for x in ss))
                row["rss_mib_max"] = mib(max(x[1] for x in ss))
                if ss[-1][7] is not None:
                    row["anon_mib_max"] = mib(max(x[7] for x in ss))
                cm = [x[3] for x in ss if x[3] is not None]
                row["commit_s_max"] = round(max(cm), 3) if cm else None
                if ss[-1][9] is not None:
                    row["store_mb"] = round(ss[-1][9] / 1e6)
                row["wal_mb_max"] = round(max((x[10] or 0) for x in ss) / 1e6)
                if len(ss) >= 2 and ss[-1][6] > ss[0][6]:
                    machine = (ss[-1][5] - ss[0][5]) / (ss[-1][6] - ss[0][6]) * os.cpu_count()
                    row["daemon_cores"] = round((ss[-1][2] - ss[0][2]) / (ss[-1][0] - ss[0][0]), 2)
                    row["machine_cores"] = round(machine, 2)
                    span = ss[-1][0] - ss[0][0]
                    busiest = {k: (v - ss[0][11].get(k, 0.0)) / span for k, v in ss[-1][11].items()}
                    if busiest:
                        name = max(busiest, key=busiest.get)
                        row["busiest_thread"] = name
                        row["busiest_thread_cores"] = round(busiest[name], 2)
            if len(ps) >= 2:
                dc = ps[-1][4]["commits"] - ps[0][4]["commits"]
                db = ps[-1][4]["bytes"] - ps[0][4]["bytes"]
                row["commits"] = dc
                row["mb_per_commit"] = round(db / dc / 1e6, 2) if dc else None
            rows = []
            j = 0
            prev = 0
            for cum, tw in writer.marks:
                if tw >= hi:
                    break
                while j < len(obs.polls) and obs.polls[j][3] < cum:
                    j += 1
                if j == len(obs.polls):
                    break
                if tw >= lo:
                    rows.append((max(0.0, obs.polls[j][1] - tw), cum - prev))
                prev = cum
            rows.sort()
            if rows:
                row["lag_p50"] = round(wquantile(rows, 0.5), 3)
                row["lag_p99"] = round(wquantile(rows, 0.99), 3)
            if ss:
                timeline.append(row)
            b += 1

    write_seconds = (write_end - writer.started) if writer.started else 0
    cpu = None
    if len(obs.samples) >= 2:
        c0 = during[0][2] if during else obs.samples[0][2]
        c1 = during[-1][2] if during else obs.samples[-1][2]
        span = (during[-1][0] - during[0][0]) if len(during) >= 2 else 0
        total_cpu = obs.samples[-1][2]
        cpu = {
            "daemon_cpu_seconds_total": round(total_cpu, 2),
            "daemon_cpu_seconds_per_100k_lines": round(100000 * total_cpu / writer.lines, 3) if writer.lines else None,
            "daemon_cores_busy_while_writing": round((c1 - c0) / span, 3) if span > 0 else None,
            "writer_cpu_seconds": round(writer.cpu, 2) if writer.cpu is not None else None,
        }
        if len(during) >= 2:
            span = during[-1][0] - during[0][0]
            per = {k: round((v - during[0][11].get(k, 0.0)) / span, 3) for k, v in during[-1][11].items()}
            cpu["daemon_threads_cores_busy"] = dict(sorted(((k, v) for k, v in per.items() if v >= 0.005), key=lambda kv: -kv[1]))
        if len(during) >= 2 and during[-1][6] > during[0][6]:
            busy = (during[-1][5] - during[0][5]) / (during[-1][6] - during[0][6]) * os.cpu_count()
            cpu["machine_cores_busy_while_writing"] = round(busy, 3)
            cpu["other_processes_cores_busy"] = round(max(0.0, busy - (cpu["daemon_cores_busy_while_writing"] or 0)
                                                          - (writer.cpu or 0) / max(1e-9, write_seconds)), 3)

    commits = [s[3] for s in during if s[3] is not None]
    daemon_p99 = [s[4] for s in during if s[4] is not None]
    achieved = writer.lines / write_seconds if write_seconds > 0 else 0
    q = {name: summary([d for _, d, code in rows if code == 200]) for name, rows in obs.queries.items()}
    for name, rows in obs.queries.items():
        if q[name] is not None:
            q[name]["errors"] = sum(1 for _, _, code in rows if code != 200)
    counted_lines = final.get("lines")
    counted_inv = final.get("invocations")
    store_inv = store_status.get("invocations") if store_status else None
    store_lines = store_status.get("lines") if store_status else None
    problems = []
    if crashed:
        problems.append("the daemon exited during the run (exit status %s)" % proc.returncode)
    if stop_code not in (0, None) and not crashed:
        problems.append("the daemon did not exit 0 on SIGTERM: %s" % stop_code)
    if counted_lines != writer.lines:
        problems.append("lines written %d, counted %s" % (writer.lines, counted_lines))
    if counted_inv != writer.invocations:
        problems.append("invocations written %d, counted %s" % (writer.invocations, counted_inv))
    if store_inv is not None and store_inv != writer.invocations:
        problems.append("invocations written %d, in the store after stop %s" % (writer.invocations, store_inv))
    warnings = []
    if qtotal is not None and qtotal != writer.invocations:
        warnings.append("sum:fn.invocations{*} answers %d, %d were written" % (qtotal, writer.invocations))
    if achieved < 0.98 * args.rate:
        warnings.append("the writer reached %.0f lines/s of the %d asked (Python on this machine)" % (achieved, args.rate))
    wal_max = max((x[10] or 0) for x in obs.samples) if obs.samples else 0
    if wal_max > max(1 << 30, (obs.samples[-1][9] or 0)):
        warnings.append("the WAL grew to %.0f MB (store %.0f MB): checkpoints do not keep up" % (
            wal_max / 1e6, (obs.samples[-1][9] or 0) / 1e6))
    if final.get("quarantined"):
        warnings.append("%d lines quarantined: %s" % (final["quarantined"], final.get("quarantined_by_reason")))
    if final.get("incomplete_invocations"):
        warnings.append("%d incomplete invocations" % final["incomplete_invocations"])
    if obs.poll_errors or obs.metrics_errors:
        warnings.append("%d status and %d /metrics requests failed" % (len(obs.poll_errors), len(obs.metrics_errors)))
    for w in final.get("problems", []) or []:
        warnings.append("daemon problem: %s" % w)

    lag_ok = ext["p99"] is not None and ext["p99"] <= 1.0
    report = {
        "command": args.command or " ".join(sys.argv),
        "started_at": datetime.datetime.fromtimestamp(writer.started or time.time(), datetime.timezone.utc).isoformat(),
        "machine": {"cores": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load_before],
                    "loadavg_after": [round(x, 2) for x in os.getloadavg()]},
        "git": git_describe(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
        "daemon_command": cmd,
        "daemon_env": args.daemon_env,
        "config": {"rate": args.rate, "duration_s": args.duration, "files": args.files, "rotate_every_s": args.rotate_every,
                   "poll_ms": args.poll_ms, "tick_ms": args.tick_ms},
        "writer": {"lines": writer.lines, "invocations": writer.invocations, "bytes": writer.bytes,
                   "seconds": round(write_seconds, 2), "achieved_lines_per_s": round(achieved),
                   "rotations": len(writer.rotations), "ticks_behind": writer.behind_ticks,
                   "max_deficit_lines": writer.max_deficit},
        "daemon": {"lines": counted_lines, "invocations": counted_inv, "bytes": final.get("bytes"),
                   "metric_samples": final.get("metric_samples"), "quarantined": final.get("quarantined"),
                   "incomplete_invocations": final.get("incomplete_invocations"), "commits": final.get("commits"),
                   "commit_failures": final.get("commit_failures"), "file_events": final.get("file_events"),
                   "caps": final.get("caps"), "in_flight": final.get("in_flight"), "streams": final.get("streams"),
                   "files_watched": final.get("files_watched"),
                   "catch_up_seconds": round(caught_up_at - write_end, 2) if caught_up_at else None,
                   "query_invocations_total": qtotal,
                   "queryable_seconds": round(queryable_at - write_end, 2) if queryable_at else None,
                   "store_after_stop": {"lines": store_lines, "invocations": store_inv},
                   "sigterm_exit": stop_code, "sigterm_seconds": stop_seconds},
        "lag_external_s": ext,
        "lag_external_by_10s": lag_timeline,
        "timeline": timeline,
        "samples": {"fields": ["t_s", "rss_bytes", "cpu_s", "commit_s", "daemon_lag_p99_s", "anon_rss_bytes",
                               "file_rss_bytes", "store_bytes", "wal_bytes", "machine_busy_jiffies", "machine_total_jiffies"],
                    "rows": [[round(x[0] - (writer.started or x[0]), 2), x[1], x[2], x[3], x[4], x[7], x[8], x[9], x[10], x[5], x[6]]
                             for x in obs.samples]},
        "lag_daemon_s": {"final": final.get("ingest_lag_seconds"),
                         "metrics_p99_max_during_run": round(max(daemon_p99), 3) if daemon_p99 else None,
                         "metrics_p99_median_during_run": round(statistics.median(daemon_p99), 3) if daemon_p99 else None},
        "commit_seconds": summary(commits),
        "memory": memory,
        "cpu": cpu,
        "queries_s": q,
        "query_errors": [list(e) for e in obs.query_errors[:20]],
        "poll_errors": [list(e) for e in obs.poll_errors[:20]],
        "targets": {"lag_p99_le_1s": lag_ok, "memory_flat": memory.get("flat") if memory else None,
                    "rate_reached": achieved >= 0.98 * args.rate},
        "problems": problems,
        "warnings": warnings,
        "work_dir": work,
    }
    with open(report_path, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")

    # ---- the compact report
    def fmt(v, unit=""):
        return "-" if v is None else ("%s%s" % (v, unit))
    print()
    print("fathom daemon soak: %d lines/s asked, %d achieved, %d files, %.0f s, %d rotations; %d cores, load %.2f before"
          % (args.rate, achieved, args.files, write_seconds, len(writer.rotations), os.cpu_count(), load_before[0]))
    print("lines        written %d, counted %s; invocations written %d, counted %s; store after stop %s"
          % (writer.lines, fmt(counted_lines), writer.invocations, fmt(counted_inv), fmt(store_inv)))
    print("catch-up     counted %s, queryable %s after the last write (query total %s); SIGTERM exit %s in %s s"
          % (fmt(report["daemon"]["catch_up_seconds"], " s"), fmt(report["daemon"]["queryable_seconds"], " s"), fmt(qtotal),
             stop_code, fmt(stop_seconds)))
    print("lag (ext.)   p50 %s  p90 %s  p99 %s  max %s s  (poll %d ms; lower bounds p50 %s p99 %s)"
          % (fmt(ext["p50"]), fmt(ext["p90"]), fmt(ext["p99"]), fmt(ext["max"]), args.poll_ms,
             fmt(ext["lower_bound_p50"]), fmt(ext["lower_bound_p99"])))
    dl = final.get("ingest_lag_seconds") or {}
    print("lag (daemon) ingest_lag_seconds p50 %s p99 %s (final window); p99 max during run %s"
          % (fmt(dl.get("p50") and round(dl["p50"], 3)), fmt(dl.get("p99") and round(dl["p99"], 3)),
             fmt(report["lag_daemon_s"]["metrics_p99_max_during_run"])))
    if memory:
        print("memory       RSS min %s / median %s / max %s MiB; first %.0f s median %s, last %.0f s median %s; slope %s MiB/min"
              % (memory["min_mib"], memory["median_mib"], memory["max_mib"], window, memory["first_window_median_mib"],
                 window, memory["last_window_median_mib"], fmt(memory.get("slope_second_half_mib_per_min"))))
    if cpu:
        if cpu.get("daemon_threads_cores_busy"):
            print("threads      " + ", ".join("%s %.2f" % kv for kv in list(cpu["daemon_threads_cores_busy"].items())[:5]) + " (cores busy while writing)")
        print("cpu          %s s daemon (%s s per 100k lines, %s cores busy); writer %s s; machine %s of %d cores busy, %s by others"
              % (cpu["daemon_cpu_seconds_total"], cpu["daemon_cpu_seconds_per_100k_lines"],
                 cpu["daemon_cores_busy_while_writing"], cpu["writer_cpu_seconds"], fmt(cpu.get("machine_cores_busy_while_writing")),
                 os.cpu_count(), fmt(cpu.get("other_processes_cores_busy"))))
    cs = report["commit_seconds"] or {}
    print("commits      %s (%s failed); last-commit seconds p50 %s p99 %s max %s"
          % (fmt(final.get("commits")), fmt(final.get("commit_failures")), fmt(cs.get("p50")), fmt(cs.get("p99")), fmt(cs.get("max"))))
    for name in ("query", "functions"):
        s = q[name]
        if s:
            print("%-12s /api/v1/%s: %d asked, %d failed; p50 %.3f s p99 %.3f s max %.3f s" % (
                "queries", name, s["n"] + s["errors"], s["errors"], s["p50"], s["p99"], s["max"]))
    if timeline:
        print("  %6s %9s %9s %9s %8s %8s %10s %9s %8s %7s %7s %7s" % (
            "t", "rss med", "rss max", "anon max", "lag p50", "lag p99", "commit max", "MB/commit", "store MB", "wal MB", "daemon", "machine")
              + "  busiest thread")
        for r in timeline:
            print("  %5ds %9s %9s %9s %8s %8s %10s %9s %8s %7s %7s %7s" % (
                r["t"], fmt(r.get("rss_mib_median")), fmt(r.get("rss_mib_max")), fmt(r.get("anon_mib_max")), fmt(r.get("lag_p50")),
                fmt(r.get("lag_p99")), fmt(r.get("commit_s_max")), fmt(r.get("mb_per_commit")), fmt(r.get("store_mb")),
                fmt(r.get("wal_mb_max")), fmt(r.get("daemon_cores")), fmt(r.get("machine_cores")))
                + ("  %s %.2f" % (r["busiest_thread"], r["busiest_thread_cores"]) if r.get("busiest_thread") else ""))
    print("targets      lag p99 <= 1 s: %s; memory flat: %s"
          % ("met" if lag_ok else "NOT met", {True: "yes", False: "NO", None: "-"}[memory.get("flat") if memory else None]))
    for w in warnings:
        print("warning      " + w)
    for p in problems:
        print("PROBLEM      " + p)
    print("report       " + report_path)

    if problems:
        print("kept for a repro: %s (daemon log %s)" % (work, daemon_log))
        return 1
    if not args.keep and not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
