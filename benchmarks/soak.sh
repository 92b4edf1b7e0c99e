#!/usr/bin/env bash
# Soak test of `fathom daemon`: Lambda logs appended at a steady rate to many files while the
# daemon tails them; measures end-to-end lag, memory over time, CPU, query latency, and checks
# that every line and invocation written is counted.
#
#   benchmarks/soak.sh [--rate LINES_PER_S] [--duration S] [--files N] [more soak.py options]
#
# Defaults: 100000 lines/s, 300 s, 50 files, one rename+create rotation every 10 s.
# Builds Fathom in release mode (set SOAK_NO_BUILD=1 to use the binary as it is), then runs
# benchmarks/soak.py (Python 3, stdlib only), which starts the daemon on a temporary directory and
# store on a free loopback port, writes, observes, stops it with SIGTERM and prints a report. The
# report is also written as JSON to benchmarks/out/soak-<timestamp>.json.
# `python3 benchmarks/soak.py --help` lists every option.
#
# Exit status: 0 when the counts agree and the daemon neither crashed nor failed to stop;
# 1 otherwise (the logs, store and daemon log are then kept for a repro); 2 if it did not start.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

if [ "${SOAK_NO_BUILD:-0}" != 1 ]; then
  echo "building fathom (release)…"
  swift build -c release --product fathom --scratch-path .build >/dev/null
fi
fathom="$root/.build/release/fathom"
[ -x "$fathom" ] || { echo "soak: $fathom not found (build it, or unset SOAK_NO_BUILD)" >&2; exit 2; }

exec python3 "$here/soak.py" --fathom "$fathom" --out "$here/out" \
  --command "benchmarks/soak.sh${*:+ $*}" "$@"
