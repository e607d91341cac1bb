//! Whether the desktop shows tray icons. The app's icon is a StatusNotifierItem (through
//! libayatana-appindicator), which a desktop shows only when something owns
//! `org.kde.StatusNotifierWatcher` on the session bus: KDE Plasma, most wlroots bars, and
//! GNOME only with an AppIndicator extension. On X11 the library falls back to an XEmbed
//! icon, which X11 panels show. Where there is no tray the app says how to reach its window
//! again (start Mast from the launcher: a second start shows the first one's window).

use crate::sensor::choose::{Session, SessionEnv};

const WATCHER: &str = "org.kde.StatusNotifierWatcher";

/// Asks the session bus once; a missing bus means no tray on Wayland.
pub fn present(env: &SessionEnv) -> bool {
    if env.session() == Session::X11 {
        return true;
    }
    watcher_on_bus().unwrap_or(false)
}

fn watcher_on_bus() -> zbus::Result<bool> {
    zbus::block_on(async {
        let conn = zbus::Connection::session().await?;
        let dbus = zbus::fdo::DBusProxy::new(&conn).await?;
        Ok(dbus.name_has_owner(WATCHER.try_into()?).await?)
    })
}
