#!/usr/bin/env bash
# Families over a real sync tool: two Syncthing instances on loopback keep two family folders
# (the parent's and the teen's) in step, and two Mast devices with their own data dirs use
# them: the parent creates the family, the teen joins from their copy, a goal the parent adds
# reaches the teen's goals, the teen's proposal reaches the parent, who accepts it, the
# teen's adherence reaches the parent, and leaving removes the teen's files from both copies.
# Part of `make test`.
#
#   scripts/family-syncthing.sh path/to/mast
set -euo pipefail
mast=${1:?usage: scripts/family-syncthing.sh MAST_BINARY}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/syncthing-pair.sh
source "$here/syncthing-pair.sh"

TIMEOUT=30
tmp=$(mktemp -d)
cleanup() {
    syncthing_pair_stop
    rm -rf "$tmp"
}
trap cleanup EXIT

passed=0
check() { # DESCRIPTION: counts a passed check
    passed=$((passed + 1))
    echo "family-syncthing: ok - $1"
}
fail() {
    echo "family-syncthing: FAILED: $*" >&2
    echo "family-syncthing: $passed passed, 1 failed"
    exit 1
}

export MAST_FAMILY_PASSPHRASE="a long family passphrase" TZ=UTC NO_COLOR=1
parent() { MAST_DATA_DIR=$tmp/parent MAST_CONFIG_DIR=$tmp/parent-config "$mast" "$@"; }
teen() { MAST_DATA_DIR=$tmp/teen MAST_CONFIG_DIR=$tmp/teen-config "$mast" "$@"; }
json() { # EXPRESSION: evaluates a Python expression on the JSON from stdin, bound to s
    python3 -c "import json, sys; s = json.load(sys.stdin); print($1)"
}

A=$tmp/parent-folder B=$tmp/teen-folder
syncthing_pair_start "$A" "$B" || fail "the Syncthing pair did not start"
check "two Syncthing instances connected on loopback"

parent family create --folder "$A" --name Home --member parent >/dev/null
p=$(parent family status --json | json 's["me"]["device"]')
syncthing_wait_for "$B/family.json" $TIMEOUT || fail "family.json did not reach the teen's folder"
syncthing_wait_same "$A/devices/$p/changes.mast" "$B/devices/$p/changes.mast" $TIMEOUT \
    || fail "the parent's files did not reach the teen's folder"
check "the family folder reached the teen's copy"

code=$(parent family status --json | json 's["fingerprint"]')
teen family join --folder "$B" --member teen --fingerprint "$code" >/dev/null
t=$(teen family status --json | json 's["me"]["device"]')
syncthing_wait_same "$B/devices/$t/adherence.mast" "$A/devices/$t/adherence.mast" $TIMEOUT \
    || fail "the teen's files did not reach the parent's folder"
members=$(parent family status --json | json '",".join(m["name"] for m in s["members"])')
[[ $members == parent,teen ]] || fail "the parent sees members '$members', not parent,teen"
check "the teen joined from their copy, and the parent sees them"

parent family add instagram --daily 30m >/dev/null
syncthing_wait_same "$A/devices/$p/changes.mast" "$B/devices/$p/changes.mast" $TIMEOUT \
    || fail "the parent's change did not reach the teen's folder"
teen family sync >/dev/null
goals=$(teen goals list --json | json '";".join(g["target"]["id"] + "/" + g["source"]["family"] for g in s)')
[[ $goals == instagram/Home ]] || fail "the teen's goals are '$goals', not the family's instagram limit"
check "a goal the parent added is among the teen's goals, marked as the family's"

teen family propose youtube --daily 1h >/dev/null
syncthing_wait_same "$B/devices/$t/changes.mast" "$A/devices/$t/changes.mast" $TIMEOUT \
    || fail "the teen's proposal did not reach the parent's folder"
proposal=$(parent family status --json | json '[x["id"] for x in s["proposals"] if x["status"] == "pending"][0]')
parent family accept "$proposal" >/dev/null
syncthing_wait_same "$A/devices/$p/changes.mast" "$B/devices/$p/changes.mast" $TIMEOUT \
    || fail "the acceptance did not reach the teen's folder"
n=$(teen family status --json | json 'len(s["goals"])')
[[ $n == 2 ]] || fail "the teen has $n shared goals after the acceptance, not 2"
check "the teen's proposal, accepted by the parent, is a shared goal on both devices"

# The teen publishes (the shared goals changed); the parent sees the teen's week.
teen family sync >/dev/null
syncthing_wait_same "$B/devices/$t/adherence.mast" "$A/devices/$t/adherence.mast" $TIMEOUT \
    || fail "the teen's adherence did not reach the parent's folder"
rows=$(parent family status --json | json 'sum(1 for r in s["week"]["rows"] if r["member"] == "teen")')
[[ $rows == 2 ]] || fail "the parent sees $rows adherence rows of the teen, not 2"
check "the teen's adherence reached the parent"

teen family leave --yes >/dev/null
syncthing_wait_gone "$A/devices/$t" $TIMEOUT || fail "the teen's files stayed in the parent's folder"
members=$(parent family status --json | json '",".join(m["name"] for m in s["members"])')
[[ $members == parent ]] || fail "after leaving, the parent sees members '$members'"
problems=$(parent family status --json | json 'len(s["problems"])')
[[ $problems == 0 ]] || fail "the parent's folder has $problems problem(s)"
check "leaving removed the teen's files from both copies"

syncthing_check_loopback || fail "a Syncthing socket left loopback"
check "every Syncthing socket stayed on 127.0.0.1"
echo "family-syncthing: $passed passed, 0 failed"
