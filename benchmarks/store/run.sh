#!/usr/bin/env bash
# Store benchmark, both engines side by side: builds fathom-store-bench in release, fills a fresh
# embedded store (and, when FATHOM_CLICKHOUSE=host:port is set, a fresh ClickHouse database) with
# minute rollups, and prints one markdown table. Extra arguments go to both runs, e.g.
#   benchmarks/store/run.sh --days 3 --functions 50
#   FATHOM_CLICKHOUSE=127.0.0.1:18123 benchmarks/store/run.sh
# Environment: SCRATCH (SwiftPM scratch path, default .build), NO_BUILD=1 to reuse the binary.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch="${SCRATCH:-.build}"
if [[ "${NO_BUILD:-}" != 1 ]]; then
    swift build -c release --scratch-path "$scratch" --product fathom-store-bench >&2
fi
bench="$scratch/release/fathom-store-bench"
work="$(mktemp -d -t fathom-store-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

names=(embedded)
"$bench" --store "$work/embedded.sqlite" --tsv "$@" > "$work/embedded.tsv"
if [[ -n "${FATHOM_CLICKHOUSE:-}" ]]; then
    db="fathom_bench_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
    names+=(clickhouse)
    "$bench" --store "clickhouse://$FATHOM_CLICKHOUSE/$db" --spool "$work/clickhouse.spool" --tsv "$@" \
        > "$work/clickhouse.tsv"
    curl -sS --data-binary "DROP DATABASE IF EXISTS $db" "http://$FATHOM_CLICKHOUSE/" >/dev/null || true
else
    echo "run.sh: FATHOM_CLICKHOUSE is not set: embedded store only" >&2
fi

# One row per metric, one column per engine (metrics in the order the first run printed them).
awk -F '\t' -v n="${#names[@]}" -v header="${names[*]}" '
    FNR == 1 { file++ }
    { if (!($1 in seen)) { seen[$1] = 1; order[++rows] = $1 } value[$1, file] = $2 }
    END {
        split(header, h, " ")
        line = "| metric |"; rule = "|---|"
        for (i = 1; i <= n; i++) { line = line " " h[i] " |"; rule = rule "---|" }
        print line; print rule
        for (r = 1; r <= rows; r++) {
            k = order[r]; if (k == "engine") continue
            line = "| " k " |"
            for (i = 1; i <= n; i++) line = line " " value[k, i] " |"
            print line
        }
    }' $(for x in "${names[@]}"; do echo "$work/$x.tsv"; done)
