# What a user would write with awk instead of Fathom: invocations, mean duration and cold starts
# per version, and count and sum per custom metric. It computes far less than Fathom (no quantiles,
# no errors, no traces, no quarantine, no store).
/^START RequestId: / { version[$3] = $5; next }
/MONITORING\|/ {
  i = index($0, "MONITORING|"); n = split(substr($0, i), f, "|")
  key = f[5] " " f[4]; count[key]++; total[key] += f[3]; next
}
/^REPORT RequestId: / {
  split($0, field, "\t"); split(field[2], d, " "); v = version[$3]
  inv[v]++; ms[v] += d[2]; if ($0 ~ /Init Duration/) cold[v]++
  delete version[$3]; next
}
END {
  for (k in count) printf "metric %s count=%d sum=%.4f\n", k, count[k], total[k]
  for (v in inv) printf "version %s invocations=%d mean_ms=%.2f cold=%d\n", v, inv[v], ms[v] / inv[v], cold[v]
}
