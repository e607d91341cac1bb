#!/usr/bin/env bash
# Checks scripts/syncthing-pair.sh against real Syncthing: two instances on loopback share a
# folder, and a file made in A reaches B, one made in a subdirectory of B reaches A, a file
# replaced in A (temp file + rename) reaches B with its new bytes, and a directory deleted in
# A goes from B. No step asks for a rescan: the filesystem watcher (and the short rescan
# interval) find each change, as on a family's devices. Prints how long each step took; exits
# 1 on the first failure.
#
#   scripts/syncthing-selftest.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/syncthing-pair.sh
source "$here/syncthing-pair.sh"

TIMEOUT=20 # seconds for each step; a step takes about 1-2 s
tmp=$(mktemp -d)
cleanup() {
    syncthing_pair_stop
    rm -rf "$tmp"
}
trap cleanup EXIT

t0=$EPOCHREALTIME
step_start=$t0
step() { # NAME: prints the time since the previous step
    local now=$EPOCHREALTIME
    awk -v name="$1" -v a="$step_start" -v b="$now" \
        'BEGIN { printf "syncthing-selftest: %-44s %6.2f s\n", name, b - a }'
    step_start=$now
}
fail() {
    echo "syncthing-selftest: FAILED: $*" >&2
    exit 1
}

A=$tmp/a B=$tmp/b
syncthing_pair_start "$A" "$B" || fail "the pair did not start"
step "pair started and connected"

for side in A B; do
    if [[ $side == A ]]; then peer=$SYNCTHING_ID_B port=$SYNCTHING_LISTEN_PORT_B; else
        peer=$SYNCTHING_ID_A port=$SYNCTHING_LISTEN_PORT_A; fi
    syncthing_api "$side" GET "/rest/config/devices/$peer" | grep -qF "\"tcp://127.0.0.1:$port\"" \
        || fail "$side does not have the other's static address"
done
syncthing_check_loopback || fail "a socket is not on loopback"
step "all $SYNCTHING_SOCKETS_CHECKED sockets on 127.0.0.1"

printf 'made in A\n' >"$A/from-a.txt"
syncthing_wait_same "$A/from-a.txt" "$B/from-a.txt" "$TIMEOUT" || fail "a new file in A did not reach B"
step "new file A -> B"

mkdir -p "$B/sub/deeper"
printf 'made in B\n' >"$B/sub/deeper/from-b.txt"
syncthing_wait_same "$B/sub/deeper/from-b.txt" "$A/sub/deeper/from-b.txt" "$TIMEOUT" \
    || fail "a new file in a subdirectory of B did not reach A"
step "new file in a subdirectory B -> A"

# Replaced the way Mast writes files: a temp file beside it, renamed over it.
head -c 100000 /dev/urandom >"$A/.from-a.txt.tmp"
mv "$A/.from-a.txt.tmp" "$A/from-a.txt"
syncthing_wait_same "$A/from-a.txt" "$B/from-a.txt" "$TIMEOUT" || fail "a file replaced in A did not reach B"
step "file replaced (temp + rename) A -> B"

rm -rf "$A/sub"
syncthing_wait_gone "$B/sub" "$TIMEOUT" || fail "a directory deleted in A was not deleted in B"
step "directory deleted A -> B"

syncthing_wait_idle "$TIMEOUT" || fail "the instances did not settle"
step "both idle and in sync"
syncthing_check_loopback || fail "a socket is not on loopback"
for dir in "$A" "$B"; do
    odd=$(find "$dir" -name '*.sync-conflict-*' -o -name '.syncthing.*.tmp' -o -name '*.tmp')
    [[ -z $odd ]] || fail "left over in $dir: $odd"
done
[[ $(ls -A "$A") == $(ls -A "$B") ]] || fail "A and B differ: $(ls -A "$A") / $(ls -A "$B")"

syncthing_pair_stop
step "pair stopped"
awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "syncthing-selftest: ok in %.2f s\n", b - a }'
