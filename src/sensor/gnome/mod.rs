//! GNOME on Wayland: which window is in front comes from Mast's GNOME Shell extension
//! (`desktop/gnome/`), which exports `app.mast.Shell1` on the session bus; idle time comes
//! from Mutter's `org.gnome.Mutter.IdleMonitor` ([`idle`]). Mutter offers no protocol that
//! names the focused window and `org.gnome.Shell.Eval` is disabled, so an extension is the
//! only way in; installing it is [`setup`], and telling why the channel does not work yet
//! (Shell without the extension, the extension installed but disabled or failed) is
//! [`probe`].
//!
//! What this module does not own: choosing GNOME over other channels (`sensor::choose`),
//! classifying the app ids it reports, and the extension's own code, which lives in
//! `desktop/gnome/` and is embedded from there ([`extension`]).

pub mod extension;
mod focus;
pub mod idle;
mod listen;
pub mod probe;
pub mod setup;

pub use focus::GnomeFocus;
pub use idle::MutterIdle;

use super::SensorError;
use zbus::Connection;

/// The extension's uuid: its folder name under `gnome-shell/extensions/` and its id in
/// `org.gnome.shell enabled-extensions`.
pub const UUID: &str = "mast@mast.app";
/// The name the extension owns on the session bus once it is ready.
pub const BUS_NAME: &str = "app.mast.Shell";
pub const OBJECT_PATH: &str = "/app/mast/Shell";
/// The interface, versioned in its name: a change that breaks it becomes `app.mast.Shell2`.
pub const INTERFACE: &str = "app.mast.Shell1";

const SHELL_NAME: &str = "org.gnome.Shell";

/// How long a call to the Shell or Mutter may take before Mast gives up on it. A Shell that
/// is busy for longer than this is stuck; the tracker's poll must not be.
const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Opens the session bus: the one at `address` (tests use private buses), else the
/// process's own.
async fn session_bus(address: Option<&str>) -> Result<Connection, SensorError> {
    let builder = match address {
        Some(a) => zbus::connection::Builder::address(a),
        None => zbus::connection::Builder::session(),
    };
    builder
        .method_timeout(CALL_TIMEOUT)
        .build()
        .await
        .map_err(|e| SensorError::Unavailable(format!("no D-Bus session bus to reach GNOME through ({e})")))
}

/// Whether `name` has an owner on the bus.
async fn has_owner(conn: &Connection, name: &str) -> zbus::Result<bool> {
    let dbus = zbus::fdo::DBusProxy::new(conn).await?;
    let name = zbus::names::BusName::try_from(name.to_owned())?;
    dbus.name_has_owner(name).await.map_err(zbus::Error::from)
}

/// A property of `interface` at `path` on `dest`, read with one `Properties.Get` (no
/// proxy that would first fetch and watch all of them).
async fn property<T>(conn: &Connection, dest: &str, path: &str, interface: &str, name: &str) -> zbus::Result<T>
where
    T: TryFrom<zbus::OwnedVariant>,
    T::Error: Into<zbus::Error>,
{
    let reply =
        conn.call_method(Some(dest), path, Some("org.freedesktop.DBus.Properties"), "Get", &(interface, name)).await?;
    let value: zbus::OwnedVariant = reply.body().deserialize()?;
    T::try_from(value).map_err(Into::into)
}

/// The running Shell's version ("43.9"), from its `ShellVersion` property.
async fn shell_version(conn: &Connection) -> zbus::Result<String> {
    property(conn, SHELL_NAME, "/org/gnome/Shell", SHELL_NAME, "ShellVersion").await
}
