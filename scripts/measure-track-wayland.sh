#!/usr/bin/env bash
# Measures the tracker on a wlroots compositor (headless sway) in steady state against
# DESIGN.md's budgets: ≤ 10 MB RSS and ≤ 0.05 % of one core. Two runs: polling at 1 Hz
# (poll_interval_ms = 1000), and at poll_interval_ms = 3000, where focus changes arrive as
# compositor events on the sensor's own threads.
#
#   scripts/measure-track-wayland.sh [TRACKER] [seconds]   (defaults: target/release/mast, 60)
#   MAST=path/to/mast (default target/release/mast) reads the spans back.
#
# TRACKER is `mast`, run as `mast track` with `sensor = "wlroots"` in its config.
#
# Starts its own headless sway as uid 65534 (sway refuses root) in a temp dir, three foot
# windows (one of them X in "Firefox", so classification runs), tracks into temporary data
# and config dirs, switches windows with swaymsg and types with wtype every 10 s, then reads
# the tracker's /proc entries. Exits 1 when a budget is exceeded.
# Every process it starts is stopped by pid and waited for (PID 1 here may not reap orphans).
set -euo pipefail

TRACKER=${1:-target/release/mast}
SECS=${2:-60}
MAST=${MAST:-target/release/mast} # reads the spans back
RSS_BUDGET_KB=$((10 * 1024))
CPU_BUDGET_PCT=0.05
WARMUP_SECS=3
SWAY_UID=65534

for tool in sway swaymsg foot wtype setpriv; do
    command -v "$tool" >/dev/null || { echo "measure-track-wayland: $tool is missing (make deps installs it)" >&2; exit 2; }
done
[[ -x $TRACKER ]] || { echo "measure-track-wayland: no tracker at $TRACKER (cargo build --release)" >&2; exit 2; }
[[ -x $MAST ]] || { echo "measure-track-wayland: no mast binary at $MAST (cargo build --release)" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "measure-track-wayland: run as root (sway runs as uid $SWAY_UID under setpriv)" >&2; exit 2; }

tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=() # in start order; stopped in reverse

stop_pid() { # SIGTERM, up to 3 s to exit, then SIGKILL; always reaped
    local pid=$1
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local i
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        stop_pid "${pids[i]}"
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
    echo "measure-track-wayland: $*; logs in $tmp" >&2
    trap - EXIT
    local i
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_pid "${pids[i]}"; done
    exit 2
}

# sway, as uid 65534 with its own runtime dir and home.
runtime="$tmp/runtime"
mkdir -m 700 "$runtime" && mkdir -m 755 "$tmp/home"
chown "$SWAY_UID:$SWAY_UID" "$runtime" "$tmp/home"
printf 'output HEADLESS-1 resolution 1280x720\nxwayland disable\n' >"$tmp/sway.conf"
chmod 644 "$tmp/sway.conf"
setpriv --reuid="$SWAY_UID" --regid="$SWAY_UID" --clear-groups -- env -i PATH="$PATH" HOME="$tmp/home" \
    XDG_RUNTIME_DIR="$runtime" WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
    sway -c "$tmp/sway.conf" >"$tmp/sway.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do
    wayland=$(find "$runtime" -maxdepth 1 -name 'wayland-*' ! -name '*.lock' -print -quit)
    swaysock=$(find "$runtime" -maxdepth 1 -name 'sway-ipc.*.sock' -print -quit)
    [[ -n $wayland && -n $swaysock ]] && SWAYSOCK=$swaysock swaymsg -t get_version >/dev/null 2>&1 && break
    sleep 0.1
done
[[ -n ${wayland:-} && -n ${swaysock:-} ]] || fail "sway did not come up"
export WAYLAND_DISPLAY=$wayland XDG_RUNTIME_DIR=$runtime SWAYSOCK=$swaysock
unset DISPLAY

apps=()
open_foot() { # app id, title
    foot --app-id="$1" --title="$2" sleep 100000 >/dev/null 2>&1 &
    pids+=($!)
    apps+=("$1")
    for _ in $(seq 150); do
        swaymsg -t get_tree | grep -q "\"app_id\": \"$1\"" && return 0
        sleep 0.1
    done
    fail "foot $1 did not open"
}
open_foot MastMeasureA "Editor — notes.txt"
open_foot firefox "Home / X — Mozilla Firefox"
open_foot MastMeasureC "Terminal"

# One run: tracks for SECS at poll interval $1 (ms); prints the figures; returns 1 when over budget.
measure() {
    local poll_ms=$1 data="$tmp/data-$1" config="$tmp/config-$1"
    mkdir -p "$data" "$config"
    printf 'sensor = "wlroots"\npoll_interval_ms = %d\nnotifications = false\n' "$poll_ms" >"$config/config.toml"
    MAST_DATA_DIR="$data" MAST_CONFIG_DIR="$config" "$TRACKER" track 2>"$tmp/track-$poll_ms.log" &
    local mast_pid=$!
    pids+=("$mast_pid")

    # CPU time of the whole process over all its threads (the sensor reads the compositor
    # on two of its own): the scheduler's nanosecond totals, and utime + stime in ticks
    # (fields 14 and 15 of /proc/PID/stat), which are too coarse for a figure this small.
    ticks() { sed 's/^.*) //' "/proc/$mast_pid/stat" | awk '{print $12 + $13}'; }
    cpu_ns() { cat /proc/"$mast_pid"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
    now_ns() { date +%s%N; }
    alive() { kill -0 "$mast_pid" 2>/dev/null || { echo "measure-track-wayland: the tracker exited:" >&2; cat "$tmp/track-$poll_ms.log" >&2; exit 1; }; }

    sleep "$WARMUP_SECS" # start-up (migrations, first classification) is not steady state
    alive
    local t0 ticks0 ns0 t1 ticks1 ns1
    t0=$(now_ns) ticks0=$(ticks) ns0=$(cpu_ns)
    local elapsed=0 i=0 step
    while ((elapsed < SECS)); do
        step=$((SECS - elapsed < 10 ? SECS - elapsed : 10))
        sleep "$step"
        elapsed=$((elapsed + step))
        i=$(((i + 1) % ${#apps[@]}))
        swaymsg "[app_id=\"^${apps[i]}\$\"] focus" >/dev/null
        wtype " " # input, so the tracker never goes AFK
        alive
    done
    t1=$(now_ns) ticks1=$(ticks) ns1=$(cpu_ns)
    local hwm_kb rss_kb hz threads spans
    hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$mast_pid/status")
    rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$mast_pid/status")
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$mast_pid/status")
    hz=$(getconf CLK_TCK)
    stop_pid "$mast_pid"
    local log
    log=$(MAST_DATA_DIR="$data" MAST_CONFIG_DIR="$config" "$MAST" log --json --last 100000 2>/dev/null || true)
    spans=$(grep -o '"startMs"' <<<"$log" | wc -l)
    grep -q MastMeasure <<<"$log" || { echo "measure-track-wayland: nothing tracked from sway at poll $poll_ms ms:" >&2; cat "$tmp/track-$poll_ms.log" >&2; return 1; }

    awk -v wall_ns=$((t1 - t0)) -v dticks=$((ticks1 - ticks0)) -v hz="$hz" -v dns=$((ns1 - ns0)) \
        -v rss="$rss_kb" -v hwm="$hwm_kb" -v rss_budget="$RSS_BUDGET_KB" -v cpu_budget="$CPU_BUDGET_PCT" \
        -v secs="$SECS" -v warmup="$WARMUP_SECS" -v spans="$spans" -v tracker="$TRACKER" -v poll="$poll_ms" \
        -v threads="$threads" -v switches=$((SECS / 10)) '
    BEGIN {
        wall = wall_ns / 1e9
        cpu_ticks_pct = 100 * (dticks / hz) / wall
        cpu_pct = dns > 0 ? 100 * (dns / 1e9) / wall : cpu_ticks_pct
        printf "tracker (%s) on headless sway, poll %d ms, %d s after %d s warm-up, %d focus switches; %d spans recorded, %d threads\n", \
            tracker, poll, secs, warmup, switches, spans, threads
        printf "  RSS now      %7.2f MB   budget %5.2f MB   %s\n", rss / 1024, rss_budget / 1024, rss <= rss_budget ? "ok" : "OVER"
        printf "  RSS peak     %7.2f MB   (VmHWM, start-up included)\n", hwm / 1024
        printf "  CPU          %7.4f %%   budget %5.2f %%    %s   (%.1f ms over %.1f s)\n", \
            cpu_pct, cpu_budget, cpu_pct <= cpu_budget ? "ok" : "OVER", dns / 1e6, wall
        printf "  CPU (ticks)  %7.4f %%   (utime+stime, %d ticks of 1/%d s: coarse)\n", cpu_ticks_pct, dticks, hz
        exit !(rss <= rss_budget && cpu_pct <= cpu_budget)
    }'
}

status=0
measure 1000 || status=1
measure 3000 || status=1
exit "$status"
