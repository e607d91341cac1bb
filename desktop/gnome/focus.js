// Mast's GNOME Shell extension, the part both flavours share: it tells Mast which window
// has the focus, over the session bus, and nothing else.
//
// Contract (version 1; a change that breaks it gets a new interface name, app.mast.Shell2):
//   bus name   app.mast.Shell           owned once everything below is in place
//   object     /app/mast/Shell
//   interface  app.mast.Shell1
//     method   Focused() -> (s app_id, s title, u pid)   ("", "", 0) when nothing has focus
//     signal   FocusChanged(s app_id, s title, u pid)    the focus moved, or its title changed
//     property Version u                                 the extension's release
//
// This file takes everything it uses as arguments (no imports), so it runs unchanged as a
// legacy module (GNOME 43/44, where top-level `var`s are its exports) and, with one export
// line appended by `mast setup gnome`, as an ES module (GNOME 45+). It keeps only the
// focused window's data, and only until the focus moves.

var MAST_BUS_NAME = 'app.mast.Shell';
var MAST_OBJECT_PATH = '/app/mast/Shell';
var MAST_INTERFACE_XML = `<node>
  <interface name="app.mast.Shell1">
    <method name="Focused">
      <arg type="s" name="app_id" direction="out"/>
      <arg type="s" name="title" direction="out"/>
      <arg type="u" name="pid" direction="out"/>
    </method>
    <signal name="FocusChanged">
      <arg type="s" name="app_id"/>
      <arg type="s" name="title"/>
      <arg type="u" name="pid"/>
    </signal>
    <property name="Version" type="u" access="read"/>
  </interface>
</node>`;

// A title longer than this is cut before it goes on the bus: a page can set a megabyte
// title, and Mast keeps 1024 characters of it anyway.
const MAX_TITLE_UNITS = 4096;

var MastShell = class MastShell {
    // deps: { Gio, GLib, display (global.display), tracker (Shell.WindowTracker), version }.
    // Nothing happens here: everything starts in start() and is undone by stop().
    constructor(deps) {
        this._deps = deps;
    }

    start() {
        const { Gio, display } = this._deps;
        this._exported = Gio.DBusExportedObject.wrapJSObject(MAST_INTERFACE_XML, this);
        this._exported.export(Gio.DBus.session, MAST_OBJECT_PATH);
        this._window = null;
        this._titleId = 0;
        this._last = null;
        this._focusId = display.connect('notify::focus-window', () => this._follow());
        this._follow();
        // Last, so that a name on the bus means the object is there and signals flow.
        this._nameId = Gio.bus_own_name_on_connection(
            Gio.DBus.session, MAST_BUS_NAME, Gio.BusNameOwnerFlags.NONE, null, null);
    }

    stop() {
        const { Gio, display } = this._deps;
        if (this._nameId) {
            Gio.bus_unown_name(this._nameId);
            this._nameId = 0;
        }
        if (this._focusId) {
            display.disconnect(this._focusId);
            this._focusId = 0;
        }
        this._watch(null);
        if (this._exported) {
            this._exported.unexport();
            this._exported = null;
        }
        this._last = null;
    }

    // D-Bus: Focused() -> (s, s, u)
    Focused() {
        return this._describe(this._window);
    }

    // D-Bus: the Version property.
    get Version() {
        return this._deps.version;
    }

    _follow() {
        this._watch(this._deps.display.focus_window);
        this._announce();
    }

    // Follows the title of `win` (the focused window), and of no other.
    _watch(win) {
        if (this._window === win)
            return;
        if (this._window && this._titleId)
            this._window.disconnect(this._titleId);
        this._titleId = 0;
        this._window = win;
        if (win)
            this._titleId = win.connect('notify::title', () => this._announce());
    }

    _announce() {
        const now = this._describe(this._window);
        const key = now.join('\n');
        if (key === this._last)
            return;
        this._last = key;
        const { GLib } = this._deps;
        this._exported.emit_signal('FocusChanged', new GLib.Variant('(ssu)', now));
    }

    _describe(win) {
        if (!win)
            return ['', '', 0];
        const title = (win.get_title() || '').slice(0, MAX_TITLE_UNITS);
        const pid = Math.max(0, win.get_pid() || 0);
        return [this._appId(win), title, pid];
    }

    // The desktop file's id when the window matched one ("org.gnome.Terminal"); otherwise
    // what the window calls itself: the Wayland app_id or X11 WM_CLASS, then GTK's and
    // Flatpak's ids. Windows without a desktop file get ids such as "window:12" from the
    // tracker, which name nothing, so those are passed over.
    _appId(win) {
        const app = this._deps.tracker.get_window_app(win);
        let id = app ? app.get_id() : null;
        if (id && !id.startsWith('window:'))
            return id.endsWith('.desktop') ? id.slice(0, -'.desktop'.length) : id;
        id = win.get_wm_class() || win.get_gtk_application_id() || win.get_sandboxed_app_id();
        return id || '';
    }
};
