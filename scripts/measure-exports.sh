#!/usr/bin/env bash
# Whole-process time and peak RSS of the exports over a year of heavy use (525,600 spans):
# the personal export as CSV and as Parquet, and a research bundle of the year at 5-minute
# granularity with daily totals, sessions and spans (its privacy scan included).
set -euo pipefail
MAST=${1:-${CARGO_TARGET_DIR:-target}/release/mast}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MAST_DATA_DIR="$tmp/data" MAST_CONFIG_DIR="$tmp/config"
"$MAST" demo --heavy-year >/dev/null
from=$(date -d "-364 days" +%F); to=$(date -d "-1 day" +%F)
cat >"$tmp/study.toml" <<TOML
study_id = "bench-year"
title = "A year at five minutes"
consent = "Benchmark."
granularity_minutes = 5
[period]
from = $from
to = $to
[collect]
daily_totals = true
sessions = true
spans = true
TOML
source "$(dirname "$0")/timed.sh"
measure() { # label, then the command's arguments
  local label=$1; shift
  timed /dev/null "$MAST" --demo "$@"
  printf "%s: %.2f s wall, %s MB peak RSS\n" "$label" "$WALL_S" "$RSS_MB"
}
measure "personal export of a year (525,600 spans), CSV" export --format csv --out "$tmp/csv"
measure "personal export of a year, Parquet" export --format parquet --out "$tmp/parquet"
measure "research export of a year at 5 min (daily totals, sessions, spans)" \
  research export --protocol "$tmp/study.toml" --out "$tmp/bundle" --consent
du -sh "$tmp/csv" "$tmp/parquet" "$tmp/bundle" | awk '{ printf "  size %s %s\n", $1, $2 }'
