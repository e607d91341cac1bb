//! The KDE Plasma focus source: which window KWin has active, as told by Mast's KWin script.
//!
//! No Wayland protocol gives an ordinary client the active window on KWin
//! (`org_kde_plasma_window_management` is reserved to privileged clients), so Mast loads its
//! own script (`desktop/kwin/contents/code/main.js`) into the running KWin over D-Bus, and the
//! script calls back on the session bus whenever the active window or its caption changes.
//! This module owns that conversation: it takes the well-known name [`BUS_NAME`], serves the
//! object the script calls ([`OBJECT_PATH`], interface [`INTERFACE`]), loads and runs the
//! script through `org.kde.KWin /Scripting`, keeps the last report, and unloads the script when
//! the source is dropped. It does not do idle time: on KWin that comes from the Wayland idle
//! protocols, which KWin serves to any client.
//!
//! Everything on the bus happens on one thread of the source's own, inside one
//! `zbus::block_on`; [`KwinFocus::focused`] only reads what the last report left, so a poll
//! costs a lock and a clone, and a steady desktop costs nothing at all.

mod report;
mod script_file;
mod scripting;
mod session;

use super::{FocusSource, SensorError, SensorKind, SensorOptions};
use crate::model::Window;
use report::Shared;
use session::Session;
use std::sync::Arc;
use std::time::Duration;
use tracing::{debug, instrument};

pub use script_file::{script_path, SCRIPT_ENV};

/// The name Mast owns on the session bus while it follows KWin; the script calls it. One
/// Mast per session can hold it: a second one is told so ([`SensorError::NeedsSetup`]).
pub const BUS_NAME: &str = "app.mast.KWin";
/// The object the script calls, and its interface. The methods carry their version in the
/// name (`ActiveWindowV1`, `NoActiveWindowV1`); see `desktop/kwin/contents/code/main.js`.
pub const OBJECT_PATH: &str = "/app/mast/KWin";
pub const INTERFACE: &str = "app.mast.KWin";
/// The plugin name the script is loaded under: how KWin knows it, `isScriptLoaded` asks for
/// it and `unloadScript` removes it.
pub const PLUGIN_NAME: &str = "mast-focus";

/// How long the script has, once KWin ran it, to send its first report. It reports at once
/// (KWin answers `run` only after evaluating it), so this only bounds a script that fails.
const FIRST_REPORT: Duration = Duration::from_secs(3);

/// A running conversation with KWin: the script loaded, its reports arriving.
pub struct KwinFocus {
    shared: Arc<Shared>,
    detail: String,
    /// Stops the bus thread (which unloads the script) when dropped.
    _session: Session,
}

impl std::fmt::Debug for KwinFocus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the window: titles stay out of logs.
        f.debug_struct("KwinFocus").field("detail", &self.detail).finish_non_exhaustive()
    }
}

impl KwinFocus {
    /// Connects to the session bus (`DBUS_SESSION_BUS_ADDRESS`), loads Mast's script into KWin
    /// and waits for its first report.
    pub fn connect(opts: &SensorOptions) -> Result<KwinFocus, SensorError> {
        KwinFocus::connect_to(opts, None)
    }

    /// [`Self::connect`] on the bus at `bus_address` (a D-Bus address such as
    /// `unix:path=/run/user/1000/bus`), or the session bus when `None`. Tests use it to talk
    /// to a private bus without touching the process environment.
    #[instrument(skip_all, err)]
    pub fn connect_to(opts: &SensorOptions, bus_address: Option<&str>) -> Result<KwinFocus, SensorError> {
        let script = script_path()?;
        let shared = Arc::new(Shared::default());
        let (session, detail) = Session::start(bus_address, script, shared.clone(), opts.waker.clone())?;
        // From here on, returning drops `session`, which unloads the script.
        let source = KwinFocus { shared, detail, _session: session };
        if !source.shared.wait_for_first_report(FIRST_REPORT) {
            return Err(SensorError::Unavailable(format!(
                "{} ran Mast's script but it never reported the active window; this KWin's \
                 scripting API may differ from the ones Mast knows (Plasma 5.27 and 6)",
                source.detail
            )));
        }
        debug!(detail = %source.detail, "following KWin");
        Ok(source)
    }
}

impl FocusSource for KwinFocus {
    fn focused(&mut self) -> Result<Option<Window>, SensorError> {
        self.shared.current()
    }

    fn kind(&self) -> SensorKind {
        SensorKind::Kwin
    }

    /// `"KWin 5.27.5"`, or `"KWin"` when KWin did not say its version.
    fn detail(&self) -> String {
        self.detail.clone()
    }
}

/// Whether Mast could follow KWin on the session bus: `org.kde.KWin` is there and serves
/// `/Scripting`. Cheap (two short calls, no name taken, nothing loaded), for choosing a
/// sensor; [`KwinFocus::connect`] can still fail after it, for reasons it gives.
pub fn probe() -> Result<(), SensorError> {
    probe_bus(None)
}

/// [`probe`] on the bus at `bus_address`, or the session bus when `None`.
#[instrument(skip_all, err)]
pub fn probe_bus(bus_address: Option<&str>) -> Result<(), SensorError> {
    let address = bus_address.map(str::to_owned);
    // Its own thread: the caller may be inside another runtime's task (the desktop app), where
    // `zbus::block_on` must not run.
    std::thread::Builder::new()
        .name("mast-kwin-probe".into())
        .spawn(move || zbus::block_on(session::probe(address.as_deref())))
        .map_err(|e| SensorError::Unavailable(format!("cannot start a thread for D-Bus: {e}")))?
        .join()
        .map_err(|_| SensorError::Unavailable("the D-Bus probe of KWin failed".into()))?
}
