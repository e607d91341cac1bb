//! What a Wayland compositor offers, from one round trip of its registry: the cheap question
//! sensor selection asks before opening any source.

use super::display::WaylandDisplay;
use crate::sensor::SensorError;
use serde::Serialize;
use wayland_client::globals::{registry_queue_init, GlobalListContents};
use wayland_client::protocol::wl_registry;
use wayland_client::{Connection, Dispatch, QueueHandle};

pub(super) const FOREIGN_TOPLEVEL_MANAGER: &str = "zwlr_foreign_toplevel_manager_v1";
pub(crate) const EXT_IDLE_NOTIFIER: &str = "ext_idle_notifier_v1";
pub(crate) const KDE_KWIN_IDLE: &str = "org_kde_kwin_idle";
pub(crate) const SEAT: &str = "wl_seat";

/// The globals that matter to Mast's sensors, as a compositor advertised them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WaylandGlobals {
    /// `zwlr_foreign_toplevel_manager_v1`: the wlroots focus source can work.
    pub foreign_toplevel: bool,
    /// The version of `ext_idle_notifier_v1` (2 ignores idle inhibitors), if offered.
    pub ext_idle_notify: Option<u32>,
    /// `org_kde_kwin_idle` (older wlroots such as sway 1.7, KWin).
    pub kde_kwin_idle: bool,
    /// A `wl_seat`, which both idle protocols need.
    pub seat: bool,
}

impl WaylandGlobals {
    /// Whether [`crate::sensor::idle::WaylandIdle`] can work here.
    pub fn has_idle(&self) -> bool {
        self.seat && (self.ext_idle_notify.is_some() || self.kde_kwin_idle)
    }
}

/// [`probe_display`] for this session's compositor (`WAYLAND_DISPLAY`).
pub fn probe() -> Result<WaylandGlobals, SensorError> {
    probe_display(&WaylandDisplay::from_env()?)
}

/// Connects to `display`, reads its globals in one round trip, and hangs up.
/// [`SensorError::Unavailable`] when nothing answers there.
pub fn probe_display(display: &WaylandDisplay) -> Result<WaylandGlobals, SensorError> {
    let conn = display.connect()?;
    let (globals, _queue) = registry_queue_init::<Probe>(&conn).map_err(|e| {
        SensorError::Unavailable(format!("the Wayland compositor at {} did not answer: {e}", display.path().display()))
    })?;
    Ok(globals.contents().with_list(|list| {
        let mut found = WaylandGlobals::default();
        for g in list {
            match g.interface.as_str() {
                FOREIGN_TOPLEVEL_MANAGER => found.foreign_toplevel = true,
                EXT_IDLE_NOTIFIER => found.ext_idle_notify = Some(g.version),
                KDE_KWIN_IDLE => found.kde_kwin_idle = true,
                SEAT => found.seat = true,
                _ => {}
            }
        }
        found
    }))
}

struct Probe;

impl Dispatch<wl_registry::WlRegistry, GlobalListContents> for Probe {
    fn event(
        _: &mut Self,
        _: &wl_registry::WlRegistry,
        _: wl_registry::Event,
        _: &GlobalListContents,
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
    }
}
