#!/usr/bin/env bash
# Whole-process figures of the desktop app (release build) on a year of demo data, against
# DESIGN.md's budgets: start to the first painted view ≤ 1 s, and the memory of the app with
# its window open, after the window is closed (tray only: the webview must be freed), and
# when started in the tray (--hidden, as autostart does).
#
#   scripts/measure-app.sh [path/to/mast-desktop] [runs]   (defaults: release build, 5)
#
# Starts its own Xvfb + openbox and a private D-Bus, writes a year of demo use with
# `mast demo --days 365`, then launches `mast-desktop --demo` `runs` times. Start time is
# from just before exec to the moment the front end reports its first view painted with
# data (the app logs "first view painted" with the wall-clock time; see commands.rs). The
# first launch follows a page-cache drop when the kernel allows it (cold); the others are
# warm. Memory is the proportional set size (PSS, shared pages split between processes) of
# the app and its WebKit processes, and the app's own RSS. The window is closed the way a
# person does it, Alt+F4 through the window manager. It also checks that the app and its
# WebKit processes hold no TCP or UDP socket. Exits 1 when a budget is exceeded.
set -euo pipefail

if [[ -z ${MAST_MEASURE_SUBREAPER:-} ]] && command -v python3 >/dev/null; then
    export MAST_MEASURE_SUBREAPER=1
    exec python3 -c 'import ctypes, os, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
os.execvp("bash", ["bash"] + sys.argv[1:])' "$0" "$@"
fi

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
APP=${1:-$TARGET/release/mast-desktop}
RUNS=${2:-5}
MAST=$(dirname "$APP")/mast
START_BUDGET_MS=1000
export NO_AT_BRIDGE=1

for tool in Xvfb openbox xdotool dbus-daemon; do
    command -v "$tool" >/dev/null || { echo "measure-app: $tool is missing (make deps installs it)" >&2; exit 2; }
done
[[ -x $APP && -x $MAST ]] || { echo "measure-app: build first: cargo build --release -p mast -p mast-desktop" >&2; exit 2; }

tmp=$(mktemp -d)
pids=()
descendants() { # pid → every live descendant
    local todo=("$1") p c
    while ((${#todo[@]})); do
        p=${todo[0]}; todo=("${todo[@]:1}")
        for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
            echo "$c"; todo+=("$c")
        done
    done
}
stop_tree() {
    local pid=$1 all
    all="$pid $(descendants "$pid" | tr '\n' ' ')"
    kill -TERM $all 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL $all 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local i
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_tree "${pids[i]}"; done
    rm -rf "$tmp"
}
trap cleanup EXIT

Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
pids+=($!)
for _ in $(seq 100); do [[ -s $tmp/display ]] && break; sleep 0.05; done
export DISPLAY=:$(head -n1 "$tmp/display")
dbus-daemon --session --nofork --print-address=3 3>"$tmp/bus" 2>"$tmp/dbus.log" &
pids+=($!)
for _ in $(seq 100); do [[ -s $tmp/bus ]] && break; sleep 0.05; done
export DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$tmp/bus")
HOME=$tmp openbox --config-file /etc/xdg/openbox/rc.xml >"$tmp/openbox.log" 2>&1 &
pids+=($!)
sleep 0.5

export MAST_DATA_DIR=$tmp/data MAST_CONFIG_DIR=$tmp/config HOME=$tmp
"$MAST" demo --days 365 >/dev/null
echo "measure-app: a year of demo data: $(du -h "$tmp/data-demo/mast.db" | cut -f1)"

kb() { # "pss" or "rss" summed over the given pids, in kB
    local what=$1 p sum=0 v; shift
    for p in "$@"; do
        if [[ $what == pss ]]; then
            v=$(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)
        else
            v=$(awk '/^VmRSS:/ {print $2}' /proc/"$p"/status 2>/dev/null || echo 0)
        fi
        sum=$((sum + ${v:-0}))
    done
    echo "$sum"
}
mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }
memory() { # pid → "PSS total (N processes), app RSS"
    local pid=$1 all
    all=("$pid" $(descendants "$pid"))
    echo "$(mb "$(kb pss "${all[@]}")") PSS in ${#all[@]} processes, app RSS $(mb "$(kb rss "$pid")")"
}
inet_sockets() { # pids → how many TCP/UDP sockets (IPv4 or IPv6) they hold
    local p inodes=() net
    for p in "$@"; do
        inodes+=($(find /proc/"$p"/fd -lname 'socket:*' -printf '%l\n' 2>/dev/null | tr -dc '0-9\n'))
    done
    ((${#inodes[@]})) || { echo 0; return; }
    net=$(awk 'FNR > 1 {print $10}' /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 2>/dev/null)
    comm -12 <(printf '%s\n' "${inodes[@]}" | sort -u) <(sort -u <<<"$net") | wc -l
}
window_count() { xdotool search --onlyvisible --name '^Mast$' 2>/dev/null | wc -l; }

starts=()
failed=0
for run in $(seq "$RUNS"); do
    kind=warm
    if ((run == 1)); then
        sync
        if echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then kind=cold; else kind="first (page cache not dropped: not allowed here)"; fi
    fi
    log=$tmp/app-$run.log
    launched=$(date +%s%3N)
    "$APP" --demo >"$log" 2>&1 &
    app=$!
    pids+=("$app")
    for _ in $(seq 300); do grep -q "first view painted" "$log" && break; sleep 0.05; done
    line=$(grep -m1 "first view painted" "$log" | sed 's/\x1b\[[0-9;]*m//g' || true)
    if [[ -z $line ]]; then
        echo "measure-app: run $run: no view painted within 15 s; the app's log:" >&2
        cat "$log" >&2
        exit 1
    fi
    painted=$(grep -o 'epoch_ms=[0-9]*' <<<"$line" | cut -d= -f2)
    inside=$(grep -o 'since_start_ms=[0-9]*' <<<"$line" | cut -d= -f2)
    ms=$((painted - launched))
    starts+=("$ms")
    echo "measure-app: run $run ($kind): first view painted $ms ms after launch ($inside ms after main)"
    if ((run == 1)); then
        sleep 3
        echo "measure-app: window open: $(memory "$app")"
        sockets=$(inet_sockets "$app" $(descendants "$app"))
        echo "measure-app: network sockets of the app and its WebKit processes: $sockets"
        if ((sockets != 0)); then
            echo "measure-app: the app must open no network sockets" >&2
            failed=1
        fi
        win=$(xdotool search --onlyvisible --name '^Mast$' | head -n1)
        xdotool windowactivate --sync "$win" key --clearmodifiers alt+F4
        for _ in $(seq 50); do (($(window_count) == 0)) && break; sleep 0.1; done
        if (($(window_count) != 0)); then
            echo "measure-app: the window did not close on Alt+F4" >&2
            failed=1
        fi
        sleep 3 # WebKit ends the window's web process asynchronously
        kill -0 "$app" 2>/dev/null || { echo "measure-app: the app quit when its window closed" >&2; exit 1; }
        echo "measure-app: window closed (tray only): $(memory "$app")"
        if pgrep -P "$app" -f WebKitWebProcess >/dev/null; then
            echo "measure-app: a WebKit web process still runs after the window closed" >&2
            failed=1
        fi
    fi
    stop_tree "$app"
    sleep 0.5
done

"$APP" --demo --hidden >"$tmp/hidden.log" 2>&1 &
app=$!
pids+=("$app")
sleep 4
echo "measure-app: started in the tray (--hidden): $(memory "$app")"
stop_tree "$app"

sorted=($(printf '%s\n' "${starts[@]}" | sort -n))
median=${sorted[$((${#sorted[@]} / 2))]}
echo "measure-app: start to first painted view: median $median ms of $RUNS runs (budget $START_BUDGET_MS ms); all: ${starts[*]}"
if ((median > START_BUDGET_MS)); then
    echo "measure-app: over the start-up budget" >&2
    failed=1
fi
exit $failed
