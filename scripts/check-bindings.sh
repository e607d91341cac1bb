#!/usr/bin/env bash
# The front end's TypeScript types are generated from the Rust IPC types (ts-rs) and
# committed in ui/src/lib/ipc/bindings. This regenerates them into a temporary dir and fails
# when the committed ones have drifted. `scripts/check-bindings.sh --write` updates them.
set -euo pipefail
cd "$(dirname "$0")/.."
committed=ui/src/lib/ipc/bindings
if [[ ${1:-} == --write ]]; then
  rm -rf "$committed"
  TS_RS_EXPORT_DIR="$PWD/$committed" cargo test --locked -q --features ts --lib export_bindings >/dev/null
  echo "wrote $(ls "$committed" | wc -l) bindings to $committed"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TS_RS_EXPORT_DIR="$tmp" cargo test --locked -q --features ts --lib export_bindings >/dev/null
if ! diff -r "$committed" "$tmp" >"$tmp.diff" 2>&1; then
  cat "$tmp.diff"; rm -f "$tmp.diff"
  echo "The TypeScript bindings in $committed are out of date: run scripts/check-bindings.sh --write and commit them." >&2
  exit 1
fi
rm -f "$tmp.diff"
echo "TypeScript bindings: $(ls "$committed" | wc -l) files, up to date"
