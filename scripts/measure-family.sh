#!/usr/bin/env bash
# Whole-process time and peak RSS of the family commands: creating a family (Argon2id with
# 64 MiB, 3 passes, derived once), joining it, and a sync with publication on a year of
# heavy use (525,600 spans) in a family of five devices with 200 changes of shared goals.
set -euo pipefail
MAST=${1:-${CARGO_TARGET_DIR:-target}/release/mast}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MAST_FAMILY_PASSPHRASE="a benchmark family passphrase" MAST_CONFIG_DIR="$tmp/config"
folder=$tmp/folder
source "$(dirname "$0")/timed.sh"
measure() { # label, data dir, then the command's arguments
  local label=$1 data=$2; shift 2
  MAST_DATA_DIR=$data timed /dev/null "$MAST" "$@"
  printf "%s: %.2f s wall, %s MB peak RSS\n" "$label" "$WALL_S" "$RSS_MB"
}
MAST_DATA_DIR=$tmp/parent "$MAST" demo --heavy-year >/dev/null
# The heavy year is in the demo dir beside $tmp/parent: track with it as the parent's.
rm -rf "$tmp/parent"; mv "$tmp/parent-demo" "$tmp/parent"
measure "family create (Argon2id 64 MiB x 3)" "$tmp/parent" family create --folder "$folder" --name Bench --member parent
code=$(MAST_DATA_DIR=$tmp/parent "$MAST" family status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["fingerprint"])')
for i in 1 2 3 4; do
  measure "family join, device $i" "$tmp/d$i" family join --folder "$folder" --member "member$i" --fingerprint "$code"
done
for i in 1 2 3 4; do MAST_DATA_DIR=$tmp/parent "$MAST" family organiser "member$i" >/dev/null; done
platforms=(instagram tiktok youtube reddit facebook x snapchat pinterest)
for n in $(seq 1 40); do
  for i in 1 2 3 4; do
    MAST_DATA_DIR=$tmp/d$i "$MAST" family add "${platforms[$(((n + i) % 8))]}" --session-cap "$((10 + n))m" \
      --for "member$i" >/dev/null 2>&1 || true
  done
done
changes=$(MAST_DATA_DIR=$tmp/parent "$MAST" family status --json | python3 -c \
  'import json,sys; s=json.load(sys.stdin); print(len(s["goals"]), "goals,", len(s["members"]), "devices")')
echo "family: $changes"
measure "family sync + publish on a year of heavy use" "$tmp/parent" family sync
measure "family status (read, merge, no publication)" "$tmp/parent" family status --json
MAST_DATA_DIR=$tmp/parent "$MAST" family preview --json | python3 -c '
import json, sys
days = json.load(sys.stdin)["adherence"]["days"]
minutes = sum(sum(d["totals"].values()) for d in days) / 60
print(f"  published {len(days)} day(s), {minutes:.0f} min on the shared goals targets")'
du -sh "$folder" | awk '{ printf "  folder size %s\n", $1 }'
