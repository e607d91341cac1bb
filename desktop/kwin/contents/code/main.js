// Mast's KWin script: tells Mast which window is active, and nothing else.
//
// Mast loads this file over D-Bus (org.kde.KWin /Scripting loadScript) while it tracks and
// unloads it when it stops; it is never installed into the user's KWin configuration. It
// reports to the D-Bus name Mast owns on the session bus:
//
//   service   app.mast.KWin
//   path      /app/mast/KWin
//   interface app.mast.KWin
//   ActiveWindowV1(caption, resourceClass, resourceName, desktopFileName, pid)
//   NoActiveWindowV1()
//
// once when loaded, whenever another window becomes active, and whenever the active window's
// caption changes. The version is in the method name: a message with other arguments gets a
// new name, so an old Mast and a new script (or the reverse) fail a call instead of
// misreading it. Every argument is a string, the pid in decimal and "" for anything a window
// lacks: callDBus turns a JS number into an int32 or a double depending on how the engine
// happens to hold it, and drops `undefined` arguments altogether, which would shift the rest.
//
// Both scripting APIs are handled: Plasma 6 (workspace.windowActivated,
// workspace.activeWindow) and Plasma 5 (workspace.clientActivated, workspace.activeClient).

var MAST_SERVICE = "app.mast.KWin";
var MAST_PATH = "/app/mast/KWin";
var MAST_INTERFACE = "app.mast.KWin";

// The window whose caption changes are reported: the active one, or null.
var followed = null;

function text(value) {
    return value === undefined || value === null ? "" : String(value);
}

function report(window) {
    if (!window) {
        callDBus(MAST_SERVICE, MAST_PATH, MAST_INTERFACE, "NoActiveWindowV1");
        return;
    }
    callDBus(MAST_SERVICE, MAST_PATH, MAST_INTERFACE, "ActiveWindowV1",
        text(window.caption),
        text(window.resourceClass),
        text(window.resourceName),
        text(window.desktopFileName),
        window.pid > 0 ? String(window.pid) : "");
}

function captionChanged() {
    // Only the followed window is connected; reading `followed` (not a captured window)
    // means a late signal from a window that lost the focus can never be reported as active.
    if (followed) {
        report(followed);
    }
}

function follow(window) {
    if (followed) {
        try {
            followed.captionChanged.disconnect(captionChanged);
        } catch (e) {
            // The window is gone, and its connections with it.
        }
    }
    followed = window || null;
    if (followed) {
        followed.captionChanged.connect(captionChanged);
    }
    report(followed);
}

if (workspace.windowActivated !== undefined) {
    workspace.windowActivated.connect(follow);
    follow(workspace.activeWindow);
} else {
    workspace.clientActivated.connect(follow);
    follow(workspace.activeClient);
}
