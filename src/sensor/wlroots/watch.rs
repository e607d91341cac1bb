//! The thread that reads the compositor's foreign-toplevel events and publishes the
//! focused window for [`super::WlrootsFocus`] to hand out. The protocol side lives here: the
//! manager bindings ("generations", see [`super::toplevels`] for why a fresh one is bound
//! when the focus lands on a window whose description was dropped), the handles to destroy,
//! and the compositor's IPC for the pid, asked once per focus change.

use super::ipc::{CompositorIpc, Process};
use super::toplevels::{Described, Done, Event, Toplevels};
use crate::model::Window;
use crate::sensor::process::Processes;
use crate::sensor::Waker;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use wayland_client::backend::ObjectId;
use wayland_client::globals::{GlobalList, GlobalListContents};
use wayland_client::protocol::{wl_callback, wl_registry};
use wayland_client::{event_created_child, Connection, Dispatch, EventQueue, Proxy, QueueHandle};
use wayland_protocols_wlr::foreign_toplevel::v1::client::zwlr_foreign_toplevel_handle_v1::{
    self as handle, ZwlrForeignToplevelHandleV1,
};
use wayland_protocols_wlr::foreign_toplevel::v1::client::zwlr_foreign_toplevel_manager_v1::{
    self as manager, ZwlrForeignToplevelManagerV1,
};

/// The highest manager version this code knows (3 adds `parent`, which it ignores).
pub(super) const MANAGER_VERSION: u32 = 3;
/// `zwlr_foreign_toplevel_handle_v1.state` entry "activated".
const ACTIVATED: u32 = 2;

/// What the thread publishes and the source hands out.
#[derive(Debug, Default)]
pub(super) struct Shared {
    pub window: Option<Window>,
    /// Set when the thread ended: the words for [`crate::sensor::SensorError::Lost`].
    pub lost: Option<String>,
}

pub(super) type SharedState = Arc<Mutex<Shared>>;

pub(super) fn lock(shared: &SharedState) -> std::sync::MutexGuard<'_, Shared> {
    // The thread never panics while holding the lock, but a poisoned lock still holds
    // consistent data (it is replaced whole), so it is used as is.
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// The focused window as last published, to tell what changed.
struct Published {
    key: ObjectId,
    described: Described,
    process: Option<Process>,
}

pub(super) struct Watch {
    globals: GlobalList,
    generation: u64,
    manager: Option<ZwlrForeignToplevelManagerV1>,
    toplevels: Toplevels<ObjectId>,
    handles: HashMap<ObjectId, ZwlrForeignToplevelHandleV1>,
    refresh_due: bool,
    /// The current manager said `finished`: the compositor withdrew the protocol.
    finished: bool,
    published: Option<Published>,
    ipc: CompositorIpc,
    processes: Processes<u64>,
    shared: SharedState,
    waker: Waker,
}

impl Watch {
    /// Binds the first manager and reads the compositor's description of every toplevel, so
    /// that the source knows the focused window from its first poll.
    pub(super) fn start(
        conn: &Connection,
        globals: GlobalList,
        queue: &mut EventQueue<Watch>,
        ipc: CompositorIpc,
        waker: Waker,
    ) -> Result<Watch, String> {
        let mut watch = Watch {
            globals,
            generation: 0,
            manager: None,
            toplevels: Toplevels::filling(),
            handles: HashMap::new(),
            refresh_due: false,
            finished: false,
            published: None,
            ipc,
            processes: Processes::new(),
            shared: Arc::default(),
            waker,
        };
        watch.bind(conn, &queue.handle()).map_err(|e| e.to_string())?;
        while watch.toplevels.is_filling() {
            queue.blocking_dispatch(&mut watch).map_err(|e| super::display::lost("first description", &e))?;
        }
        watch.publish();
        Ok(watch)
    }

    pub(super) fn shared(&self) -> SharedState {
        self.shared.clone()
    }

    /// Reads events until `stop` is set or the connection breaks; says why in [`Shared::lost`].
    pub(super) fn run(mut self, mut queue: EventQueue<Watch>, conn: Connection, stop: Arc<AtomicBool>) {
        let qh = queue.handle();
        let why = loop {
            if let Err(e) = queue.blocking_dispatch(&mut self) {
                break super::display::lost("foreign toplevels", &e);
            }
            if stop.load(Ordering::SeqCst) {
                return;
            }
            if self.finished {
                break "the compositor stopped reporting windows (wlr-foreign-toplevel finished)".to_owned();
            }
            if self.refresh_due && !self.toplevels.is_filling() {
                if let Err(e) = self.bind(&conn, &qh) {
                    break e.to_string();
                }
            }
            self.publish();
        };
        tracing::debug!(why = %why, "wlroots focus source ended");
        let mut shared = lock(&self.shared);
        shared.window = None;
        shared.lost = Some(why);
        drop(shared);
        self.waker.wake();
    }

    /// Replaces the manager binding by a fresh one, which describes every toplevel again.
    fn bind(&mut self, conn: &Connection, qh: &QueueHandle<Watch>) -> Result<(), wayland_client::globals::BindError> {
        if let Some(old) = self.manager.take() {
            old.stop();
        }
        for (_, h) in self.handles.drain() {
            h.destroy();
        }
        self.generation += 1;
        self.toplevels = Toplevels::filling();
        self.refresh_due = false;
        self.manager = Some(self.globals.bind(qh, 1..=MANAGER_VERSION, self.generation)?);
        // The answer comes after everything the bind made the compositor send.
        conn.display().sync(qh, self.generation);
        Ok(())
    }

    /// Publishes the focused window if it changed, asking the compositor for its process
    /// when the focus moved, and wakes the tracker.
    fn publish(&mut self) {
        if self.toplevels.is_filling() {
            return;
        }
        let Ok(focused) = self.toplevels.focused() else {
            return; // a refresh is due; the previous window stands until it is done
        };
        let next = match focused {
            None if self.published.is_none() && lock(&self.shared).window.is_none() => return,
            None => None,
            Some((key, described)) => match &self.published {
                Some(p) if p.key == *key && p.described == *described => return,
                // The same window renamed: same process.
                Some(p) if p.key == *key => {
                    Some(Published { key: key.clone(), described: described.clone(), process: p.process })
                }
                _ => {
                    let process = self.ipc.focused_process(&described.app_id);
                    Some(Published { key: key.clone(), described: described.clone(), process })
                }
            },
        };
        let window = next.as_ref().map(|p| {
            let pid = p.process.map(|p| p.pid);
            let exe = p.process.and_then(|p| self.processes.exe(p.window, p.pid));
            Window { app: p.described.app_id.clone(), exe, title: p.described.title.clone(), url: None, pid }
        });
        self.published = next;
        lock(&self.shared).window = window;
        self.waker.wake();
    }

    fn is_current(&self, generation: u64) -> bool {
        generation == self.generation
    }
}

impl Dispatch<wl_registry::WlRegistry, GlobalListContents> for Watch {
    fn event(
        _: &mut Self,
        _: &wl_registry::WlRegistry,
        _: wl_registry::Event,
        _: &GlobalListContents,
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        // Globals coming and going later (outputs, seats) do not concern the manager.
    }
}

impl Dispatch<wl_callback::WlCallback, u64> for Watch {
    fn event(
        watch: &mut Self,
        _: &wl_callback::WlCallback,
        event: wl_callback::Event,
        generation: &u64,
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        if let wl_callback::Event::Done { .. } = event {
            if watch.is_current(*generation) {
                watch.toplevels.filled();
            }
        }
    }
}

impl Dispatch<ZwlrForeignToplevelManagerV1, u64> for Watch {
    fn event(
        watch: &mut Self,
        _: &ZwlrForeignToplevelManagerV1,
        event: manager::Event,
        generation: &u64,
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        match event {
            manager::Event::Toplevel { toplevel } if watch.is_current(*generation) => {
                watch.toplevels.add(toplevel.id());
                watch.handles.insert(toplevel.id(), toplevel);
            }
            // Announced by a binding being replaced, before it heard `stop`.
            manager::Event::Toplevel { toplevel } => toplevel.destroy(),
            manager::Event::Finished if watch.is_current(*generation) => watch.finished = true,
            _ => {}
        }
    }

    event_created_child!(Watch, ZwlrForeignToplevelManagerV1, [
        manager::EVT_TOPLEVEL_OPCODE => (ZwlrForeignToplevelHandleV1, ()),
    ]);
}

impl Dispatch<ZwlrForeignToplevelHandleV1, ()> for Watch {
    fn event(
        watch: &mut Self,
        proxy: &ZwlrForeignToplevelHandleV1,
        event: handle::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        let event = match event {
            handle::Event::Title { title } => Event::Title(title),
            handle::Event::AppId { app_id } => Event::AppId(app_id),
            handle::Event::State { state } => Event::Activated(is_activated(&state)),
            handle::Event::Done => Event::Done,
            handle::Event::Closed => Event::Closed,
            _ => return,
        };
        let closed = event == Event::Closed;
        if watch.toplevels.apply(&proxy.id(), event) == Done::NeedsRefresh {
            watch.refresh_due = true;
        }
        if closed {
            if let Some(h) = watch.handles.remove(&proxy.id()) {
                h.destroy();
            }
        }
    }
}

/// The `state` array holds `u32` entries in the machine's byte order.
fn is_activated(state: &[u8]) -> bool {
    state.chunks_exact(4).any(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]]) == ACTIVATED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_activated_entry_of_a_state_array() {
        let bytes = |entries: &[u32]| entries.iter().flat_map(|e| e.to_ne_bytes()).collect::<Vec<u8>>();
        assert!(is_activated(&bytes(&[0, 2])));
        assert!(!is_activated(&bytes(&[0, 1, 3])));
        assert!(!is_activated(&[]));
    }
}
