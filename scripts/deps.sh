#!/usr/bin/env bash
# Installs what Mast needs to build and test on Debian/Ubuntu, and nothing that is already
# there. Uses sudo when not root. Safe to run again.
set -euo pipefail

# Build: a C compiler for SQLite (bundled). Tests: a real X server, a window manager, windows
# to switch between and a tool to switch them; sqlite3 and python3 (with venv, for pyarrow
# and DuckDB from PyPI) to read data back; a
# D-Bus daemon for the private session bus of the notification tests (tests/notify.rs);
# Syncthing, curl for its REST API and ss (iproute2) to watch its sockets, to sync a family
# folder between two instances on loopback (scripts/syncthing-pair.sh).
# The desktop app: WebKitGTK, GTK, the tray (appindicator), librsvg and libsoup to build
# Tauri; WebKitWebDriver to drive the real app end to end; Chromium for the UI's browser
# tests; Node.js and npm for the front end (Node 20 or newer).
# Wayland: real headless compositors for the sensors' tests — sway (with foot windows, wtype
# input, swaymsg focus), KWin (kwin_wayland --virtual) for Mast's KWin script, GNOME Shell
# and mutter for Mast's Shell extension and IdleMonitor, and gjs to load the extension's
# ES-module flavour in a harness.
PACKAGES=(
  build-essential pkg-config ca-certificates
  xvfb openbox xdotool xterm x11-utils
  sqlite3 python3 python3-venv procps time
  dbus-daemon
  syncthing curl iproute2
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev
  webkit2gtk-driver chromium
  sway foot wtype grim kwin-wayland mutter gnome-shell gjs libglib2.0-bin util-linux
)
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)

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
  echo "deps: Rust is missing. Install it with rustup (https://rustup.rs), version 1.89 or newer, then run make again." >&2
  exit 1
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "deps: Node.js $(node --version 2>/dev/null || echo missing) is too old for the front end; install Node.js 20 or newer, then run make again." >&2
  exit 1
fi

# tauri-driver (the WebDriver bridge for the real app's end-to-end test), built once into
# a cache outside the clone.
TOOLS="${MAST_TOOLS:-$HOME/.cache/mast-tools}"
if [ ! -x "$TOOLS/bin/tauri-driver" ]; then
  echo "deps: installing tauri-driver into $TOOLS"
  cargo install tauri-driver --locked --quiet --root "$TOOLS"
fi
