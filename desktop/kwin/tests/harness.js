// Runs Mast's KWin script (contents/code/main.js) outside KWin, under gjs, against a fake
// `workspace` and `callDBus` in each flavour of KWin's scripting API, and checks every D-Bus
// call it makes. `cargo test` runs it (tests/kwin/script.rs):
//
//   gjs desktop/kwin/tests/harness.js desktop/kwin/contents/code/main.js
//
// Prints one line per scenario and exits non-zero on the first failure.

const GLib = imports.gi.GLib;
const System = imports.system;

const scriptPath = ARGV[0];
if (!scriptPath) {
    printerr("usage: gjs harness.js path/to/main.js");
    System.exit(2);
}
const [readOk, bytes] = GLib.file_get_contents(scriptPath);
if (!readOk) {
    printerr(`cannot read ${scriptPath}`);
    System.exit(2);
}
const source = new TextDecoder().decode(bytes);

// A Qt signal as KWin's scripts see it: connect and disconnect; disconnecting a function that
// is not connected throws, as QJSEngine does.
function signal() {
    const handlers = [];
    return {
        connect(f) {
            handlers.push(f);
        },
        disconnect(f) {
            const i = handlers.indexOf(f);
            if (i < 0) {
                throw new Error("function was not connected");
            }
            handlers.splice(i, 1);
        },
        emit(...args) {
            handlers.slice().forEach(f => f(...args));
        },
        get count() {
            return handlers.length;
        },
    };
}

function window(props) {
    return Object.assign({captionChanged: signal()}, props);
}

function setCaption(w, caption) {
    w.caption = caption;
    w.captionChanged.emit();
}

// Loads main.js in a fresh scope with its two globals, recording its calls.
function load(workspace) {
    const calls = [];
    const callDBus = (...args) => calls.push(args);
    new Function("workspace", "callDBus", source)(workspace, callDBus);
    return calls;
}

const SERVICE = ["app.mast.KWin", "/app/mast/KWin", "app.mast.KWin"];

function active(caption, cls, name, desktop, pid) {
    return [...SERVICE, "ActiveWindowV1", caption, cls, name, desktop, pid];
}
const NONE = [...SERVICE, "NoActiveWindowV1"];

function expectCalls(calls, expected, what) {
    const got = JSON.stringify(calls);
    const want = JSON.stringify(expected);
    if (got !== want) {
        throw new Error(`${what}:\n  got  ${got}\n  want ${want}`);
    }
    calls.length = 0;
}

function expect(condition, what) {
    if (!condition) {
        throw new Error(what);
    }
}

// Builds a workspace of either API and the function that activates a window in it.
function flavour(plasma, activeAtLoad) {
    if (plasma === 6) {
        const ws = {windowActivated: signal(), activeWindow: activeAtLoad};
        return {ws, activate: w => { ws.activeWindow = w; ws.windowActivated.emit(w); }, sig: ws.windowActivated};
    }
    // Plasma 5's workspace has no windowActivated: reading it gives undefined.
    const ws = {clientActivated: signal(), activeClient: activeAtLoad};
    return {ws, activate: w => { ws.activeClient = w; ws.clientActivated.emit(w); }, sig: ws.clientActivated};
}

function followsFocus(plasma) {
    const editor = window({caption: "notes.txt — Kate", resourceClass: "org.kde.kate", resourceName: "kate",
        desktopFileName: "org.kde.kate", pid: 4242});
    // An X11 client of Plasma 5 without a desktop file name, and a window with no pid.
    const term = window({caption: "~ : bash", resourceClass: "xterm", resourceName: "xterm", pid: 77});
    const odd = window({caption: "", resourceClass: "", resourceName: "", desktopFileName: null, pid: 0});
    const {ws, activate, sig} = flavour(plasma, editor);

    const calls = load(ws);
    expectCalls(calls, [active("notes.txt — Kate", "org.kde.kate", "kate", "org.kde.kate", "4242")],
        "reports the window active at load");
    expect(sig.count === 1, "connects the activation signal once");

    activate(term);
    expectCalls(calls, [active("~ : bash", "xterm", "xterm", "", "77")], "reports a newly active window");
    expect(editor.captionChanged.count === 0, "stops following the window that lost the focus");
    expect(term.captionChanged.count === 1, "follows the active window's caption");

    setCaption(term, "~/src : vim");
    expectCalls(calls, [active("~/src : vim", "xterm", "xterm", "", "77")], "reports a caption change");
    setCaption(editor, "other.txt — Kate");
    expectCalls(calls, [], "ignores caption changes of inactive windows");

    activate(odd);
    expectCalls(calls, [active("", "", "", "", "")], "sends empty strings for what a window lacks");

    activate(null);
    expectCalls(calls, [NONE], "reports that nothing is active");
    expect(odd.captionChanged.count === 0, "follows nothing when nothing is active");

    activate(editor);
    expectCalls(calls, [active("other.txt — Kate", "org.kde.kate", "kate", "org.kde.kate", "4242")],
        "reports a window that comes back");
}

function nothingActiveAtLoad(plasma) {
    const {ws, activate} = flavour(plasma, null);
    const calls = load(ws);
    expectCalls(calls, [NONE], "reports no window at load");
    const w = window({caption: "Firefox", resourceClass: "firefox", resourceName: "firefox",
        desktopFileName: "firefox-esr", pid: 9});
    activate(w);
    expectCalls(calls, [active("Firefox", "firefox", "firefox", "firefox-esr", "9")], "reports the first window");
}

// A closed window is gone before the next activation: its signal object no longer knows the
// function, and disconnecting throws. The script must carry on.
function closedWindow(plasma) {
    const a = window({caption: "a", resourceClass: "a", resourceName: "a", desktopFileName: "a", pid: 1});
    const b = window({caption: "b", resourceClass: "b", resourceName: "b", desktopFileName: "b", pid: 2});
    const {ws, activate} = flavour(plasma, a);
    const calls = load(ws);
    a.captionChanged = signal();
    activate(b);
    expectCalls(calls, [active("a", "a", "a", "a", "1"), active("b", "b", "b", "b", "2")],
        "carries on after a closed window");
}

const scenarios = [followsFocus, nothingActiveAtLoad, closedWindow];
let failed = 0;
for (const plasma of [5, 6]) {
    for (const scenario of scenarios) {
        try {
            scenario(plasma);
            print(`ok plasma ${plasma} ${scenario.name}`);
        } catch (e) {
            failed++;
            print(`FAILED plasma ${plasma} ${scenario.name}: ${e.message}`);
        }
    }
}
System.exit(failed ? 1 : 0);
