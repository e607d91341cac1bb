# shellcheck shell=bash
# Two real Syncthing instances on loopback, sharing one folder: the family folder between two
# devices, for tests of the families feature. Meant to be sourced by a test script:
#
#   source scripts/syncthing-pair.sh
#   trap syncthing_pair_stop EXIT
#   syncthing_pair_start DIR_A DIR_B      # both dirs are created if missing
#   echo hi > DIR_A/x; syncthing_rescan A; syncthing_wait_same DIR_A/x DIR_B/x 20
#
# Functions (each returns non-zero, with a message on stderr, on failure):
#   syncthing_pair_start DIR_A DIR_B   start instance A on DIR_A and B on DIR_B, sharing the
#                                      folder $SYNCTHING_FOLDER_ID; returns once both are
#                                      connected to each other and have scanned the folder
#   syncthing_pair_stop                stop both (by pid, always reaped) and remove their
#                                      homes; safe to call twice or before a start
#   syncthing_rescan A|B [SUBPATH]     scan the folder (or SUBPATH in it) now; returns when
#                                      the scan is done (the watcher would see it in ~1-2 s)
#   syncthing_wait_for FILE TIMEOUT_S  wait until FILE exists
#   syncthing_wait_gone PATH TIMEOUT_S wait until PATH no longer exists
#   syncthing_wait_same FILE_A FILE_B TIMEOUT_S
#                                      wait until both exist with the same bytes
#   syncthing_wait_idle TIMEOUT_S      wait until both instances are idle and in sync
#   syncthing_api A|B METHOD PATH [CURL_ARGS...]
#                                      call the REST API (prints the body)
#   syncthing_check_loopback           fail if any socket of either instance is not on
#                                      127.0.0.1 (tcp and udp, from `ss`); sets
#                                      SYNCTHING_SOCKETS_CHECKED to how many it saw
#   syncthing_logs                     print the tail of both instances' logs
#
# Settings, read when sourced: SYNCTHING_FOLDER_ID (mast-family), SYNCTHING_RESCAN_INTERVAL_S
# (2), SYNCTHING_WATCHER_DELAY_S (1), SYNCTHING_VERBOSE (1).
# After syncthing_pair_start: SYNCTHING_PIDS (A then B), SYNCTHING_GUI_PORT_A/_B,
# SYNCTHING_LISTEN_PORT_A/_B, SYNCTHING_ID_A/_B, SYNCTHING_API_KEY, SYNCTHING_HOME (the temp
# dir that holds both homes and logs: $SYNCTHING_HOME/a/syncthing.log, .../b/syncthing.log).
#
# Start the pair in the test's own shell (not in $(...) or a pipeline): the instances are
# its children, so that syncthing_pair_stop can wait for them (PID 1 here may not reap).
#
# Nothing leaves loopback: the sync protocol listens only on tcp://127.0.0.1:PORT and each
# instance dials the other at its static address; global and local discovery, relays, NAT
# traversal (UPnP, NAT-PMP and STUN), usage and crash reporting and upgrades are off.
#
# What a test on a synced folder must expect from Syncthing:
# - each folder root holds a marker, `.stfolder` (a directory), that Syncthing requires and
#   never syncs; without it the folder stops with an error;
# - while pulling, Syncthing writes `.syncthing.NAME.tmp` next to the file and renames it
#   into place; it never syncs such files (nor `~syncthing~NAME.tmp`);
# - a file changed on both sides before they sync keeps the newer version (a tie goes by
#   device id) and the other becomes `NAME.sync-conflict-YYYYMMDD-HHMMSS-DEVICE.EXT` (DEVICE:
#   the first 7 characters of a device id), on both sides: the copy syncs too;
# - our own temp files (say `.x.tmp` before a rename) do sync if a scan sees them.

SYNCTHING_FOLDER_ID=${SYNCTHING_FOLDER_ID:-mast-family}
# The folder's full rescan interval and how long the filesystem watcher gathers changes before
# it scans them (Syncthing's defaults: 3600 s and 10 s).
SYNCTHING_RESCAN_INTERVAL_S=${SYNCTHING_RESCAN_INTERVAL_S:-2}
SYNCTHING_WATCHER_DELAY_S=${SYNCTHING_WATCHER_DELAY_S:-1}
# --verbose logs each file synced and each folder state, which the log tails on a failure
# show; 0 turns it off.
SYNCTHING_VERBOSE=${SYNCTHING_VERBOSE:-1}
SYNCTHING_PIDS=()
SYNCTHING_HOME=""

syncthing_logs() {
    local side
    for side in a b; do
        [[ -n $SYNCTHING_HOME && -f $SYNCTHING_HOME/$side/syncthing.log ]] || continue
        echo "---- syncthing ${side^^}: tail of $SYNCTHING_HOME/$side/syncthing.log" >&2
        tail -n 40 "$SYNCTHING_HOME/$side/syncthing.log" >&2
    done
}

_syncthing_fail() {
    echo "syncthing-pair: $*" >&2
    syncthing_logs
    return 1
}

# Python helpers, one process per call (so that a poll loop does not start one per round):
#   ports N                  N distinct free tcp ports on 127.0.0.1, held open together while
#                            picked (closed again before Syncthing binds them)
#   connected TIMEOUT        until A reports B as connected
#   idle TIMEOUT             until both folders are idle with nothing to pull, no folder error,
#                            and each instance sees the other at 100 % completion
# The REST ports, key and ids come from the environment (_ST_*).
_SYNCTHING_PY='
import json, os, socket, sys, time, urllib.request

def get(port, path):
    req = urllib.request.Request("http://127.0.0.1:%s%s" % (port, path),
                                 headers={"X-API-Key": os.environ["_ST_KEY"]})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)

def connected():
    c = get(os.environ["_ST_PORT_A"], "/rest/system/connections")["connections"]
    return c.get(os.environ["_ST_ID_B"], {}).get("connected", False)

def idle():
    folder = os.environ["_ST_FOLDER"]
    for port, peer in ((os.environ["_ST_PORT_A"], os.environ["_ST_ID_B"]),
                       (os.environ["_ST_PORT_B"], os.environ["_ST_ID_A"])):
        s = get(port, "/rest/db/status?folder=" + folder)
        if s["state"] != "idle" or s["needTotalItems"] or s.get("error"):
            return False
        if get(port, "/rest/db/completion?folder=%s&device=%s" % (folder, peer))["completion"] != 100:
            return False
    return True

cmd, arg = sys.argv[1], float(sys.argv[2])
if cmd == "ports":
    socks = []
    for _ in range(int(arg)):
        s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in socks))
    sys.exit(0)
check = {"connected": connected, "idle": idle}[cmd]
deadline = time.monotonic() + arg
while True:
    try:
        if check():
            sys.exit(0)
    except Exception as e:
        last = e
    else:
        last = None
    if time.monotonic() > deadline:
        if last is not None:
            print("syncthing-pair: last REST error: %s" % last, file=sys.stderr)
        sys.exit(1)
    time.sleep(0.05)
'

_syncthing_py() { # CMD ARG
    _ST_KEY=${SYNCTHING_API_KEY:-} _ST_FOLDER=$SYNCTHING_FOLDER_ID \
        _ST_PORT_A=${SYNCTHING_GUI_PORT_A:-} _ST_PORT_B=${SYNCTHING_GUI_PORT_B:-} \
        _ST_ID_A=${SYNCTHING_ID_A:-} _ST_ID_B=${SYNCTHING_ID_B:-} \
        python3 -c "$_SYNCTHING_PY" "$@"
}

_syncthing_xml_escape() {
    local s=$1
    s=${s//&/&amp;}; s=${s//</&lt;}; s=${s//>/&gt;}; s=${s//\"/&quot;}
    printf '%s' "$s"
}

# _syncthing_config SELF_ID PEER_ID GUI_PORT LISTEN_PORT PEER_ADDRESS FOLDER_PATH
_syncthing_config() {
    local self=$1 peer=$2 gui=$3 listen=$4 peer_address=$5 path
    path=$(_syncthing_xml_escape "$6")
    cat <<EOF
<configuration version="36">
    <folder id="$SYNCTHING_FOLDER_ID" label="Mast family" path="$path" type="sendreceive" rescanIntervalS="$SYNCTHING_RESCAN_INTERVAL_S" fsWatcherEnabled="true" fsWatcherDelayS="$SYNCTHING_WATCHER_DELAY_S" ignorePerms="false" autoNormalize="true">
        <filesystemType>basic</filesystemType>
        <device id="$self" introducedBy=""></device>
        <device id="$peer" introducedBy=""></device>
        <minDiskFree unit="%">0</minDiskFree>
        <markerName>.stfolder</markerName>
        <maxConflicts>10</maxConflicts>
    </folder>
    <device id="$self" name="self" compression="metadata" introducer="false">
        <address>tcp://127.0.0.1:$listen</address>
    </device>
    <device id="$peer" name="peer" compression="metadata" introducer="false">
        <address>$peer_address</address>
        <autoAcceptFolders>false</autoAcceptFolders>
    </device>
    <gui enabled="true" tls="false" debugging="false">
        <address>127.0.0.1:$gui</address>
        <apikey>$SYNCTHING_API_KEY</apikey>
        <theme>default</theme>
    </gui>
    <options>
        <listenAddress>tcp://127.0.0.1:$listen</listenAddress>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <urAccepted>-1</urAccepted>
        <urSeen>3</urSeen>
        <crashReportingEnabled>false</crashReportingEnabled>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <startBrowser>false</startBrowser>
        <restartOnWakeup>false</restartOnWakeup>
        <announceLANAddresses>false</announceLANAddresses>
        <reconnectionIntervalS>2</reconnectionIntervalS>
        <setLowPriority>false</setLowPriority>
        <minHomeDiskFree unit="%">0</minHomeDiskFree>
        <progressUpdateIntervalS>-1</progressUpdateIntervalS>
    </options>
</configuration>
EOF
}

syncthing_api() { # A|B METHOD PATH [CURL_ARGS...]
    local port
    case $1 in
        A | a) port=$SYNCTHING_GUI_PORT_A ;;
        B | b) port=$SYNCTHING_GUI_PORT_B ;;
        *) echo "syncthing_api: instance is A or B, not '$1'" >&2; return 2 ;;
    esac
    curl -fsS --max-time 30 -X "$2" -H "X-API-Key: $SYNCTHING_API_KEY" "${@:4}" \
        "http://127.0.0.1:$port$3"
}

syncthing_rescan() { # A|B [SUBPATH]
    local args=(-G --data-urlencode "folder=$SYNCTHING_FOLDER_ID")
    [[ -z ${2:-} ]] || args+=(--data-urlencode "sub=$2")
    syncthing_api "$1" POST /rest/db/scan "${args[@]}" >/dev/null || _syncthing_fail "rescan of $1 failed"
}

_syncthing_set_address() { # A|B DEVICE_ID PORT: the device's address on that instance
    syncthing_api "$1" PATCH "/rest/config/devices/$2" -H 'Content-Type: application/json' \
        --data "{\"addresses\": [\"tcp://127.0.0.1:$3\"]}" >/dev/null \
        || _syncthing_fail "could not set the peer's address on $1"
}

syncthing_pair_start() { # DIR_A DIR_B
    if [[ $# -ne 2 ]]; then
        echo "usage: syncthing_pair_start DIR_A DIR_B" >&2; return 2
    fi
    if [[ ${#SYNCTHING_PIDS[@]} -gt 0 ]]; then
        echo "syncthing-pair: a pair is already running (syncthing_pair_stop first)" >&2; return 2
    fi
    local tool
    for tool in syncthing curl python3; do
        command -v "$tool" >/dev/null || { echo "syncthing-pair: $tool is missing (make deps installs it)" >&2; return 2; }
    done
    # Every step checks its own status: a caller's `set -e` does not apply inside a function
    # called as `syncthing_pair_start ... || fail`.
    local dir_a dir_b
    dir_a=$(mkdir -p "$1" && cd "$1" && pwd -P) || { echo "syncthing-pair: cannot use $1" >&2; return 1; }
    dir_b=$(mkdir -p "$2" && cd "$2" && pwd -P) || { echo "syncthing-pair: cannot use $2" >&2; return 1; }
    # The folder markers; Syncthing refuses a folder without one.
    mkdir -p "$dir_a/.stfolder" "$dir_b/.stfolder" || return 1

    SYNCTHING_HOME=$(mktemp -d "${TMPDIR:-/tmp}/syncthing-pair.XXXXXX") || return 1
    SYNCTHING_API_KEY=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    local ports
    read -r -a ports < <(_syncthing_py ports 4)
    [[ ${#ports[@]} -eq 4 ]] || { _syncthing_fail "could not pick free ports"; return 1; }
    SYNCTHING_GUI_PORT_A=${ports[0]} SYNCTHING_GUI_PORT_B=${ports[1]}
    SYNCTHING_LISTEN_PORT_A=${ports[2]} SYNCTHING_LISTEN_PORT_B=${ports[3]}

    local side out
    for side in a b; do
        # Keys and a device id; the generated config is replaced below.
        out=$(STNOUPGRADE=1 syncthing generate --home="$SYNCTHING_HOME/$side" \
            --no-default-folder --skip-port-probing 2>&1) \
            || { echo "$out" >&2; _syncthing_fail "syncthing generate failed for $side"; return 1; }
        out=$(sed -n 's/.*Device ID: *\([A-Z0-9-]\{63\}\).*/\1/p' <<<"$out")
        [[ -n $out ]] || { _syncthing_fail "no device id from syncthing generate for $side"; return 1; }
        printf -v "SYNCTHING_ID_${side^^}" '%s' "$out"
    done
    # Each starts with no address for the other ("dynamic", with discovery off); see below.
    if ! _syncthing_config "$SYNCTHING_ID_A" "$SYNCTHING_ID_B" "$SYNCTHING_GUI_PORT_A" \
        "$SYNCTHING_LISTEN_PORT_A" dynamic "$dir_a" >"$SYNCTHING_HOME/a/config.xml" \
        || ! _syncthing_config "$SYNCTHING_ID_B" "$SYNCTHING_ID_A" "$SYNCTHING_GUI_PORT_B" \
            "$SYNCTHING_LISTEN_PORT_B" dynamic "$dir_b" >"$SYNCTHING_HOME/b/config.xml"; then
        _syncthing_fail "cannot write the configs"; return 1
    fi

    # STMONITORED=1 runs Syncthing as one process: without it (even with --no-restart) it
    # starts a monitor that runs the real instance as its child, and $! would be the monitor.
    # STHASHING=minio skips a 1 s benchmark of the hash implementations at start.
    local verbose=()
    [[ $SYNCTHING_VERBOSE == 0 ]] || verbose=(--verbose)
    for side in a b; do
        local gui_port_var="SYNCTHING_GUI_PORT_${side^^}"
        STMONITORED=1 STHASHING=minio STNOUPGRADE=1 STNORESTART=1 STNODEFAULTFOLDER=1 \
            syncthing serve --home="$SYNCTHING_HOME/$side" --no-browser --no-restart \
            --no-upgrade --no-default-folder --skip-port-probing \
            --gui-address="http://127.0.0.1:${!gui_port_var}" --gui-apikey="$SYNCTHING_API_KEY" \
            --logflags=6 --log-max-old-files=0 "${verbose[@]}" \
            </dev/null >"$SYNCTHING_HOME/$side/syncthing.log" 2>&1 &
        SYNCTHING_PIDS+=("$!")
    done

    # Up: both answer the REST API.
    local deadline=$((SECONDS + 20)) i
    for i in 0 1; do
        side=$([[ $i == 0 ]] && echo A || echo B)
        until syncthing_api "$side" GET /rest/system/ping >/dev/null 2>&1; do
            kill -0 "${SYNCTHING_PIDS[$i]}" 2>/dev/null \
                || { _syncthing_fail "instance $side exited at start"; return 1; }
            ((SECONDS < deadline)) || { _syncthing_fail "instance $side did not answer in 20 s"; return 1; }
            sleep 0.1
        done
    done
    # Connected, by one dial: A gets B's static address (a new address makes it dial at
    # once) and only once they are connected does B get A's (which keeps the connection).
    # When both dial at the same time, Syncthing 1.19 can deadlock for 20 s: each side handles
    # its own outgoing connection first and waits there for the other's Hello, while the
    # other's incoming connection waits its turn (seen in about 1 start in 4). A pair that
    # loses its connection later (not in these tests) could meet that again.
    _syncthing_set_address A "$SYNCTHING_ID_B" "$SYNCTHING_LISTEN_PORT_B" || return 1
    _syncthing_py connected 30 || { _syncthing_fail "instances did not connect in 30 s"; return 1; }
    _syncthing_set_address B "$SYNCTHING_ID_A" "$SYNCTHING_LISTEN_PORT_A" || return 1
    # And both folders have been scanned.
    syncthing_wait_idle 30
}

# Both folders idle (not scanning or syncing), nothing left to pull, and each instance sees
# the other as complete (100 %).
syncthing_wait_idle() { # TIMEOUT_S
    _syncthing_py idle "${1:-30}" || _syncthing_fail "folder not idle and in sync in ${1:-30} s"
}

syncthing_wait_for() { # FILE TIMEOUT_S
    local deadline=$((SECONDS + ${2:-20}))
    until [[ -e $1 ]]; do
        ((SECONDS < deadline)) || { _syncthing_fail "timed out after ${2:-20} s waiting for $1"; return 1; }
        sleep 0.05
    done
}

syncthing_wait_gone() { # PATH TIMEOUT_S
    local deadline=$((SECONDS + ${2:-20}))
    while [[ -e $1 || -L $1 ]]; do
        ((SECONDS < deadline)) || { _syncthing_fail "timed out after ${2:-20} s waiting for $1 to disappear"; return 1; }
        sleep 0.05
    done
}

syncthing_wait_same() { # FILE_A FILE_B TIMEOUT_S
    local deadline=$((SECONDS + ${3:-20}))
    until [[ -f $1 && -f $2 ]] && cmp -s "$1" "$2"; do
        if ((SECONDS >= deadline)); then
            local what="differ"
            [[ -f $1 ]] || what="$1 is missing"
            [[ -f $2 ]] || what="$2 is missing"
            _syncthing_fail "timed out after ${3:-20} s waiting for $1 and $2 to have the same bytes ($what)"
            return 1
        fi
        sleep 0.05
    done
}

syncthing_check_loopback() {
    command -v ss >/dev/null || { echo "syncthing-pair: ss is missing, sockets not checked" >&2; return 2; }
    local pid lines bad="" n=0
    for pid in "${SYNCTHING_PIDS[@]}"; do
        lines=$(ss -tuanpH 2>/dev/null | grep -F "pid=$pid," || true)
        [[ -n $lines ]] || { _syncthing_fail "no sockets seen for pid $pid (is ss allowed to show processes?)"; return 1; }
        # Columns: netid state recv-q send-q local peer process. Local must be 127.0.0.1:*,
        # peer 127.0.0.1:* or, for a listener, a wildcard.
        bad+=$(awk '$5 !~ /^127\.0\.0\.1:[0-9]+$/ || ($6 !~ /^127\.0\.0\.1:[0-9]+$/ && $6 !~ /^(0\.0\.0\.0|\*|\[::\]):\*$/)' <<<"$lines")
        n=$((n + $(wc -l <<<"$lines")))
    done
    if [[ -n $bad ]]; then
        echo "syncthing-pair: sockets off loopback:" >&2
        echo "$bad" >&2
        return 1
    fi
    # shellcheck disable=SC2034 # for the caller
    SYNCTHING_SOCKETS_CHECKED=$n
}

syncthing_pair_stop() {
    local pid i
    for pid in "${SYNCTHING_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${SYNCTHING_PIDS[@]}"; do
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            # A zombie child still answers kill -0; wait reaps it once it has exited.
            [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    SYNCTHING_PIDS=()
    if [[ -n $SYNCTHING_HOME && -d $SYNCTHING_HOME ]]; then
        rm -rf "$SYNCTHING_HOME"
    fi
    SYNCTHING_HOME=""
}
