// Mast's GNOME Shell extension for GNOME 43 and 44 (the legacy format: init, enable,
// disable). The work is in focus.js, shared with the GNOME 45+ flavour; this file only
// hands it the Shell's objects.
/* exported init */
const { Gio, GLib, Shell } = imports.gi;
const Me = imports.misc.extensionUtils.getCurrentExtension();

class MastExtension {
    enable() {
        this._shell = new Me.imports.focus.MastShell({
            Gio,
            GLib,
            display: global.display,
            tracker: Shell.WindowTracker.get_default(),
            version: Me.metadata.version,
        });
        this._shell.start();
    }

    disable() {
        if (this._shell)
            this._shell.stop();
        this._shell = null;
    }
}

function init() {
    return new MastExtension();
}
