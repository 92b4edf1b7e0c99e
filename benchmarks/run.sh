#!/usr/bin/env bash
# Fathom's ingest benchmark, side by side with mawk and mtail on the same generated file.
#
#   benchmarks/run.sh [SIZE_MB] [RUNS]      (defaults: 1100 MB, 3 runs)
#
# Builds Fathom in release mode, generates a corpus of about SIZE_MB with `fathom generate`
# (one function, plain text, merged in time order), then times, each RUNS times (median):
#   wc -l          the floor: reading the file
#   mawk           benchmarks/peers/versions.awk (computes less than Fathom)
#   mtail          benchmarks/peers/versions.mtail, --one_shot (computes less; installed from Debian if missing)
#   fathom-parse   `fathom ingest --dry-run`: parse + assemble + aggregate, no store
#   fathom         `fathom ingest` into a fresh embedded store (lines kept, compressed)
# and prints MB/s, lines/s, peak RSS and the ratios against mawk. Results go to benchmarks/out/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
size_mb=${1:-1100}
runs=${2:-3}
out="$here/out"
mkdir -p "$out"
cd "$root"

swift build -c release --product fathom >/dev/null
fathom="$root/.build/release/fathom"

corpus="$out/corpus-${size_mb}mb.log"
if [ ! -s "$corpus" ]; then
  # ~520 bytes per invocation on average in text format
  n=$(( size_mb * 1000000 / 520 ))
  echo "generating $corpus ($n invocations)"
  "$fathom" generate --functions 1 --invocations "$n" --seconds $(( n / 50 )) --seed 42 > "$corpus"
fi
bytes=$(stat -c %s "$corpus")
lines=$(wc -l < "$corpus")
echo "corpus: $bytes bytes, $lines lines; median of $runs runs; $(nproc) cores"

if ! command -v mtail >/dev/null; then
  (apt-get install -y -qq mtail >/dev/null 2>&1 || true)
fi

results="$out/results.txt"
: > "$results"
measure() { # name, command...
  local name=$1; shift
  local times=() rss=0
  for _ in $(seq "$runs"); do
    local tf; tf=$(mktemp)
    /usr/bin/time -o "$tf" -f '%e %M' "$@" >/dev/null 2>"$out/$name.stderr" || { echo "$name failed"; cat "$out/$name.stderr"; }
    local line; line=$(tail -n 1 "$tf"); rm -f "$tf"
    times+=("${line% *}")
    local r=${line#* }
    (( r > rss )) && rss=$r
  done
  local med; med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  awk -v n="$name" -v t="$med" -v b="$bytes" -v l="$lines" -v r="$rss" \
    'BEGIN { if (t <= 0) t = 0.001; printf "%-13s %8.2f s %8.1f MB/s %11.0f lines/s %8.1f MiB peak\n", n, t, b/t/1e6, l/t, r/1024 }' \
    | tee -a "$results"
}

measure wc-l wc -l "$corpus"
measure mawk mawk -f "$here/peers/versions.awk" "$corpus"
if command -v mtail >/dev/null; then
  measure mtail mtail --one_shot --one_shot_format prometheus --logtostderr=false --progs "$here/peers/versions.mtail" --logs "$corpus"
else
  echo "mtail         not available (apt-get install mtail)" | tee -a "$results"
fi
measure fathom-parse "$fathom" ingest --dry-run --function checkout --quiet "$corpus"
store="$out/bench.sqlite"
measure fathom sh -c "rm -f '$store' '$store-wal' '$store-shm'; exec '$fathom' ingest --store '$store' --function checkout --quiet '$corpus'"

awk '
  { t[$1] = $2 }
  END {
    if (t["mawk"] > 0) {
      if (t["fathom"] > 0) printf "fathom (into the store) is %.2fx mawk\n", t["mawk"] / t["fathom"]
      if (t["fathom-parse"] > 0) printf "fathom parse+aggregate is %.2fx mawk\n", t["mawk"] / t["fathom-parse"]
      if (t["mtail"] > 0 && t["fathom"] > 0) printf "fathom (into the store) is %.2fx mtail\n", t["mtail"] / t["fathom"]
    }
  }' "$results" | tee -a "$results"
