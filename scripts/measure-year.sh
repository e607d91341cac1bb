#!/usr/bin/env bash
# Whole-process time and peak RSS of the full-year report over a year of heavy use
# (525,600 spans), and the database's bytes per span. Budgets: ≤ 100 ms, ≤ 50 MB, ≤ 40 B.
set -euo pipefail
MAST=${1:-${CARGO_TARGET_DIR:-target}/release/mast}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MAST_DATA_DIR="$tmp/data" MAST_CONFIG_DIR="$tmp/config"
"$MAST" demo --heavy-year >/dev/null
db="$tmp/data-demo/mast.db"
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;" >/dev/null
spans=$(sqlite3 "$db" "SELECT count(*) FROM spans")
bytes=$(stat -c %s "$db")
from=$(date -d "-364 days" +%F); to=$(date +%F)
"$MAST" --demo report --from "$from" --to "$to" --json >/dev/null   # warm the page cache
/usr/bin/time -v "$MAST" --demo report --from "$from" --to "$to" --json 2>"$tmp/time" >/dev/null
wall=$(grep "Elapsed (wall clock)" "$tmp/time" | awk '{print $NF}')
rss=$(grep "Maximum resident set size" "$tmp/time" | awk '{print $NF}')
awk -v s="$spans" -v b="$bytes" -v w="$wall" -v r="$rss" 'BEGIN {
  split(w, t, ":"); secs = (length(t) == 2) ? t[1] * 60 + t[2] : t[1] * 3600 + t[2] * 60 + t[3];
  printf "year report, whole process: %d spans, %.0f ms wall (budget 100), %.1f MB peak RSS (budget 50)\n", s, secs * 1000, r / 1024;
  printf "storage: %d bytes, %.1f bytes per span (budget 40)\n", b, b / s }'
