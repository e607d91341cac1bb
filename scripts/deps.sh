#!/usr/bin/env bash
# Installs what Mast needs to build and test on Debian/Ubuntu, and nothing that is already
# there. Uses sudo when not root. Safe to run again.
set -euo pipefail

# Build: a C compiler for SQLite (bundled). Tests: a real X server, a window manager, windows
# to switch between and a tool to switch them; sqlite3 and python3 to read data back; a
# D-Bus daemon for the private session bus of the notification tests (tests/notify.rs).
PACKAGES=(
  build-essential pkg-config ca-certificates
  xvfb openbox xdotool xterm x11-utils
  sqlite3 python3 procps time
  dbus-daemon
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "deps: not root and no sudo; install as root: ${PACKAGES[*]}" >&2; exit 1
  fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "deps: Rust is missing. Install it with rustup (https://rustup.rs), version 1.85 or newer, then run make again." >&2
  exit 1
fi
