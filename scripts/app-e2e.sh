#!/usr/bin/env bash
# The desktop app end to end: the real `mast-desktop`, driven through tauri-driver and
# WebKitWebDriver under Xvfb, on demo data in temporary dirs (checks: scripts/app_e2e.py).
#
#   scripts/app-e2e.sh [path/to/mast-desktop]    (default: $CARGO_TARGET_DIR or target, debug)
#
# Builds `mast` and `mast-desktop` (cargo, incremental) unless MAST_E2E_NO_BUILD=1; the
# front end must be built first (ui/dist, made by scripts/ui-test.sh or `npm run build`).
# Installs tauri-driver into ~/.cache/mast-tools when it is missing. Starts its own Xvfb
# and private D-Bus session, starts the app with --demo (which fills an empty demo dir with
# four weeks of demo use), then drives it as a
# person would: Today shows the demo's numbers, a goal typed into the Goals view is refused
# with the core's message, then stored (the CLI finds it in SQLite), and the Mismatch view
# shows it. Screenshots of every view go to $MAST_E2E_SHOTS (default
# ui/test-results/app-screenshots; `make screenshots` copies them to docs/screenshots).
# Then it starts the app on an empty data dir of its own: it tracks, pauses and resumes,
# saves only changed settings, adds a goal the CLI then sees, and loads the demo beside the
# user's store. Last, the app runs as a native Wayland client of headless sway: it names the
# wlroots sensor in Settings and tracks the foot window in front. Every process it starts is
# stopped by pid.
set -euo pipefail

# Become a child subreaper so that orphans (WebKit's helpers) come to this shell, which
# reaps them, rather than to a PID 1 that may not (see scripts/measure-track.sh).
if [[ -z ${MAST_E2E_SUBREAPER:-} ]] && command -v python3 >/dev/null; then
    export MAST_E2E_SUBREAPER=1
    exec python3 -c 'import ctypes, os, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
os.execvp("bash", ["bash"] + sys.argv[1:])' "$0" "$@"
fi

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
APP=${1:-$TARGET/debug/mast-desktop}
MAST=$TARGET/debug/mast
export NO_AT_BRIDGE=1

for tool in Xvfb dbus-daemon python3 /usr/bin/WebKitWebDriver sway swaymsg foot setpriv; do
    command -v "$tool" >/dev/null || {
        echo "app-e2e: $tool is missing (Debian: xvfb dbus python3 webkit2gtk-driver)" >&2
        exit 2
    }
done

if [[ ${MAST_E2E_NO_BUILD:-} != 1 ]]; then
    if [[ ! -f $ROOT/ui/dist/index.html ]]; then
        echo "app-e2e: ui/dist is not built (cd ui && npm run build)" >&2
        exit 2
    fi
    (cd "$ROOT" && cargo build --locked -p mast -p mast-desktop)
fi

DRIVER=$(command -v tauri-driver || true)
if [[ -z $DRIVER ]]; then
    DRIVER=$HOME/.cache/mast-tools/bin/tauri-driver
    if [[ ! -x $DRIVER ]]; then
        cargo install tauri-driver --locked --root "$HOME/.cache/mast-tools"
    fi
fi

TMP=$(mktemp -d)
PIDS=()
# Every live descendant of this shell, children last (so they are stopped after their
# parents have had the chance to stop them).
descendants() {
    local pid ppid stat
    declare -A kids=()
    while read -r pid ppid stat; do
        [[ $stat == Z* ]] && continue
        kids[$ppid]+="$pid "
    done < <(ps -e -o pid=,ppid=,stat=)
    local todo=($$) found=() p
    while ((${#todo[@]})); do
        p=${todo[0]}
        todo=("${todo[@]:1}")
        for c in ${kids[$p]:-}; do
            [[ $c == "$BASHPID" ]] && continue
            found+=("$c")
            todo+=("$c")
        done
    done
    echo "${found[@]}"
}
cleanup() {
    local pid left
    # The app and WebKit's helpers are grandchildren: orphans come back to this shell (a
    # subreaper), which reaps them, so keep stopping by pid until none is left.
    for _ in $(seq 100); do
        left=$(descendants) || true
        [[ -z $left ]] && break
        kill $left 2>/dev/null || true
        sleep 0.1
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [[ ${MAST_E2E_KEEP:-} == 1 ]]; then
        echo "app-e2e: kept $TMP" >&2
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT

# A display of our own: Xvfb picks a free number and writes it to fd 3.
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$TMP/display" 2>"$TMP/xvfb.log" &
PIDS+=($!)
for _ in $(seq 100); do [[ -s $TMP/display ]] && break; sleep 0.05; done
export DISPLAY=:$(head -n1 "$TMP/display")

# A private session bus: the single-instance plugin and notifications talk D-Bus, and a
# user's own running Mast must not answer.
dbus-daemon --session --nofork --print-address=3 3>"$TMP/bus" 2>"$TMP/dbus.log" &
PIDS+=($!)
for _ in $(seq 100); do [[ -s $TMP/bus ]] && break; sleep 0.05; done
export DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$TMP/bus")

export MAST_DATA_DIR=$TMP/data MAST_CONFIG_DIR=$TMP/config
# The checks compare the demo's today with `mast report`: so that today has hours of use
# whenever the test runs, the local day (UTC) starts twelve hours before or after now.
export TZ=UTC
# (--demo reads its own config dir, beside the user's.)
mkdir -p "$MAST_CONFIG_DIR-demo"
echo "day_start_hour = $(( (10#$(date -u +%H) + 12) % 24 ))" >"$MAST_CONFIG_DIR-demo/config.toml"
# No `mast demo`: `mast-desktop --demo` fills the empty demo dir itself.

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NATIVE_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The app's autostart entry and anything else it writes under $HOME stay in the sandbox.
mkdir -p "$TMP/home"
HOME=$TMP/home "$DRIVER" --port "$PORT" --native-port "$NATIVE_PORT" --native-driver /usr/bin/WebKitWebDriver \
    >"$TMP/driver.log" 2>&1 &
DRIVER_PID=$!
PIDS+=("$DRIVER_PID")

status=0
MAST_E2E_SHOTS=${MAST_E2E_SHOTS:-$ROOT/ui/test-results/app-screenshots} APP_PATH=$(realpath "$APP") PORT=$PORT DRIVER_PID=$DRIVER_PID MAST_BIN=$(realpath "$MAST") python3 "$ROOT/scripts/app_e2e.py" || status=$?

if [[ $status -ne 0 ]]; then
    echo "app-e2e: failed; tauri-driver's log:" >&2
    tail -n 40 "$TMP/driver.log" >&2
    exit $status
fi

# The app as a native Wayland client: headless sway as uid 65534 (sway refuses root) with
# its own runtime dir, a foot window, and a second tauri-driver whose app sees only sway
# (no DISPLAY, GDK_BACKEND=wayland), on data and config dirs of its own.
SWAY_UID=65534
RUNTIME=$TMP/sway-runtime
mkdir -m 700 "$RUNTIME" && mkdir -m 755 "$TMP/sway-home"
chown "$SWAY_UID:$SWAY_UID" "$RUNTIME" "$TMP/sway-home"
chmod 755 "$TMP"
printf 'output HEADLESS-1 resolution 1280x720\nxwayland disable\n' >"$TMP/sway.conf"
chmod 644 "$TMP/sway.conf"
setpriv --reuid="$SWAY_UID" --regid="$SWAY_UID" --clear-groups -- env -i PATH="$PATH" HOME="$TMP/sway-home" \
    XDG_RUNTIME_DIR="$RUNTIME" WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
    sway -c "$TMP/sway.conf" >"$TMP/sway.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 150); do
    wayland=$(find "$RUNTIME" -maxdepth 1 -name 'wayland-*' ! -name '*.lock' -print -quit)
    swaysock=$(find "$RUNTIME" -maxdepth 1 -name 'sway-ipc.*.sock' -print -quit)
    [[ -n $wayland && -n $swaysock ]] && SWAYSOCK=$swaysock swaymsg -t get_version >/dev/null 2>&1 && break
    sleep 0.1
done
if [[ -z ${wayland:-} || -z ${swaysock:-} ]]; then
    echo "app-e2e: headless sway did not come up:" >&2
    cat "$TMP/sway.log" >&2
    exit 1
fi
FOOT=MastWaylandNote
(
    unset DISPLAY
    export WAYLAND_DISPLAY=$wayland XDG_RUNTIME_DIR=$RUNTIME SWAYSOCK=$swaysock
    foot --app-id="$FOOT" --title="Notes" sleep 100000 >"$TMP/foot.log" 2>&1 &
    echo $! >"$TMP/foot.pid"
)
PIDS+=("$(cat "$TMP/foot.pid")")
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NATIVE_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$TMP/wl-home"
env -u DISPLAY WAYLAND_DISPLAY="$wayland" XDG_RUNTIME_DIR="$RUNTIME" SWAYSOCK="$swaysock" GDK_BACKEND=wayland \
    MAST_LOG=${MAST_E2E_LOG:-info} XDG_SESSION_TYPE=wayland MAST_DATA_DIR="$TMP/wl-data" MAST_CONFIG_DIR="$TMP/wl-config" HOME="$TMP/wl-home" \
    "$DRIVER" --port "$PORT" --native-port "$NATIVE_PORT" --native-driver /usr/bin/WebKitWebDriver \
    >"$TMP/wl-driver.log" 2>&1 &
DRIVER_PID=$!
PIDS+=("$DRIVER_PID")
SWAYSOCK=$swaysock MAST_E2E_FOOT=$FOOT MAST_DATA_DIR="$TMP/wl-data" MAST_CONFIG_DIR="$TMP/wl-config" \
    APP_PATH=$(realpath "$APP") PORT=$PORT DRIVER_PID=$DRIVER_PID MAST_BIN=$(realpath "$MAST") \
    python3 "$ROOT/scripts/app_e2e.py" wayland || status=$?
if [[ $status -ne 0 ]]; then
    echo "app-e2e: the Wayland run failed; tauri-driver's log:" >&2
    tail -n 40 "$TMP/wl-driver.log" >&2
    echo "sway's log:" >&2
    tail -n 20 "$TMP/sway.log" >&2
fi
exit $status
