#!/usr/bin/env bash
# Whole-process time and peak RSS of the full-year report and the full-year objective
# mismatch (with the demo's goals: patterns, goal evaluation, captured time) over a year of
# heavy use (525,600 spans), beside a bare `sqlite3` scan of the same spans, and the
# database's bytes per span.
# Budgets: ≤ 100 ms, ≤ 50 MB each, and ≤ 1.5× the sqlite3 scan; ≤ 40 B per span. Exits
# non-zero when one is exceeded.
#
# Each command runs RUNS times (default 7) and its fastest run counts, for Mast and sqlite3
# alike: on a shared machine the other runs measure the neighbours, not the program. Wall
# time is taken by bash's microsecond clock around the bare command; peak RSS, from
# /usr/bin/time -v on a second run of each, is the largest of the runs.
set -euo pipefail
MAST=${1:-${CARGO_TARGET_DIR:-target}/release/mast}
RUNS=${RUNS:-7}
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
source "$(dirname "$0")/timed.sh"
best() { # the command; sets BEST_MS (fastest wall, to the microsecond) and PEAK_MB (largest peak RSS)
  local t0 t1
  BEST_MS=""; PEAK_MB=0
  for _ in $(seq "$RUNS"); do
    t0=$EPOCHREALTIME
    "$@" >/dev/null
    t1=$EPOCHREALTIME
    BEST_MS=$(awk -v b="$BEST_MS" -v t0="$t0" -v t1="$t1" 'BEGIN { w = (t1 - t0) * 1000; print (b == "" || w < b) ? w : b }')
    timed /dev/null "$@"   # /usr/bin/time's wall clock is only to 10 ms; its peak RSS is exact
    PEAK_MB=$(awk -v p="$PEAK_MB" -v r="$RSS_MB" 'BEGIN { print (r > p) ? r : p }')
  done
}
best sqlite3 "$db" "SELECT count(*), sum(dur_ms) FROM spans"
base_ms=$BEST_MS
awk -v s="$spans" -v w="$base_ms" -v r="$PEAK_MB" 'BEGIN {
  printf "sqlite3 scan (count, sum of durations), whole process: %d spans, %.1f ms wall, %.1f MB peak RSS\n", s, w, r }'
failed=0
measure() { # label, then mast's arguments
  local label=$1; shift
  best "$MAST" --demo "$@"
  awk -v l="$label" -v s="$spans" -v w="$BEST_MS" -v r="$PEAK_MB" -v b="$base_ms" 'BEGIN {
    ratio = w / b
    printf "%s, whole process: %d spans, %.1f ms wall (budget 100), %.1f MB peak RSS (budget 50), %.2f× the sqlite3 scan (budget 1.5)\n",
      l, s, w, r, ratio
    exit (w > 100 || r > 50 || ratio > 1.5) }' || { echo "  over budget: $label" >&2; failed=1; }
}
measure "year report" report --from "$from" --to "$to" --json
measure "year mismatch" mismatch --from "$from" --to "$to" --json
awk -v s="$spans" -v b="$bytes" 'BEGIN {
  printf "storage: %d bytes, %.1f bytes per span (budget 40)\n", b, b / s; exit (b / s > 40) }' ||
  { echo "  over budget: storage" >&2; failed=1; }
exit "$failed"
