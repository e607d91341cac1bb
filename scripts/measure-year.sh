#!/usr/bin/env bash
# Whole-process time and peak RSS of the full-year report and the full-year objective
# mismatch (with the demo's goals: patterns, goal evaluation, captured time) over a year of
# heavy use (525,600 spans), and the database's bytes per span.
# Budgets: ≤ 100 ms, ≤ 50 MB each; ≤ 40 B per span.
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
source "$(dirname "$0")/timed.sh"
measure() { # label, then the command's arguments
  local label=$1; shift
  timed /dev/null "$MAST" --demo "$@"
  awk -v l="$label" -v s="$spans" -v w="$WALL_S" -v r="$RSS_MB" 'BEGIN {
    printf "%s, whole process: %d spans, %.0f ms wall (budget 100), %.1f MB peak RSS (budget 50)\n", l, s, w * 1000, r }'
}
measure "year report" report --from "$from" --to "$to" --json
measure "year mismatch" mismatch --from "$from" --to "$to" --json
awk -v s="$spans" -v b="$bytes" 'BEGIN { printf "storage: %d bytes, %.1f bytes per span (budget 40)\n", b, b / s }'
