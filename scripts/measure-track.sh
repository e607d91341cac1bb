#!/usr/bin/env bash
# Measures `mast track` in steady state against DESIGN.md's budgets: ≤ 10 MB RSS and
# ≤ 0.05 % of one core while polling at 1 Hz.
#
#   scripts/measure-track.sh [path/to/mast] [seconds]     (defaults: target/release/mast, 60)
#
# Starts its own Xvfb + openbox + xterms (one of them X in "Firefox", so classification runs),
# tracks into temporary data and config dirs, switches windows and moves the mouse every
# 10 s, then reads the tracker's /proc entries. Exits 1 when a budget is exceeded.
# Every process it starts is stopped by pid and waited for (PID 1 here may not reap orphans).
set -euo pipefail

# An xterm does not always reap its own child when it exits, and an orphan goes to PID 1,
# which in some sandboxes never reaps it. As a child subreaper (a setting kept across exec)
# this shell gets such orphans instead, and bash reaps every child it gets.
if [[ -z ${MAST_MEASURE_SUBREAPER:-} ]] && command -v python3 >/dev/null; then
    export MAST_MEASURE_SUBREAPER=1
    exec python3 -c 'import ctypes, os, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
os.execvp("bash", ["bash"] + sys.argv[1:])' "$0" "$@"
fi

MAST=${1:-target/release/mast}
SECS=${2:-60}
RSS_BUDGET_KB=$((10 * 1024))
CPU_BUDGET_PCT=0.05
WARMUP_SECS=3

for tool in Xvfb openbox xterm xdotool; do
    command -v "$tool" >/dev/null || { echo "measure-track: $tool is missing (make deps installs it)" >&2; exit 2; }
done
[[ -x $MAST ]] || { echo "measure-track: no mast binary at $MAST (cargo build --release)" >&2; exit 2; }

tmp=$(mktemp -d)
pids=() # in start order; stopped in reverse

stop_pid() { # SIGTERM, up to 3 s to exit, then SIGKILL; always reaped
    local pid=$1 child
    # An xterm exits by itself once its child is gone, and reaps it on the way.
    for child in $(cat "/proc/$pid/task/$pid/children" 2>/dev/null); do
        kill -KILL "$child" 2>/dev/null || true
    done
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

wait_for_file() { # path, what
    for _ in $(seq 100); do
        [[ -s $1 || -e $1 && $2 == ready ]] && return 0
        sleep 0.1
    done
    echo "measure-track: $2 did not come up; logs in $tmp" >&2
    trap - EXIT
    cleanup
    exit 2
}

# Xvfb picks a free display and writes its number to fd 3 once it accepts connections.
Xvfb -displayfd 3 -nolisten tcp -screen 0 1280x800x24 3>"$tmp/display" 2>"$tmp/xvfb.log" &
pids+=($!)
wait_for_file "$tmp/display" Xvfb
export DISPLAY=":$(cat "$tmp/display")"

# --startup runs once openbox is fully up; windows mapped before that are not focused.
openbox --sm-disable --startup "touch $tmp/openbox-ready" >/dev/null 2>"$tmp/openbox.log" &
pids+=($!)
wait_for_file "$tmp/openbox-ready" ready

windows=()
open_xterm() { # class, title
    xterm -class "$1" -T "$2" -geometry 60x10 -e sleep 100000 >/dev/null 2>&1 &
    pids+=($!)
    windows+=("$(timeout 15 xdotool search --sync --class "^$1\$" | head -n1)")
}
open_xterm MastMeasureA "Editor — notes.txt"
open_xterm firefox "Home / X — Mozilla Firefox"
open_xterm MastMeasureC "Terminal"

mkdir -p "$tmp/config" "$tmp/data"
printf 'poll_interval_ms = 1000\n' >"$tmp/config/config.toml"
MAST_DATA_DIR="$tmp/data" MAST_CONFIG_DIR="$tmp/config" "$MAST" track 2>"$tmp/track.log" &
mast_pid=$!
pids+=("$mast_pid")

# CPU time of the whole process: utime + stime in clock ticks (fields 14 and 15 of
# /proc/PID/stat, counted after the parenthesised command name), and the scheduler's
# nanosecond total over all threads, which resolves what ticks are too coarse to see.
ticks() { sed 's/^.*) //' "/proc/$mast_pid/stat" | awk '{print $12 + $13}'; }
cpu_ns() { cat /proc/"$mast_pid"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
now_ns() { date +%s%N; }
alive() { kill -0 "$mast_pid" 2>/dev/null || { echo "measure-track: mast track exited:" >&2; cat "$tmp/track.log" >&2; exit 1; }; }

sleep "$WARMUP_SECS" # start-up (migrations, first classification) is not steady state
alive
t0=$(now_ns) ticks0=$(ticks) ns0=$(cpu_ns)

elapsed=0 i=0
while ((elapsed < SECS)); do
    step=$((SECS - elapsed < 10 ? SECS - elapsed : 10))
    sleep "$step"
    elapsed=$((elapsed + step))
    i=$(((i + 1) % ${#windows[@]}))
    xdotool windowactivate "${windows[i]}" 2>/dev/null || true
    xdotool mousemove $((200 + i * 40)) 200 # input, so the tracker never goes AFK
    alive
done

t1=$(now_ns) ticks1=$(ticks) ns1=$(cpu_ns)
hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$mast_pid/status")
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$mast_pid/status")
hz=$(getconf CLK_TCK)
spans=$(MAST_DATA_DIR="$tmp/data" MAST_CONFIG_DIR="$tmp/config" "$MAST" log --json --last 100000 | grep -o '"startMs"' | wc -l || true)

awk -v wall_ns=$((t1 - t0)) -v dticks=$((ticks1 - ticks0)) -v hz="$hz" -v dns=$((ns1 - ns0)) \
    -v rss="$rss_kb" -v hwm="$hwm_kb" -v rss_budget="$RSS_BUDGET_KB" -v cpu_budget="$CPU_BUDGET_PCT" \
    -v secs="$SECS" -v warmup="$WARMUP_SECS" -v spans="$spans" -v mast="$MAST" '
BEGIN {
    wall = wall_ns / 1e9
    cpu_ticks_pct = 100 * (dticks / hz) / wall
    cpu_pct = dns > 0 ? 100 * (dns / 1e9) / wall : cpu_ticks_pct
    printf "mast track (%s), %d s at 1 Hz after %d s warm-up; %d spans recorded\n", mast, secs, warmup, spans
    printf "  RSS now      %7.2f MB   budget %5.2f MB   %s\n", rss / 1024, rss_budget / 1024, rss <= rss_budget ? "ok" : "OVER"
    printf "  RSS peak     %7.2f MB   (VmHWM, start-up included)\n", hwm / 1024
    printf "  CPU          %7.4f %%   budget %5.2f %%    %s   (%.1f ms over %.1f s; %.0f µs per poll)\n", \
        cpu_pct, cpu_budget, cpu_pct <= cpu_budget ? "ok" : "OVER", dns / 1e6, wall, (dns / 1e3) / wall
    printf "  CPU (ticks)  %7.4f %%   (utime+stime, %d ticks of 1/%d s: coarse)\n", cpu_ticks_pct, dticks, hz
    exit !(rss <= rss_budget && cpu_pct <= cpu_budget)
}'
