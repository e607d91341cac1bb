#!/usr/bin/env bash
# Whole-process time and peak RSS of `mast import activitywatch` on a synthetic year of
# ActivityWatch export: 525,600 window events (one a minute), AFK events (nights and short
# breaks) and a browser tab event per browser window (examples/aw_export.rs). Also prints
# the file's size, the second import (which must add nothing) and the spans stored.
#
#   scripts/measure-import.sh [path/to/mast] [path/to/aw_export] [events]
#       (defaults: $CARGO_TARGET_DIR/release/mast, .../release/examples/aw_export, 525600)
#
# Build both first: cargo build --release -p mast --bin mast --example aw_export
set -euo pipefail
TARGET=${CARGO_TARGET_DIR:-target}
MAST=${1:-$TARGET/release/mast}
GEN=${2:-$TARGET/release/examples/aw_export}
EVENTS=${3:-525600}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MAST_DATA_DIR="$tmp/data" MAST_CONFIG_DIR="$tmp/config" TZ=UTC
export="$tmp/aw-export.json"
"$GEN" "$export" "$EVENTS"
bytes=$(stat -c %s "$export")
cat "$export" >/dev/null   # warm the page cache: measure the import, not the disk
source "$(dirname "$0")/timed.sh"
measure() { # label
  timed "$tmp/summary.json" "$MAST" import activitywatch "$export" --json
  python3 - "$1" "$WALL_S" "$RSS_MB" "$bytes" "$tmp/summary.json" <<'PY'
import json, sys
label, secs, rss, size, summary = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
s = json.load(open(summary))
print(f"{label}: {size / 1e6:.1f} MB export, {secs:.2f} s wall ({size / 1e6 / secs:.0f} MB/s), "
      f"{rss:.1f} MB peak RSS; imported {s['importedEvents']} events as {s['importedSpans']} spans "
      f"({s['importedSeconds'] / 3600:.0f} h), already present {s['alreadyPresent']}, "
      f"skipped {sum(s['skipped'].values())} {json.dumps(s['skipped'])}")
PY
}
measure "first import"
measure "same file again"
echo "stored spans: $(sqlite3 "$MAST_DATA_DIR/mast.db" "SELECT count(*) FROM spans" 2>/dev/null || echo '(sqlite3 missing)')"
