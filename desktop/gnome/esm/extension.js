// Mast's GNOME Shell extension for GNOME 45 and later (ES modules). The work is in
// focus.js, shared with the GNOME 43/44 flavour; this file only hands it the Shell's objects.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Shell from 'gi://Shell';
import { Extension } from 'resource:///org/gnome/shell/extensions/extension.js';

import { MastShell } from './focus.js';

export default class MastExtension extends Extension {
    enable() {
        this._shell = new MastShell({
            Gio,
            GLib,
            display: global.display,
            tracker: Shell.WindowTracker.get_default(),
            version: this.metadata.version,
        });
        this._shell.start();
    }

    disable() {
        this._shell?.stop();
        this._shell = null;
    }
}
