#!/usr/bin/env bash
# End-to-end smoke test of the desktop app: the real `mast-desktop`, driven through
# tauri-driver and WebKitWebDriver under Xvfb, on demo data in temporary dirs.
#
#   scripts/app-smoke.sh [path/to/mast-desktop]    (default: $CARGO_TARGET_DIR or target, debug)
#
# Builds `mast` and `mast-desktop` (cargo, incremental) unless MAST_SMOKE_NO_BUILD=1. The
# front end must be built (ui/dist); MAST_SMOKE_PLACEHOLDER=1 embeds src-tauri/placeholder
# instead, for testing the shell alone. Installs tauri-driver into ~/.cache/mast-tools when
# it is missing. Starts its own Xvfb and private D-Bus session, writes the demo with
# `mast demo`, starts the app with --demo through WebDriver, checks the window title is
# "Mast", the page rendered a non-empty body and the commands answer through Tauri's access
# control, and prints the time from launch to the first non-empty body (not asserted).
# Then it starts the app on an empty data dir of its own: it tracks, pauses and resumes,
# saves only changed settings, adds a goal the CLI then sees, and loads the demo beside the
# user's store. Every process it starts is stopped by pid.
set -euo pipefail

# Become a child subreaper so that orphans (WebKit's helpers) come to this shell, which
# reaps them, rather than to a PID 1 that may not (see scripts/measure-track.sh).
if [[ -z ${MAST_SMOKE_SUBREAPER:-} ]] && command -v python3 >/dev/null; then
    export MAST_SMOKE_SUBREAPER=1
    exec python3 -c 'import ctypes, os, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
os.execvp("bash", ["bash"] + sys.argv[1:])' "$0" "$@"
fi

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
APP=${1:-$TARGET/debug/mast-desktop}
MAST=$TARGET/debug/mast
export NO_AT_BRIDGE=1

for tool in Xvfb dbus-daemon python3 /usr/bin/WebKitWebDriver; do
    command -v "$tool" >/dev/null || {
        echo "app-smoke: $tool is missing (Debian: xvfb dbus python3 webkit2gtk-driver)" >&2
        exit 2
    }
done

if [[ ${MAST_SMOKE_NO_BUILD:-} != 1 ]]; then
    if [[ ${MAST_SMOKE_PLACEHOLDER:-} == 1 ]]; then
        export TAURI_CONFIG='{"build":{"frontendDist":"placeholder"}}'
    elif [[ ! -f $ROOT/ui/dist/index.html ]]; then
        echo "app-smoke: ui/dist is not built (cd ui && npm run build), or set MAST_SMOKE_PLACEHOLDER=1" >&2
        exit 2
    fi
    (cd "$ROOT" && cargo build -p mast -p mast-desktop)
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
    if [[ ${MAST_SMOKE_KEEP:-} == 1 ]]; then
        echo "app-smoke: kept $TMP" >&2
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
"$MAST" demo --days 14 >/dev/null

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NATIVE_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The app's autostart entry and anything else it writes under $HOME stay in the sandbox.
mkdir -p "$TMP/home"
HOME=$TMP/home "$DRIVER" --port "$PORT" --native-port "$NATIVE_PORT" --native-driver /usr/bin/WebKitWebDriver \
    >"$TMP/driver.log" 2>&1 &
DRIVER_PID=$!
PIDS+=("$DRIVER_PID")

status=0
APP_PATH=$(realpath "$APP") PORT=$PORT DRIVER_PID=$DRIVER_PID MAST_BIN=$(realpath "$MAST") python3 - <<'EOF' || status=$?
import http.client, json, os, subprocess, sys, time, urllib.request

base = f"http://127.0.0.1:{os.environ['PORT']}"
app_path = os.environ["APP_PATH"]

def call(method, path, body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    for attempt in range(3):
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.loads(r.read() or b"null")
        except (http.client.RemoteDisconnected, ConnectionResetError) as e:
            # tauri-driver now and then forwards a request on a connection WebKitWebDriver
            # has just closed ("client error (SendRequest)"); the request never reached the
            # app, so sending it again is safe.
            print(f"app-smoke: {method} {path}: {e!r}; retrying", file=sys.stderr)
            time.sleep(0.2)
    raise RuntimeError(f"{method} {path}: tauri-driver keeps dropping the connection")

def descendants(pid):
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    pairs = [tuple(map(int, l.split())) for l in out.strip().splitlines()]
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c, pp in pairs:
            if pp == p:
                found.append(c)
                todo.append(c)
    return found

def fail(message):
    sys.exit(f"app-smoke: {message}")

for _ in range(100):
    try:
        call("GET", "/status", timeout=2)
        break
    except Exception:
        time.sleep(0.1)
else:
    fail("tauri-driver did not come up")

def session(args, checks):
    """Starts the app with `args` through WebDriver, runs `checks(run_js, invoke, launched)`, ends it by pid."""
    caps = {"capabilities": {"alwaysMatch": {"tauri:options": {"application": app_path, "args": args}}}}
    launched = time.monotonic()
    sid = call("POST", "/session", caps, timeout=120)["value"]["sessionId"]

    def run_js(script, args=()):
        return call("POST", f"/session/{sid}/execute/sync", {"script": script, "args": list(args)})["value"]

    def invoke_js(body):
        js = "const done = arguments[arguments.length - 1];" + body
        return call("POST", f"/session/{sid}/execute/async", {"script": js, "args": []})["value"]

    def invoke(cmd, args=None):
        js = ("const done = arguments[arguments.length - 1];"
              "window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])"
              ".then(v => done({ok: v === undefined ? null : v}), e => done({err: e}))")
        return call("POST", f"/session/{sid}/execute/async", {"script": js, "args": [cmd, args or {}]})["value"]

    try:
        checks(run_js, invoke, invoke_js, launched, lambda: call("GET", f"/session/{sid}/title")["value"])
    finally:
        # Mast stays in the tray when its window closes, so end the app by pid after the session.
        apps = [p for p in descendants(int(os.environ["DRIVER_PID"]))
                if os.path.realpath(f"/proc/{p}/exe") == app_path]
        try:
            call("DELETE", f"/session/{sid}", timeout=20)
        except Exception as e:
            print(f"app-smoke: deleting the session: {e}", file=sys.stderr)
        for p in apps:
            try:
                os.kill(p, 15)  # SIGTERM: the app stops its tracker, which saves, and exits
            except ProcessLookupError:
                pass
        for p in apps:
            for _ in range(100):
                if not os.path.exists(f"/proc/{p}") or open(f"/proc/{p}/stat").read().split()[2] == "Z":
                    break
                time.sleep(0.1)
            else:
                print(f"app-smoke: the app (pid {p}) did not quit on SIGTERM", file=sys.stderr)

def ok(reply, what):
    if "ok" not in reply:
        fail(f"{what} failed: {reply}")
    return reply["ok"]

def on_demo(run_js, invoke, invoke_js, launched, title):
    chars, painted = 0, None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        chars = run_js("return document.body ? document.body.innerText.trim().length : 0") or 0
        if chars > 0:
            painted = time.monotonic() - launched
            break
        time.sleep(0.05)
    t = title()
    ready = run_js("return document.body ? document.body.dataset.ready || null : null")
    print(f"app-smoke: title {t!r}, body {chars} characters")
    if painted is not None:
        print(f"app-smoke: launch to first non-empty body {painted * 1000:.0f} ms (WebDriver session included)")
    if ready is not None:
        print(f"app-smoke: document.body.dataset.ready = {ready}")
    if t != "Mast":
        fail(f"the window title is {t!r}, not 'Mast'")
    if chars == 0:
        html = run_js("return location.href + '\\n' + document.documentElement.outerHTML")
        served = invoke_js("fetch(location.href).then(r => r.text()).then(done, e => done(String(e)))")
        fail(f"the page rendered nothing within 30 s; the document is:\n{html[:3000]}\nserved:\n{served[:3000]}")

    # The commands answer through Tauri's access control (capabilities/default.json).
    today = ok(invoke("today_view"), "today_view")
    tracking = ok(invoke("tracking"), "tracking")
    if tracking["mode"] != "stopped" or "Demo" not in (tracking.get("message") or ""):
        fail(f"with --demo the app must not track and must say so: {tracking}")
    ok(invoke("mismatch", {"period": "week", "date": None}), "mismatch")
    bad = invoke("add_goal", {"goal": {"target": {"kind": "platform", "id": "instagram"}, "kind": "dailyLimit",
                                       "limitSecs": 0, "weekdays": 127, "source": "personal"}})
    if bad.get("err", {}).get("code") != "invalid":
        fail(f"an invalid goal must come back as {{code: 'invalid'}}: {bad}")
    print(f"app-smoke: demo: today {today['date']}, {today['report']['total']['targetSeconds'] / 60:.0f} min on "
          f"targets; invalid goal refused: {bad['err']['message']}")

def on_own_data(run_js, invoke, invoke_js, launched, title):
    # A first run on an empty data dir: the app tracks, pauses and resumes, saves settings,
    # and loads the demo beside (never into) the user's store.
    tracking = ok(invoke("tracking"), "tracking")
    if tracking["mode"] != "tracking":
        fail(f"on its own data the app must track: {tracking}")
    paused = ok(invoke("pause_tracking", {"untilTomorrow": True}), "pause_tracking")
    if paused["mode"] != "paused" or not paused["pausedUntilMs"]:
        fail(f"pause until tomorrow: {paused}")
    if ok(invoke("resume_tracking"), "resume_tracking")["mode"] != "tracking":
        fail("resume did not restart tracking")
    settings = ok(invoke("settings"), "settings")
    settings["day_start_hour"] = 6
    ok(invoke("save_settings", {"settings": settings}), "save_settings")
    written = open(os.path.join(os.environ["MAST_CONFIG_DIR"], "config.toml")).read()
    if written.strip() != "day_start_hour = 6":
        fail(f"config.toml must hold only what changed, not {written!r}")
    settings["day_start_hour"] = 30
    if invoke("save_settings", {"settings": settings}).get("err", {}).get("code") != "config":
        fail("an out-of-range setting must be refused")
    if ok(invoke("set_autostart", {"enabled": True}), "set_autostart") is not True:
        fail("autostart did not turn on")
    ok(invoke("set_autostart", {"enabled": False}), "set_autostart")
    goal = ok(invoke("add_goal", {"goal": {"target": {"kind": "platform", "id": "youtube"}, "kind": "dailyLimit",
                                           "limitSecs": 1800, "weekdays": 127, "source": "personal"}}), "add_goal")
    listed = subprocess.run([os.environ["MAST_BIN"], "goals", "list", "--json"], capture_output=True, text=True)
    if goal["id"] not in [g["id"] for g in json.loads(listed.stdout or "[]")]:
        fail(f"the goal added in the app is not in the store: {listed.stdout} {listed.stderr}")
    ok(invoke("remove_goal", {"id": goal["id"]}), "remove_goal")
    ok(invoke("load_demo"), "load_demo")
    location = ok(invoke("data_location"), "data_location")
    if not location["dataDir"].endswith("-demo"):
        fail(f"after load_demo the app must read the demo dir: {location}")
    shown = ok(invoke("today_view"), "today_view")
    message = ok(invoke("tracking"), "tracking").get("message") or ""
    if "Demo" not in message:
        fail(f"the tracking state must say that demo data is shown: {message!r}")
    preview = ok(invoke("preview_rule", {"app": "firefox", "title": "Instagram — Mozilla Firefox"}), "preview_rule")
    print(f"app-smoke: own data: tracking, pause, resume, settings, autostart, goals ok; demo loaded "
          f"({shown['report']['total']['targetSeconds'] / 60:.0f} min today); rule preview {preview['platform']}")

def wait_for_no_app():
    """Waits until no mast-desktop of this build runs: a quitting one still owns the
    single-instance name, and the next launch would hand over to it and exit."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        alive = []
        for p in filter(str.isdigit, os.listdir("/proc")):
            try:
                if os.path.realpath(f"/proc/{p}/exe") == app_path and open(f"/proc/{p}/stat").read().split()[2] != "Z":
                    alive.append(p)
            except OSError:
                pass
        if not alive:
            return
        time.sleep(0.1)
    fail(f"the app is still running after its session: pids {alive}")

session(["--demo"], on_demo)
wait_for_no_app()
# The same environment (tauri-driver's): --demo read $MAST_DATA_DIR-demo, this run the
# still empty $MAST_DATA_DIR.
session([], on_own_data)
if not os.path.exists(os.path.join(os.environ["MAST_DATA_DIR"], "mast.db")):
    fail("the app tracked nothing into its own data dir")
print("app-smoke: ok")
EOF

if [[ $status -ne 0 ]]; then
    echo "app-smoke: failed; tauri-driver's log:" >&2
    tail -n 40 "$TMP/driver.log" >&2
fi
exit $status
