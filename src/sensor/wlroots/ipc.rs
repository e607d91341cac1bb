//! The compositor's own IPC, where there is one: it names the compositor ("sway 1.7") and
//! gives the focused window's pid, which the foreign-toplevel protocol does not. sway's
//! socket is `SWAYSOCK`; Hyprland's is found from `HYPRLAND_INSTANCE_SIGNATURE`. Other
//! wlroots compositors (labwc, wayfire, river, niri) get no pid, and windows are classified
//! by their app id alone.

use super::hyprland::Hyprland;
use super::sway::Sway;
use std::path::PathBuf;
use tracing::debug;

/// Which IPC the compositor offers, as found in the environment or given by a test.
#[derive(Clone, Debug)]
pub struct CompositorIpc(Ipc);

#[derive(Clone, Debug)]
enum Ipc {
    Sway(Sway),
    Hyprland(Hyprland),
    None,
}

/// The focused window's process, as the compositor's IPC names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Process {
    /// What identifies the window to the compositor (sway's container id, Hyprland's
    /// address), for caching its executable.
    pub window: u64,
    pub pid: u32,
}

impl CompositorIpc {
    /// `SWAYSOCK`, else `HYPRLAND_INSTANCE_SIGNATURE`, else none.
    pub fn from_env() -> CompositorIpc {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        if let Some(socket) = var("SWAYSOCK") {
            return CompositorIpc::sway(socket);
        }
        if let Some(signature) = var("HYPRLAND_INSTANCE_SIGNATURE") {
            let runtime = var("XDG_RUNTIME_DIR").map(PathBuf::from);
            let socket = Hyprland::locate(runtime.as_deref(), &signature.to_string_lossy());
            return CompositorIpc::hyprland(socket);
        }
        CompositorIpc(Ipc::None)
    }

    /// sway's IPC socket at `socket`.
    pub fn sway(socket: impl Into<PathBuf>) -> CompositorIpc {
        CompositorIpc(Ipc::Sway(Sway::new(socket.into())))
    }

    /// Hyprland's request socket (`.socket.sock`) at `socket`.
    pub fn hyprland(socket: impl Into<PathBuf>) -> CompositorIpc {
        CompositorIpc(Ipc::Hyprland(Hyprland::new(socket.into())))
    }

    /// No IPC: windows get no pid.
    pub fn none() -> CompositorIpc {
        CompositorIpc(Ipc::None)
    }

    /// The compositor and its version ("sway 1.7", "Hyprland 0.41.2"); `XDG_CURRENT_DESKTOP`
    /// or nothing for others. A compositor that does not answer is still named.
    pub(super) fn describe(&self) -> String {
        let answer = match &self.0 {
            Ipc::Sway(sway) => sway.version().map_err(|e| (sway.socket().to_owned(), e, "sway")),
            Ipc::Hyprland(h) => h.version().map_err(|e| (h.socket().to_owned(), e, "Hyprland")),
            Ipc::None => return std::env::var("XDG_CURRENT_DESKTOP").unwrap_or_default(),
        };
        answer.unwrap_or_else(|(socket, e, name)| {
            debug!(socket = %socket.display(), error = %e, "the compositor did not say its version");
            name.to_owned()
        })
    }

    /// The process of the focused window, if the compositor says and the window it names is
    /// the one with `app_id` (the focus may have moved on since the protocol said so, and a
    /// pid of another window would name the wrong program).
    pub(super) fn focused_process(&self, app_id: &str) -> Option<Process> {
        let found = match &self.0 {
            Ipc::Sway(sway) => sway.focused().map(|node| {
                node.filter(|n| n.app_id.as_deref() == Some(app_id))
                    .and_then(|n| Some(Process { window: n.id, pid: n.pid? }))
            }),
            Ipc::Hyprland(h) => h.active_window().map(|active| {
                active
                    .filter(|a| a.class.as_deref() == Some(app_id))
                    .and_then(|a| Some(Process { window: a.address, pid: a.pid? }))
            }),
            Ipc::None => return None,
        };
        found.unwrap_or_else(|e| {
            debug!(error = %e, "the compositor's IPC did not name the focused window's process");
            None
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::unix::net::UnixListener;

    /// Answers every request with the same active window, as Hyprland would while it stays
    /// in front.
    fn fake_hyprland(dir: &std::path::Path, connections: usize) -> std::thread::JoinHandle<()> {
        let listener = UnixListener::bind(dir.join(".socket.sock")).unwrap();
        std::thread::spawn(move || {
            for _ in 0..connections {
                let (mut stream, _) = listener.accept().unwrap();
                let mut buf = [0u8; 64];
                let _ = stream.read(&mut buf).unwrap();
                let reply = r#"{"address": "0x1f", "class": "firefox", "title": "t", "pid": 77}"#;
                stream.write_all(reply.as_bytes()).unwrap();
            }
        })
    }

    #[test]
    fn a_pid_is_taken_only_for_the_window_the_protocol_named() {
        let dir = tempfile::tempdir().unwrap();
        let server = fake_hyprland(dir.path(), 2);
        let ipc = CompositorIpc::hyprland(dir.path().join(".socket.sock"));
        assert_eq!(ipc.focused_process("firefox"), Some(Process { window: 0x1f, pid: 77 }));
        // The focus moved on between the protocol's event and the question.
        assert_eq!(ipc.focused_process("org.telegram.desktop"), None);
        server.join().unwrap();
        // A compositor gone away names nothing, and says so only in the debug log.
        assert_eq!(ipc.focused_process("firefox"), None);
        assert_eq!(CompositorIpc::none().focused_process("firefox"), None);
    }
}
