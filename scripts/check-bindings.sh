#!/usr/bin/env bash
# Files the front end takes from the Rust side, committed and checked for drift:
# - ui/src/lib/ipc/bindings: the TypeScript types of the IPC, generated from the Rust types
#   (ts-rs);
# - ui/tests/fixtures/*.json: what the app's commands return on a fixed demo (four weeks of
#   realistic usage, the demo goals, one rating), written by `examples/ui_fixtures.rs`; the
#   browser tests feed them to the UI, so the UI is tested on what the core really returns.
# This regenerates both into a temporary dir and fails when the committed ones differ.
# `scripts/check-bindings.sh --write` updates them.
set -euo pipefail
cd "$(dirname "$0")/.."
bindings=ui/src/lib/ipc/bindings
fixtures=ui/tests/fixtures

generate() { # bindings_dir fixtures_dir
  TS_RS_EXPORT_DIR="$1" cargo test --locked -q --features ts --lib export_bindings >/dev/null
  cargo run --locked -q --example ui_fixtures -- "$2" >/dev/null
}

if [[ ${1:-} == --write ]]; then
  rm -rf "$bindings"
  generate "$PWD/$bindings" "$fixtures"
  echo "wrote $(ls "$bindings" | wc -l) bindings to $bindings and $(ls "$fixtures"/*.json | wc -l) fixtures to $fixtures"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
generate "$tmp/bindings" "$tmp/fixtures"
drift=0
if ! diff -r "$bindings" "$tmp/bindings" >"$tmp/bindings.diff" 2>&1; then
  head -n 60 "$tmp/bindings.diff"
  echo "The TypeScript bindings in $bindings are out of date." >&2
  drift=1
fi
if ! diff -r -x README.md "$fixtures" "$tmp/fixtures" >"$tmp/fixtures.diff" 2>&1; then
  head -n 60 "$tmp/fixtures.diff"
  echo "The UI fixtures in $fixtures are out of date." >&2
  drift=1
fi
if ((drift)); then
  echo "Run scripts/check-bindings.sh --write and commit the result." >&2
  exit 1
fi
echo "TypeScript bindings ($(ls "$bindings" | wc -l) files) and UI fixtures ($(ls "$fixtures"/*.json | wc -l) files): up to date"
