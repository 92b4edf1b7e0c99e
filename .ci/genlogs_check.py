#!/usr/bin/env python3
"""Independent check: logs from ../shared/tools/genlogs.py (with their exact truth) are ingested by
Fathom, and what `fathom functions`, `fathom query` and `fathom trace` answer must equal the truth:
counts exact, sums to 1e-9 relative, quantiles within 1 % of the exact value's rank-convention range,
traces linking exactly the generated request ids, and `fathom compare` judging each canary as the
truth says (a worse canary fails, a same-code one does not, too little traffic is inconclusive). Prints 'N passed, M failed' and exits non-zero on
any failure."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

passed = 0
failed = []


def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failed.append(what)
        print("FAIL:", what)


def run(fathom, store, args, stdin=None):
    env = dict(os.environ, FATHOM_STORE=store)
    p = subprocess.run([fathom] + args, env=env, input=stdin, capture_output=True)
    if p.returncode != 0:
        raise SystemExit(f"fathom {' '.join(args)} failed ({p.returncode}): {p.stderr.decode()}")
    return p.stdout.decode()


def close(a, b, rel):
    return a is not None and abs(a - b) <= rel * max(abs(b), 1e-12)


def quantile_ok(est, rng):
    lo, hi = rng
    return est is not None and lo * 0.99 - 1e-9 <= est <= hi * 1.01 + 1e-9


def compare(fathom, store, truth, label):
    rows = json.loads(run(fathom, store, ["functions", "--output", "json"]))
    got = {(r["function"], r["version"]): r for r in rows}
    check(len(rows) == len(truth["functions"]), f"{label}: {len(rows)} function versions, truth {len(truth['functions'])}")
    for t in truth["functions"]:
        key = (t["function"], t["version"])
        r = got.get(key)
        if r is None:
            check(False, f"{label}: no row for {key}")
            continue
        for f in ("invocations", "errors", "timeouts", "cold_starts", "billed_duration_ms", "memory_mb", "max_memory_used_mb"):
            check(r[f] == t[f], f"{label} {key} {f}: {r[f]} vs {t[f]}")
        # the truth rounds cost to 9 decimals
        check(abs(r["cost_usd"] - t["cost_usd"]) <= 5.1e-10 + 1e-9 * t["cost_usd"], f"{label} {key} cost {r['cost_usd']} vs {t['cost_usd']}")
        for d in ("duration_ms", "init_duration_ms"):
            td, rd = t[d], r.get(d)
            if td["count"] == 0:
                continue
            check(rd is not None and rd["count"] == td["count"], f"{label} {key} {d} count")
            if rd is None:
                continue
            check(close(rd["sum"], td["sum"], 1e-9), f"{label} {key} {d} sum {rd['sum']} vs {td['sum']}")
            for q in ("p50", "p90", "p95", "p99"):
                check(quantile_ok(rd[q], td[q + "_range"]), f"{label} {key} {d} {q} {rd[q]} vs {td[q + '_range']}")
    # custom metrics, one bucket holding everything
    start = int(truth["generator"]["start"] * 1000)
    day = 86_400_000
    frm = start // day * day
    window = ["--from", str(frm // 1000), "--to", str((frm + 2 * day) // 1000), "--step", "2d"]
    by_name = {}
    for m in truth["metrics"]:
        by_name.setdefault(m["metric"], []).append(m)
    for name, series in sorted(by_name.items()):
        keys = sorted({t.split(":")[0] for m in series for t in m["tags"]})
        by = ",".join(["function", "version"] + keys)
        res = {}
        for agg in ("count", "sum", "min", "max", "p50", "p90", "p99"):
            out = json.loads(run(fathom, store, ["query", f"{agg}:{name}{{*}} by {{{by}}}", "--output", "json"] + window))
            for s in out["series"]:
                k = tuple(sorted(f"{a}:{b}" for a, b in s["tags"].items()))
                vals = [p[1] for p in s["points"] if p[1] is not None]
                res.setdefault(k, {})[agg] = vals[0] if len(vals) == 1 else None
        for m in series:
            tags = [f"function:{m['function']}", f"version:{m['version']}"] + m["tags"]
            tags += [f"{k}:none" for k in keys if not any(t.startswith(k + ":") for t in m["tags"])]
            r = res.get(tuple(sorted(tags)))
            if r is None:
                check(False, f"{label} metric {name} {tags}: missing")
                continue
            check(r.get("count") == m["count"], f"{label} {name} {tags} count {r.get('count')} vs {m['count']}")
            check(close(r.get("sum"), m["sum"], 1e-9), f"{label} {name} {tags} sum {r.get('sum')} vs {m['sum']}")
            check(r.get("min") == m["min"] and r.get("max") == m["max"], f"{label} {name} {tags} min/max")
            for q in ("p50", "p90", "p99"):
                check(quantile_ok(r.get(q), m[q + "_range"]), f"{label} {name} {tags} {q} {r.get(q)} vs {m[q + '_range']}")
    canary_check(fathom, store, truth, label)
    # traces
    for cid in sorted(truth["traces"])[:40]:
        out = json.loads(run(fathom, store, ["trace", cid, "--output", "json"]))
        got_ids = sorted(s["request_id"] for s in out["spans"])
        want = sorted(x["request_id"] for x in truth["traces"][cid])
        check(got_ids == want, f"{label} trace {cid}: {got_ids} vs {want}")


def run_status(fathom, store, args):
    """Like run, but returns (exit code, stdout): `fathom compare` exits 1 on a failing verdict."""
    env = dict(os.environ, FATHOM_STORE=store)
    p = subprocess.run([fathom] + args, env=env, capture_output=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"fathom {' '.join(args)} failed ({p.returncode}): {p.stderr.decode()}")
    return p.returncode, p.stdout.decode()


MIN_INVOCATIONS = 100  # fathom compare's default minimum per version


def canary_check(fathom, store, truth, label):
    """Every canary of the truth: worse -> verdict fail (exit 1); same code -> not fail (exit 0);
    below the minimum traffic -> inconclusive. Without --baseline/--canary the same pair is chosen."""
    invocations = {(t["function"], t["version"]): t["invocations"] for t in truth["functions"]}
    for c in truth["canaries"]:
        f, stable, canary = c["function"], c["stable"], c["canary"]
        nb, nc = invocations.get((f, stable), 0), invocations.get((f, canary), 0)
        if nb == 0 or nc == 0:
            continue
        what = f"{label} compare {f} {stable}->{canary} (worse: {c['canary_is_worse']}, {nb}/{nc} invocations)"
        code, out = run_status(fathom, store, ["compare", f, "--baseline", stable, "--canary", canary, "--output", "json"])
        r = json.loads(out)
        check(r["baseline_invocations"] == nb and r["canary_invocations"] == nc, f"{what}: invocation counts {r['baseline_invocations']}/{r['canary_invocations']}")
        if nb < MIN_INVOCATIONS or nc < MIN_INVOCATIONS:
            check(r["verdict"] == "inconclusive" and code == 0, f"{what}: verdict {r['verdict']}, want inconclusive")
        elif c["canary_is_worse"]:
            check(r["verdict"] == "fail" and code == 1, f"{what}: verdict {r['verdict']} (exit {code}), want fail: {r['reasons']}")
        else:
            check(r["verdict"] != "fail" and code == 0, f"{what}: verdict {r['verdict']}, want not fail: {r['reasons']}")
        _, auto = run_status(fathom, store, ["compare", f, "--output", "json"])
        a = json.loads(auto)
        check((a["baseline"], a["canary"]) == (stable, canary), f"{what}: automatic versions {a['baseline']}->{a['canary']}")


def free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def daemon_case(fathom, genlogs):
    """The daemon tails a text tree that is written in pieces while it runs, is stopped with
    SIGTERM, and must hold the same numbers as the truth."""
    import random, signal, time, urllib.request
    label = "daemon text tree"
    with tempfile.TemporaryDirectory() as d:
        truth = os.path.join(d, "truth.json")
        src = os.path.join(d, "src")
        logs = os.path.join(d, "logs")
        store = os.path.join(d, "store.sqlite")
        subprocess.run([sys.executable, genlogs, "--seed", "5", "--invocations", "3000", "--truth", truth,
                        "--functions", "4", "--format", "text", "--out-dir", src], check=True)
        os.makedirs(logs)
        port = free_port()
        env = dict(os.environ, FATHOM_STORE=store)
        proc = subprocess.Popen([fathom, "daemon", logs, "--listen", f"127.0.0.1:{port}", "--poll", "20ms",
                                 "--scan-interval", "100ms"], env=env, stderr=subprocess.DEVNULL)
        files = []
        for root, _, names in os.walk(src):
            for n in sorted(names):
                files.append(os.path.relpath(os.path.join(root, n), src))
        total_lines = 0
        rng = random.Random(5)
        pending = {f: open(os.path.join(src, f), "rb").read() for f in files}
        for data in pending.values():
            total_lines += data.count(b"\n")
        # Append every file in random pieces, round robin, while the daemon runs.
        while pending:
            for f in list(pending):
                data = pending[f]
                n = min(len(data), rng.randint(1, 40000))
                dst = os.path.join(logs, f)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                with open(dst, "ab") as out:
                    out.write(data[:n])
                pending[f] = data[n:]
                if not pending[f]:
                    del pending[f]
            time.sleep(0.01)
        deadline = time.time() + 120
        lines = -1
        while time.time() < deadline:
            try:
                status = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/status", timeout=5).read())
                lines = status["lines"]
                if lines >= total_lines:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        check(lines == total_lines, f"{label}: daemon read {lines} of {total_lines} lines")
        proc.send_signal(signal.SIGTERM)
        check(proc.wait(timeout=60) == 0, f"{label}: daemon exits 0 on SIGTERM")
        compare(fathom, store, json.load(open(truth)), label)


def clickhouse_targets():
    """The ClickHouse servers .ci/clickhouse.sh started (none when the variables are unset)."""
    targets = []
    if os.environ.get("FATHOM_CLICKHOUSE"):
        targets.append(("single node", os.environ["FATHOM_CLICKHOUSE"], ""))
    if os.environ.get("FATHOM_CLICKHOUSE_CLUSTER"):
        targets.append(("cluster fathom_2s", os.environ["FATHOM_CLICKHOUSE_CLUSTER"], "?cluster=fathom_2s"))
    if not targets:
        print("genlogs: FATHOM_CLICKHOUSE is not set; skipping the ClickHouse cases")
    return targets


def drop_database(address, db, query):
    """Drops `db` on the server (and, for the script's cluster, on its other shard)."""
    import urllib.request
    hosts = [address]
    if query:
        hosts.append(address.replace("127.0.0.2", "127.0.0.3"))
    for h in hosts:
        try:
            urllib.request.urlopen(f"http://{h}/", data=f"DROP DATABASE IF EXISTS {db}".encode(), timeout=30).read()
        except Exception as e:  # cleaning up only
            print(f"genlogs: could not drop {db} on {h}: {e}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fathom", required=True)
    ap.add_argument("--genlogs", required=True)
    a = ap.parse_args()
    fathom = os.path.abspath(a.fathom)
    cases = [
        ("text stdin", ["--functions", "1", "--format", "text"], True, ["--function", "checkout"]),
        ("tail stdin", ["--functions", "1", "--format", "tail"], True, ["--function", "checkout"]),
        ("text tree", ["--functions", "4", "--format", "text"], False, []),
        ("json tree", ["--functions", "4", "--format", "json"], False, []),
        ("cwl gzip", ["--functions", "4", "--format", "cwl", "--gzip"], False, []),
    ]
    for label, gen_args, stdin, ingest_args in cases:
        with tempfile.TemporaryDirectory() as d:
            truth = os.path.join(d, "truth.json")
            store = os.path.join(d, "store.sqlite")
            cmd = [sys.executable, a.genlogs, "--seed", "3", "--invocations", "3000", "--truth", truth] + gen_args
            if stdin:
                logs = subprocess.run(cmd, check=True, capture_output=True).stdout
                run(fathom, store, ["ingest", "-", "--quiet"] + ingest_args, stdin=logs)
            else:
                subprocess.run(cmd + ["--out-dir", os.path.join(d, "logs")], check=True)
                run(fathom, store, ["ingest", os.path.join(d, "logs"), "--quiet"] + ingest_args)
            compare(fathom, store, json.load(open(truth)), label)
            # The same logs into ClickHouse (one node, then the 2-shard cluster) give the same truth.
            if label in ("json tree", "cwl gzip") and not stdin:
                for name, address, query in clickhouse_targets():
                    db = "fathom_genlogs_" + os.urandom(4).hex()
                    url = f"clickhouse://{address}/{db}{query}"
                    spool = ["--spool", os.path.join(d, db + ".spool")]
                    try:
                        run(fathom, url, ["ingest", os.path.join(d, "logs"), "--quiet"] + spool + ingest_args)
                        compare(fathom, url, json.load(open(truth)), f"{label} on ClickHouse {name}")
                    finally:
                        drop_database(address, db, query)
    daemon_case(fathom, a.genlogs)
    print(f"genlogs: {passed} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
