//! Hyprland's request socket (`$XDG_RUNTIME_DIR/hypr/$HYPRLAND_INSTANCE_SIGNATURE/.socket.sock`):
//! a client connects, writes one request such as `j/activewindow` (the `j/` asks for JSON),
//! reads the reply to the end, and the compositor closes the connection. Used for the active
//! window's pid and the version; written from that documented one-line protocol, so no
//! (GPL) client crate is needed.

use serde_json::Value;
use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_millis(500);
const MAX_REPLY: u64 = 4 << 20;

/// The active window, as Hyprland describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Active {
    /// The window's address (`"0x55d0…"`), which identifies it while it lives.
    pub address: u64,
    pub pid: Option<u32>,
    pub class: Option<String>,
}

#[derive(Clone, Debug)]
pub(super) struct Hyprland {
    socket: PathBuf,
}

impl Hyprland {
    pub(super) fn new(socket: PathBuf) -> Hyprland {
        Hyprland { socket }
    }

    /// Where the socket of instance `signature` is: under `runtime_dir` since Hyprland 0.40,
    /// under `/tmp` before.
    pub(super) fn locate(runtime_dir: Option<&Path>, signature: &str) -> PathBuf {
        let current = runtime_dir.map(|d| d.join("hypr").join(signature).join(".socket.sock"));
        match current {
            Some(path) if path.exists() => path,
            _ => {
                let legacy = Path::new("/tmp/hypr").join(signature).join(".socket.sock");
                if legacy.exists() {
                    legacy
                } else {
                    current.unwrap_or(legacy)
                }
            }
        }
    }

    pub(super) fn socket(&self) -> &Path {
        &self.socket
    }

    /// `"Hyprland 0.41.2"`, or `"Hyprland"` when it does not say.
    pub(super) fn version(&self) -> io::Result<String> {
        let reply = self.request("j/version")?;
        let tag = reply["tag"].as_str().or_else(|| reply["version"].as_str()).unwrap_or_default();
        let tag = tag.trim_start_matches('v');
        Ok(if tag.is_empty() { "Hyprland".to_owned() } else { format!("Hyprland {tag}") })
    }

    /// The window in front; `None` when there is none (Hyprland answers `{}`).
    pub(super) fn active_window(&self) -> io::Result<Option<Active>> {
        // The reply carries the active window's title too; it is not kept.
        let reply = self.request("j/activewindow")?;
        Ok(active(&reply))
    }

    fn request(&self, request: &str) -> io::Result<Value> {
        let mut stream = UnixStream::connect(&self.socket)?;
        stream.set_read_timeout(Some(TIMEOUT))?;
        stream.set_write_timeout(Some(TIMEOUT))?;
        stream.write_all(request.as_bytes())?;
        let mut body = Vec::new();
        stream.take(MAX_REPLY).read_to_end(&mut body)?;
        serde_json::from_slice(&body).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

fn active(reply: &Value) -> Option<Active> {
    let address = reply["address"].as_str()?;
    let address = u64::from_str_radix(address.trim_start_matches("0x"), 16).ok()?;
    let pid = reply["pid"].as_i64().and_then(|p| u32::try_from(p).ok()).filter(|&p| p > 0);
    let class = reply["class"].as_str().filter(|c| !c.is_empty()).map(str::to_owned);
    Some(Active { address, pid, class })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixListener;

    /// A stand-in for Hyprland's socket: answers each connection's one request from `answers`,
    /// then closes it, as Hyprland does. Returns the requests it saw.
    fn fake_hyprland(dir: &Path, answers: Vec<(&'static str, &'static str)>) -> std::thread::JoinHandle<Vec<String>> {
        let listener = UnixListener::bind(dir.join(".socket.sock")).unwrap();
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            for (expected, answer) in answers {
                let (mut stream, _) = listener.accept().unwrap();
                let mut buf = [0u8; 256];
                let n = stream.read(&mut buf).unwrap();
                let request = String::from_utf8_lossy(&buf[..n]).into_owned();
                assert_eq!(request, expected);
                seen.push(request);
                stream.write_all(answer.as_bytes()).unwrap();
            }
            seen
        })
    }

    #[test]
    fn asks_for_the_active_window_and_its_version() {
        let dir = tempfile::tempdir().unwrap();
        let server = fake_hyprland(
            dir.path(),
            vec![
                (
                    "j/activewindow",
                    r#"{"address": "0x55d0c6a2b0e0", "mapped": true, "class": "org.telegram.desktop",
                        "title": "Telegram", "pid": 4242, "xwayland": false}"#,
                ),
                ("j/activewindow", "{}"),
                ("j/version", r#"{"branch": "main", "commit": "abc", "tag": "v0.41.2"}"#),
            ],
        );
        let h = Hyprland::new(dir.path().join(".socket.sock"));
        assert_eq!(
            h.active_window().unwrap(),
            Some(Active { address: 0x55d0c6a2b0e0, pid: Some(4242), class: Some("org.telegram.desktop".into()) })
        );
        assert_eq!(h.active_window().unwrap(), None);
        assert_eq!(h.version().unwrap(), "Hyprland 0.41.2");
        assert_eq!(server.join().unwrap().len(), 3);
    }

    #[test]
    fn finds_the_socket_of_an_instance() {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("hypr/sig_1/.socket.sock");
        std::fs::create_dir_all(sock.parent().unwrap()).unwrap();
        std::fs::write(&sock, "").unwrap();
        assert_eq!(Hyprland::locate(Some(dir.path()), "sig_1"), sock);
        assert_eq!(Hyprland::locate(Some(dir.path()), "other"), dir.path().join("hypr/other/.socket.sock"));
    }

    #[test]
    fn a_silent_compositor_is_an_error_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let listener = UnixListener::bind(dir.path().join(".socket.sock")).unwrap();
        let h = Hyprland::new(dir.path().join(".socket.sock"));
        let started = std::time::Instant::now();
        assert!(h.active_window().is_err());
        assert!(started.elapsed() < Duration::from_secs(3));
        drop(listener);
    }
}
