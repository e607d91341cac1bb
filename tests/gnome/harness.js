// Loads Mast's GNOME Shell extension outside GNOME Shell, under plain `gjs -m`, with
// stand-ins for what only the Shell provides, and drives it from stdin.
//
//   gjs -m harness.js <installed extension folder> <scratch folder> <esm|legacy>
//
// gjs cannot resolve the Shell's `resource:///org/gnome/shell/...` modules, its `misc`
// folder or the Shell typelib outside the Shell, so this is a small loader: it copies
// extension.js into the scratch folder with those references pointed at stand-ins written
// there, and `focus.js` (the real, installed one) beside it. ESM (GNOME 45+) is imported;
// legacy (43/44) goes through gjs's `imports` with the scratch folder first on its path,
// where `misc/extensionUtils.js` hands over the extension object. The stand-ins are a
// display and windows that emit `notify::` signals like Mutter's, and a window tracker.
//
// stdin, one JSON object a line:  {"op":"focus", "wmClass", "desktopId"|null, "title", "pid"}
//   {"op":"title","title"}  {"op":"none"}  {"op":"disable"}  {"op":"enable"}
// stdout, one JSON object a line after start and after each op: {"ok":true,"handlers":N},
// N being the signal handlers still connected on the display and every window made so far.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

const [extDir, scratch, flavour] = ARGV;

class Emitter {
    constructor() {
        this._handlers = new Map();
        this._next = 1;
    }

    connect(signal, callback) {
        const id = this._next++;
        this._handlers.set(id, [signal, callback]);
        return id;
    }

    disconnect(id) {
        if (!this._handlers.delete(id))
            throw new Error(`no handler ${id}`);
    }

    emit(signal) {
        for (const [s, cb] of [...this._handlers.values()]) {
            if (s === signal)
                cb(this);
        }
    }

    get handlerCount() {
        return this._handlers.size;
    }
}

class FakeWindow extends Emitter {
    constructor({ wmClass, desktopId, title, pid }) {
        super();
        Object.assign(this, { wmClass, desktopId, title, pid });
    }

    get_title() { return this.title; }
    get_pid() { return this.pid; }
    get_wm_class() { return this.wmClass; }
    get_gtk_application_id() { return null; }
    get_sandboxed_app_id() { return null; }
}

class FakeDisplay extends Emitter {
    constructor() {
        super();
        this.focus_window = null;
    }
}

const display = new FakeDisplay();
const windows = [];
let windowNumber = 0;
const tracker = {
    // Like Shell.WindowTracker: a window without a desktop file gets a "window:N" app.
    get_window_app(win) {
        const id = win.desktopId ?? `window:${++windowNumber}`;
        return { get_id: () => id };
    },
};
globalThis.global = { display };

function write(path, text) {
    GLib.file_set_contents(path, text);
}

write(`${scratch}/stand-in-extension.js`, `
export class Extension {
    constructor(metadata) { this.metadata = metadata; this.uuid = metadata.uuid; }
}
`);
globalThis.mastHarnessShell = { WindowTracker: { get_default: () => tracker } };
write(`${scratch}/stand-in-shell.js`, 'export default globalThis.mastHarnessShell;\n');
const read = path => new TextDecoder().decode(GLib.file_get_contents(path)[1]);
write(`${scratch}/focus.js`, read(`${extDir}/focus.js`));
const metadata = JSON.parse(read(`${extDir}/metadata.json`));

async function load() {
    if (flavour === 'esm') {
        const source = read(`${extDir}/extension.js`)
            .replace("'resource:///org/gnome/shell/extensions/extension.js'", `'file://${scratch}/stand-in-extension.js'`)
            .replace("'gi://Shell'", `'file://${scratch}/stand-in-shell.js'`);
        write(`${scratch}/extension.js`, source);
        const { default: MastExtension } = await import(`file://${scratch}/extension.js`);
        return new MastExtension(metadata);
    }
    const source = read(`${extDir}/extension.js`)
        .replace('const { Gio, GLib, Shell } = imports.gi;',
            'const { Gio, GLib } = imports.gi;\nconst Shell = globalThis.mastHarnessShell;');
    write(`${scratch}/extension.js`, source);
    GLib.mkdir_with_parents(`${scratch}/misc`, 0o700);
    write(`${scratch}/misc/extensionUtils.js`, 'var getCurrentExtension = () => globalThis.mastHarnessMe;\n');
    imports.searchPath.unshift(scratch);
    globalThis.mastHarnessMe = { imports, metadata };
    return imports.extension.init();
}
const extension = await load();

function report() {
    const handlers = display.handlerCount + windows.reduce((n, w) => n + w.handlerCount, 0);
    print(JSON.stringify({ ok: true, handlers }));
}

function apply(cmd) {
    switch (cmd.op) {
    case 'focus': {
        const win = new FakeWindow(cmd);
        windows.push(win);
        display.focus_window = win;
        display.emit('notify::focus-window');
        break;
    }
    case 'title':
        display.focus_window.title = cmd.title;
        display.focus_window.emit('notify::title');
        break;
    case 'none':
        display.focus_window = null;
        display.emit('notify::focus-window');
        break;
    case 'disable':
        extension.disable();
        break;
    case 'enable':
        extension.enable();
        break;
    default:
        throw new Error(`unknown op ${cmd.op}`);
    }
}

const loop = new GLib.MainLoop(null, false);
const stdin = new Gio.DataInputStream({ base_stream: new Gio.UnixInputStream({ fd: 0 }) });
function next() {
    stdin.read_line_async(GLib.PRIORITY_DEFAULT, null, (stream, result) => {
        const [line] = stream.read_line_finish_utf8(result);
        if (line === null) {
            loop.quit();
            return;
        }
        apply(JSON.parse(line));
        report();
        next();
    });
}

extension.enable();
report();
next();
loop.run();
