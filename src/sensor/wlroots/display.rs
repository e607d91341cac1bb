//! Reaching a Wayland compositor, and the thread each Wayland source reads it on: the socket
//! named by `WAYLAND_DISPLAY` (or given by a test), one connection per source, and a way to
//! end that thread from the source's `Drop` without closing the socket under it.
//!
//! Each source reads its own connection with a blocking dispatch on its own thread: a
//! compositor pushes focus and idle changes, so a steady desktop costs no wake-ups at all,
//! and a source never shares a queue (or a failure) with another.

use crate::sensor::SensorError;
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use wayland_client::backend::protocol::Message;
use wayland_client::backend::{Backend, ObjectData, ObjectId};
use wayland_client::protocol::wl_display;
use wayland_client::Connection;

/// A compositor's Wayland socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaylandDisplay {
    path: PathBuf,
}

impl WaylandDisplay {
    /// The socket `WAYLAND_DISPLAY` names: a path, or a name in `XDG_RUNTIME_DIR`.
    ///
    /// [`SensorError::Unavailable`] when there is none: this process does not run in a
    /// Wayland session. Unlike libwayland, no `wayland-0` is guessed, so that an X11 session
    /// with a stray compositor is not taken for a Wayland one.
    pub fn from_env() -> Result<WaylandDisplay, SensorError> {
        let name = std::env::var_os("WAYLAND_DISPLAY").filter(|n| !n.is_empty()).ok_or_else(|| {
            SensorError::Unavailable("WAYLAND_DISPLAY is not set, so this is not a Wayland session".into())
        })?;
        let name = PathBuf::from(name);
        if name.is_absolute() {
            return Ok(WaylandDisplay { path: name });
        }
        let runtime = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()).ok_or_else(|| {
            SensorError::Unavailable(format!(
                "WAYLAND_DISPLAY is {:?} but XDG_RUNTIME_DIR, where its socket lives, is not set",
                name.display()
            ))
        })?;
        Ok(WaylandDisplay { path: PathBuf::from(runtime).join(name) })
    }

    /// The socket at `path` (a test's compositor).
    pub fn at(path: impl Into<PathBuf>) -> WaylandDisplay {
        WaylandDisplay { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A new connection; [`SensorError::Unavailable`] when nothing answers on the socket.
    pub(crate) fn connect(&self) -> Result<Connection, SensorError> {
        let stream = UnixStream::connect(&self.path).map_err(|e| {
            SensorError::Unavailable(format!(
                "cannot connect to the Wayland compositor at {}: {e}",
                self.path.display()
            ))
        })?;
        Connection::from_socket(stream).map_err(|e| {
            SensorError::Unavailable(format!("cannot talk to the Wayland compositor at {}: {e}", self.path.display()))
        })
    }
}

/// Asks a source's reading thread to end: sets its flag, then sends a `wl_display.sync`
/// whose answer wakes the blocking read, so the thread sees the flag and returns. Dropping
/// it does exactly that; the thread is not joined, because a compositor that hangs would
/// hang the caller too, and the thread touches nothing but its own state.
pub(crate) struct StopOnDrop {
    conn: Connection,
    flag: Arc<AtomicBool>,
}

impl StopOnDrop {
    pub(crate) fn new(conn: Connection) -> (StopOnDrop, Arc<AtomicBool>) {
        let flag = Arc::new(AtomicBool::new(false));
        (StopOnDrop { conn, flag: flag.clone() }, flag)
    }
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.flag.store(true, Ordering::SeqCst);
        let display = self.conn.display();
        let data: Arc<dyn ObjectData> = Arc::new(Ignore);
        // A broken connection has already ended the thread; nothing to wake then.
        if self.conn.send_request(&display, wl_display::Request::Sync {}, Some(data)).is_ok() {
            let _ = self.conn.flush();
        }
    }
}

/// The wake-up callback's data: its one event (`done`) only has to arrive.
struct Ignore;

impl ObjectData for Ignore {
    fn event(self: Arc<Self>, _: &Backend, _: Message<ObjectId, OwnedFd>) -> Option<Arc<dyn ObjectData>> {
        None
    }

    fn destroyed(&self, _: ObjectId) {}
}

/// The words for a connection that broke while a source read it.
pub(crate) fn lost(what: &str, error: &dyn std::fmt::Display) -> String {
    format!("the Wayland compositor stopped answering ({what}): {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_socket_is_unavailable() {
        let dir = tempfile::tempdir().unwrap();
        let display = WaylandDisplay::at(dir.path().join("wayland-9"));
        match display.connect() {
            Err(SensorError::Unavailable(why)) => assert!(why.contains("wayland-9"), "{why}"),
            Err(e) => panic!("wrong error: {e}"),
            Ok(_) => panic!("connected to nothing"),
        }
    }
}
