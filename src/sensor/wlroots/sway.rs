//! sway's IPC (the i3 IPC framing): the compositor's version, and the focused container's
//! id and pid, which wlr-foreign-toplevel does not give. Each question opens its own
//! connection: they come once per focus change, and a fresh socket cannot be left in a
//! half-read state by a reply that timed out.
//!
//! A message is `"i3-ipc"`, the payload's length and the message type (both `u32` in the
//! machine's byte order), then the payload; the reply has the same header.

use serde_json::Value;
use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

const MAGIC: &[u8; 6] = b"i3-ipc";
const GET_TREE: u32 = 4;
const GET_VERSION: u32 = 7;
/// A reply that takes longer than this is not coming: the tracker's poll waits on it.
const TIMEOUT: Duration = Duration::from_millis(500);
/// A tree of a few hundred windows is a few hundred KiB; a reply beyond this is garbage.
const MAX_REPLY: usize = 64 << 20;

/// The focused container, as sway's tree describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Node {
    pub id: u64,
    pub pid: Option<u32>,
    /// `app_id` for Wayland clients, the X11 class for XWayland ones (which is what
    /// wlr-foreign-toplevel calls their app id).
    pub app_id: Option<String>,
}

#[derive(Clone, Debug)]
pub(super) struct Sway {
    socket: PathBuf,
}

impl Sway {
    pub(super) fn new(socket: PathBuf) -> Sway {
        Sway { socket }
    }

    pub(super) fn socket(&self) -> &Path {
        &self.socket
    }

    /// `"sway 1.7"`.
    pub(super) fn version(&self) -> io::Result<String> {
        let reply = self.request(GET_VERSION, b"")?;
        let human = reply["human_readable"].as_str().unwrap_or_default();
        Ok(if human.is_empty() { "sway".to_owned() } else { format!("sway {human}") })
    }

    /// The focused window's container; `None` when the focus is on an empty workspace.
    pub(super) fn focused(&self) -> io::Result<Option<Node>> {
        // The tree holds every window's title; it lives only until this returns.
        let tree = self.request(GET_TREE, b"")?;
        Ok(focused_node(&tree))
    }

    fn request(&self, kind: u32, payload: &[u8]) -> io::Result<Value> {
        let mut stream = UnixStream::connect(&self.socket)?;
        stream.set_read_timeout(Some(TIMEOUT))?;
        stream.set_write_timeout(Some(TIMEOUT))?;
        let len = u32::try_from(payload.len()).map_err(|_| io::Error::other("payload too long"))?;
        let mut message = Vec::with_capacity(14 + payload.len());
        message.extend_from_slice(MAGIC);
        message.extend_from_slice(&len.to_ne_bytes());
        message.extend_from_slice(&kind.to_ne_bytes());
        message.extend_from_slice(payload);
        stream.write_all(&message)?;

        let mut header = [0u8; 14];
        stream.read_exact(&mut header)?;
        if &header[..6] != MAGIC {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "not an i3-ipc reply"));
        }
        let len = u32::from_ne_bytes([header[6], header[7], header[8], header[9]]) as usize;
        let reply_kind = u32::from_ne_bytes([header[10], header[11], header[12], header[13]]);
        if reply_kind != kind || len > MAX_REPLY {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "unexpected i3-ipc reply"));
        }
        let mut body = vec![0u8; len];
        stream.read_exact(&mut body)?;
        serde_json::from_slice(&body).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

/// The node with `"focused": true` that is a window (has a pid), searched depth first
/// through tiled and floating children.
fn focused_node(node: &Value) -> Option<Node> {
    if node["focused"].as_bool() == Some(true) {
        let pid = node["pid"].as_u64().and_then(|p| u32::try_from(p).ok()).filter(|&p| p > 0);
        let app_id = node["app_id"].as_str().or_else(|| node["window_properties"]["class"].as_str()).map(str::to_owned);
        // The focus on a workspace or output (no window there) is no window.
        return node["id"].as_u64().filter(|_| pid.is_some() || app_id.is_some()).map(|id| Node { id, pid, app_id });
    }
    ["nodes", "floating_nodes"].iter().filter_map(|key| node[*key].as_array()).flatten().find_map(focused_node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_focused_window_among_tiled_and_floating_nodes() {
        let tree = json!({
            "id": 1, "type": "root", "focused": false,
            "nodes": [{ "id": 3, "type": "output", "focused": false, "nodes": [
                { "id": 4, "type": "workspace", "focused": false,
                  "nodes": [{ "id": 7, "focused": false, "pid": 100, "app_id": "foot", "nodes": [] }],
                  "floating_nodes": [{ "id": 9, "focused": true, "pid": 200, "app_id": null,
                                       "window_properties": { "class": "Firefox" }, "nodes": [] }] }
            ]}]
        });
        assert_eq!(focused_node(&tree), Some(Node { id: 9, pid: Some(200), app_id: Some("Firefox".into()) }));
    }

    #[test]
    fn a_focused_workspace_is_no_window() {
        let tree = json!({ "id": 1, "focused": false, "nodes": [{ "id": 4, "type": "workspace", "focused": true, "nodes": [] }] });
        assert_eq!(focused_node(&tree), None);
    }
}
