//! [`MutterIdle`]: idle time from Mutter's `org.gnome.Mutter.IdleMonitor`, which GNOME Shell
//! (and plain Mutter) serves on the session bus. `GetIdletime` on the core monitor
//! (`/org/gnome/Mutter/IdleMonitor/Core`) is the milliseconds since the last input of any
//! device, kept by the compositor itself, so a poll is exact by construction: no events to
//! timestamp, no timeout to ask for. One call per poll, on the caller's thread.

use super::session_bus;
use crate::sensor::{IdleKind, IdleSource, SensorError, SensorOptions};
use tracing::instrument;
use zbus::proxy::CacheProperties;
use zbus::Proxy;

const NAME: &str = "org.gnome.Mutter.IdleMonitor";
const PATH: &str = "/org/gnome/Mutter/IdleMonitor/Core";

/// Idle time as Mutter counts it.
pub struct MutterIdle {
    proxy: Proxy<'static>,
}

impl MutterIdle {
    /// Connects on the session bus of this process.
    pub fn connect(opts: &SensorOptions) -> Result<Self, SensorError> {
        Self::connect_at(None, opts)
    }

    /// Connects on the session bus at `bus` (a D-Bus address), or this process's own, and
    /// checks that Mutter answers. The options are not needed: Mutter is asked at each poll.
    #[instrument(skip_all, err)]
    pub fn connect_at(bus: Option<&str>, _opts: &SensorOptions) -> Result<Self, SensorError> {
        zbus::block_on(async {
            let conn = session_bus(bus).await?;
            let proxy = zbus::proxy::Builder::new(&conn)
                .destination(NAME)
                .path(PATH)
                .interface(NAME)
                .cache_properties(CacheProperties::No)
                .build()
                .await
                .map_err(unavailable)?;
            let mut idle = MutterIdle { proxy };
            idle.ask().await.map_err(unavailable)?;
            Ok(idle)
        })
    }

    async fn ask(&mut self) -> zbus::Result<u64> {
        self.proxy.call::<_, _, u64>("GetIdletime", &()).await
    }
}

impl IdleSource for MutterIdle {
    fn idle_ms(&mut self) -> Result<u64, SensorError> {
        zbus::block_on(self.ask())
            .map_err(|e| SensorError::Lost(format!("Mutter's idle monitor stopped answering ({e})")))
    }

    fn kind(&self) -> IdleKind {
        IdleKind::MutterIdleMonitor
    }
}

fn unavailable(e: zbus::Error) -> SensorError {
    SensorError::Unavailable(format!("no Mutter idle monitor on the session bus ({e})"))
}
