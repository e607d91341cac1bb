#!/bin/sh
# Steady-state cost of the KWin focus channel: a private session bus, a headless KWin
# (kwin_wayland --virtual) on it, and `examples/kwin_focus` polling it once a second for
# SECONDS (default 60) while nothing changes. Prints the example's peak and final RSS and
# its CPU time as a share of one core.
#
# Usage: scripts/measure-kwin.sh [SECONDS] [EXAMPLE]   (EXAMPLE: a built kwin_focus binary;
# default target/release/examples/kwin_focus)
set -eu
seconds=${1:-60}
target=${CARGO_TARGET_DIR:-target}
example=${2:-$target/release/examples/kwin_focus}
[ -x "$example" ] || { echo "build it first: cargo build --release --example kwin_focus" >&2; exit 1; }

dir=$(mktemp -d)
pids=""
cleanup() {
    for pid in $pids; do kill "$pid" 2>/dev/null || true; done
    for pid in $pids; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
mkdir -m 700 "$dir/run"
mkdir "$dir/home"

dbus-daemon --session --address="unix:path=$dir/bus" --nofork --nopidfile 2>/dev/null &
pids="$pids $!"
export DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/bus"
# A copy: Debian's binary carries cap_sys_resource, which containers may not grant (EPERM).
cp /usr/bin/kwin_wayland "$dir/kwin_wayland"
XDG_RUNTIME_DIR="$dir/run" HOME="$dir/home" "$dir/kwin_wayland" --virtual --no-lockscreen \
    --no-global-shortcuts --no-kactivities --socket mast-measure --width 1280 --height 720 \
    >"$dir/kwin.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 100); do
    dbus-send --session --print-reply --dest=org.kde.KWin /Scripting \
        org.kde.kwin.Scripting.isScriptLoaded string:x >/dev/null 2>&1 && break
    sleep 0.1
done

# A release build writes its built-in copy of the script under XDG_RUNTIME_DIR.
XDG_RUNTIME_DIR="$dir/run" "$example" "$seconds" >"$dir/example.log" 2>&1 &
pid=$!
sleep 3 # connected and settled
kill -0 "$pid" 2>/dev/null || { cat "$dir/example.log" >&2; exit 1; }
# Run time in nanoseconds, summed over the process's threads (finer than clock ticks).
runtime() { cat /proc/"$pid"/task/*/schedstat | awk '{ns += $1} END {printf "%d", ns}'; }
cpu0=$(runtime)
t0=$(date +%s.%N)
sleep $((seconds - 6))
cpu1=$(runtime)
t1=$(date +%s.%N)
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status")
wait "$pid"
cat "$dir/example.log"
awk -v c0="$cpu0" -v c1="$cpu1" -v t0="$t0" -v t1="$t1" -v rss="$rss" -v hwm="$hwm" -v th="$threads" 'BEGIN {
    printf "RSS %.1f MB (peak %.1f MB), %d threads; CPU %.4f %% of one core over %.0f s (%.2f ms)\n",
        rss / 1024, hwm / 1024, th, 100 * (c1 - c0) / 1e9 / (t1 - t0), t1 - t0, (c1 - c0) / 1e6 }'
