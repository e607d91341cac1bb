//! The wlroots focus source: which window is in front on sway, Hyprland, labwc, wayfire,
//! river, niri and other compositors that offer `zwlr_foreign_toplevel_manager_v1`.
//!
//! The protocol pushes changes, so the source reads its own connection on its own thread
//! ([`watch`]) and a poll only copies the last published window: a steady desktop costs
//! nothing. State is applied at each toplevel's `done`; the toplevel marked `activated` has
//! the focus. The protocol gives no pid, so where the compositor's IPC does (sway,
//! Hyprland; [`ipc`]) it is asked once per focus change, and the executable found from it.
//!
//! Privacy: the protocol shows every window's title to every client. Only the focused
//! window's is kept; the others are dropped at the `done` they came with ([`toplevels`]).
//!
//! This module also holds what every Wayland source needs to reach the compositor
//! ([`WaylandDisplay`]) and the cheap [`probe`] that sensor selection asks first.

mod display;
mod hyprland;
mod ipc;
mod probe;
mod sway;
mod toplevels;
mod watch;

pub(crate) use display::StopOnDrop;
pub use display::WaylandDisplay;
pub use ipc::CompositorIpc;
pub use probe::{probe, probe_display, WaylandGlobals};

use super::{FocusSource, SensorError, SensorKind, SensorOptions};
use crate::model::Window;
use std::fmt;
use tracing::instrument;
use wayland_client::globals::registry_queue_init;

/// A live view of the focused toplevel on a wlroots compositor.
pub struct WlrootsFocus {
    shared: watch::SharedState,
    detail: String,
    /// Ends the reading thread when the source is dropped.
    _stop: StopOnDrop,
}

impl fmt::Debug for WlrootsFocus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WlrootsFocus").field("detail", &self.detail).finish_non_exhaustive()
    }
}

impl WlrootsFocus {
    /// Connects to the compositor of this session (`WAYLAND_DISPLAY`), with its IPC found
    /// from `SWAYSOCK` or `HYPRLAND_INSTANCE_SIGNATURE`.
    ///
    /// [`SensorError::Unavailable`] when there is no Wayland session or its compositor does
    /// not answer; [`SensorError::NeedsSetup`] when the compositor lacks the protocol.
    pub fn connect(opts: &SensorOptions) -> Result<WlrootsFocus, SensorError> {
        WlrootsFocus::connect_to(&WaylandDisplay::from_env()?, CompositorIpc::from_env(), opts)
    }

    /// Connects to the compositor at `display`, asking `ipc` for pids and its name.
    #[instrument(level = "debug", skip_all, err(Display, level = "debug"))]
    pub fn connect_to(
        display: &WaylandDisplay,
        ipc: CompositorIpc,
        opts: &SensorOptions,
    ) -> Result<WlrootsFocus, SensorError> {
        let conn = display.connect()?;
        let unavailable = |e: &dyn fmt::Display| {
            SensorError::Unavailable(format!(
                "the Wayland compositor at {} did not answer: {e}",
                display.path().display()
            ))
        };
        let (globals, mut queue) = registry_queue_init::<watch::Watch>(&conn).map_err(|e| unavailable(&e))?;
        let offered =
            globals.contents().with_list(|list| list.iter().any(|g| g.interface == probe::FOREIGN_TOPLEVEL_MANAGER));
        if !offered {
            return Err(lacks_foreign_toplevel());
        }
        let detail = ipc.describe();
        let watch =
            watch::Watch::start(&conn, globals, &mut queue, ipc, opts.waker.clone()).map_err(SensorError::Lost)?;
        let shared = watch.shared();
        let (stop, flag) = StopOnDrop::new(conn.clone());
        std::thread::Builder::new()
            .name("mast-wlroots".into())
            .spawn(move || watch.run(queue, conn, flag))
            .map_err(|e| unavailable(&e))?;
        Ok(WlrootsFocus { shared, detail, _stop: stop })
    }
}

/// The words for a compositor without wlr-foreign-toplevel.
pub(crate) fn lacks_foreign_toplevel() -> SensorError {
    SensorError::NeedsSetup {
        problem: "this Wayland compositor does not tell other programs which window is in front \
                  (it lacks the wlr-foreign-toplevel-management protocol)"
            .into(),
        fix: "the wlroots sensor works on sway, Hyprland, labwc, wayfire, river and niri; on GNOME or \
              KDE Plasma, Mast watches through its GNOME Shell extension or KWin script instead \
              (sensor = \"gnome\" or \"kwin\")"
            .into(),
    }
}

impl FocusSource for WlrootsFocus {
    fn focused(&mut self) -> Result<Option<Window>, SensorError> {
        let shared = watch::lock(&self.shared);
        match &shared.lost {
            Some(why) => Err(SensorError::Lost(why.clone())),
            None => Ok(shared.window.clone()),
        }
    }

    fn kind(&self) -> SensorKind {
        SensorKind::Wlroots
    }

    fn detail(&self) -> String {
        self.detail.clone()
    }
}
