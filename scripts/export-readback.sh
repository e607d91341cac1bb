#!/usr/bin/env bash
# Mast's exports read back by the tools researchers use: installs pyarrow and duckdb from
# PyPI into a venv under ~/.cache/mast-tools (once), fills a demo data dir in a temp dir,
# exports it as CSV, JSON Lines and Parquet and as a research bundle, and checks types, row
# counts and totals against `mast report` (scripts/export_readback.py).
#
#   scripts/export-readback.sh [path/to/mast]   (default: $CARGO_TARGET_DIR or target, debug)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MAST=${1:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/mast}
VENV=$HOME/.cache/mast-tools/pyenv
if ! "$VENV/bin/python" -c 'import pyarrow, duckdb' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "pyarrow==26.*" "duckdb==2.*"
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export MAST_DATA_DIR=$TMP/data MAST_CONFIG_DIR=$TMP/config
"$MAST" demo --days 60 >/dev/null
"$MAST" --demo rate --day yesterday not >/dev/null
"$VENV/bin/python" "$ROOT/scripts/export_readback.py" "$(realpath "$MAST")"
