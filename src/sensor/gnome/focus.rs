//! [`GnomeFocus`]: the window in front, as Mast's GNOME Shell extension reports it over
//! `app.mast.Shell1` (contract in `desktop/gnome/focus.js`).
//!
//! The extension pushes `FocusChanged` whenever the focus moves or the focused window's
//! title changes, so a poll costs no round trip: a thread of the source's own listens on
//! the bus (driven with `zbus::block_on`, no async runtime) and keeps the latest window,
//! and [`FocusSource::focused`] reads it. `Focused()` is called when listening starts and
//! whenever the extension's name changes hands, so nothing is missed between the two. Only
//! the focused window is kept, and only until the next change.

use super::listen::{lock, Stopper};
use super::{has_owner, probe, session_bus, shell_version, BUS_NAME, INTERFACE, OBJECT_PATH};
use crate::model::Window;
use crate::sensor::{FocusSource, SensorError, SensorKind, SensorOptions, Waker};
use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::thread::JoinHandle;
use tracing::{debug, instrument};
use zbus::export::futures_core::Stream;
use zbus::proxy::{CacheProperties, OwnerChangedStream, SignalStream};
use zbus::{Connection, Proxy};

/// The focused window according to Mast's GNOME Shell extension.
pub struct GnomeFocus {
    shared: Arc<Shared>,
    detail: String,
    listener: Option<JoinHandle<()>>,
    /// Kept so the bus stays open for as long as the source lives.
    _conn: Connection,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    /// Dropping the source ends the listener at once.
    stopper: Stopper,
}

#[derive(Default)]
struct State {
    window: Option<Window>,
    /// Why listening ended, once it has; every later poll reports it.
    lost: Option<String>,
}

/// What `Focused()` returns and `FocusChanged` carries: app id, title, pid.
type Report = (String, String, u32);

impl GnomeFocus {
    /// Connects on the session bus of this process.
    pub fn connect(opts: &SensorOptions) -> Result<Self, SensorError> {
        Self::connect_at(None, opts)
    }

    /// Connects on the session bus at `bus` (a D-Bus address), or this process's own.
    ///
    /// Without the extension on the bus, the error says what to do: [`SensorError::NeedsSetup`]
    /// when GNOME Shell is there (install, enable, or log in again, as [`probe`] finds),
    /// [`SensorError::Unavailable`] when it is not GNOME at all.
    #[instrument(skip_all, err)]
    pub fn connect_at(bus: Option<&str>, opts: &SensorOptions) -> Result<Self, SensorError> {
        let shared = Arc::new(Shared::default());
        let (conn, proxy, changes, owners, detail) = zbus::block_on(async {
            let conn = session_bus(bus).await?;
            if !has_owner(&conn, BUS_NAME).await.map_err(bus_error)? {
                return Err(probe::explain(&probe::probe_on(&conn, None).await));
            }
            let detail = match shell_version(&conn).await {
                Ok(v) => format!("GNOME Shell {v}"),
                Err(_) => "GNOME Shell".to_owned(),
            };
            let proxy: Proxy<'static> = zbus::proxy::Builder::new(&conn)
                .destination(BUS_NAME)
                .path(OBJECT_PATH)
                .interface(INTERFACE)
                .cache_properties(CacheProperties::No)
                .build()
                .await
                .map_err(bus_error)?;
            // Listening first, asking second: a change in between is then queued, not lost.
            let changes = proxy.receive_signal("FocusChanged").await.map_err(bus_error)?;
            let owners = proxy.receive_owner_changed().await.map_err(bus_error)?;
            let now = ask(&proxy).await.map_err(SensorError::Unavailable)?;
            lock(&shared.state).window = now;
            Ok((conn, proxy, changes, owners, detail))
        })?;
        let (for_listener, waker) = (Arc::clone(&shared), opts.waker.clone());
        let listener = std::thread::Builder::new()
            .name("mast-gnome-focus".to_owned())
            .spawn(move || {
                let why = zbus::block_on(listen(&proxy, changes, owners, &for_listener, &waker));
                if let Some(why) = why {
                    debug!("stopped listening to the GNOME Shell extension: {why}");
                    lock(&for_listener.state).lost = Some(why);
                    waker.wake();
                }
            })
            .map_err(|e| SensorError::Unavailable(format!("cannot start a thread to listen to GNOME Shell: {e}")))?;
        Ok(GnomeFocus { shared, detail, listener: Some(listener), _conn: conn })
    }
}

impl FocusSource for GnomeFocus {
    fn focused(&mut self) -> Result<Option<Window>, SensorError> {
        let state = lock(&self.shared.state);
        if let Some(why) = &state.lost {
            return Err(SensorError::Lost(why.clone()));
        }
        Ok(state.window.clone())
    }

    fn kind(&self) -> SensorKind {
        SensorKind::Gnome
    }

    fn detail(&self) -> String {
        self.detail.clone()
    }
}

impl Drop for GnomeFocus {
    fn drop(&mut self) {
        self.shared.stopper.stop();
        if let Some(listener) = self.listener.take() {
            let _ = listener.join();
        }
    }
}

enum Event {
    Changed(zbus::Message),
    /// The extension's name has a new owner (`Some`) or none (`None`).
    Owner(Option<zbus::names::UniqueName<'static>>),
    Closed,
    Stop,
}

/// Follows the extension until the bus closes or the extension leaves (returning why) or
/// the source is dropped (returning `None`).
async fn listen(
    proxy: &Proxy<'static>,
    mut changes: SignalStream<'static>,
    mut owners: OwnerChangedStream<'static>,
    shared: &Shared,
    waker: &Waker,
) -> Option<String> {
    loop {
        let event = poll_fn(|cx| {
            if shared.stopper.stopped(cx) {
                return Poll::Ready(Event::Stop);
            }
            if let Poll::Ready(m) = Pin::new(&mut changes).poll_next(cx) {
                return Poll::Ready(m.map_or(Event::Closed, Event::Changed));
            }
            if let Poll::Ready(o) = Pin::new(&mut owners).poll_next(cx) {
                return Poll::Ready(o.map_or(Event::Closed, Event::Owner));
            }
            Poll::Pending
        })
        .await;
        let now = match event {
            Event::Stop => return None,
            Event::Closed => return Some("the D-Bus session bus closed".to_owned()),
            Event::Owner(None) => {
                return Some(
                    "Mast's GNOME Shell extension left the session bus (it was disabled, or GNOME Shell restarted)"
                        .to_owned(),
                )
            }
            Event::Owner(Some(_)) => match ask(proxy).await {
                Ok(now) => now,
                Err(why) => return Some(why),
            },
            Event::Changed(m) => match m.body().deserialize::<Report>() {
                Ok(r) => window(r),
                Err(e) => {
                    debug!("ignored a FocusChanged signal that does not fit app.mast.Shell1: {e}");
                    continue;
                }
            },
        };
        lock(&shared.state).window = now;
        waker.wake();
    }
}

/// Asks the extension for the focused window.
async fn ask(proxy: &Proxy<'static>) -> Result<Option<Window>, String> {
    match proxy.call::<_, _, Report>("Focused", &()).await {
        Ok(r) => Ok(window(r)),
        Err(e) => Err(format!("Mast's GNOME Shell extension did not answer ({e})")),
    }
}

/// A report as a [`Window`]; `None` for the extension's "nothing has the focus".
fn window((app, title, pid): Report) -> Option<Window> {
    if app.is_empty() && title.is_empty() && pid == 0 {
        return None;
    }
    // The extension cuts titles too, but in UTF-16 units and more loosely; this is the cut
    // every sensor makes.
    let title = cap_chars(title, crate::sensor::x11::MAX_TITLE_CHARS);
    // Mutter knows a Wayland client's pid from its socket, so it is always local. A report
    // comes once per focus change: the executable is read afresh, without a cache.
    let pid = (pid != 0).then_some(pid);
    Some(Window { app, exe: pid.and_then(crate::sensor::process::exe_name), title, url: None, pid })
}

/// Cuts `s` to at most `max` characters, on a character boundary.
fn cap_chars(mut s: String, max: usize) -> String {
    if let Some((end, _)) = s.char_indices().nth(max) {
        s.truncate(end);
    }
    s
}

fn bus_error(e: zbus::Error) -> SensorError {
    SensorError::Unavailable(format!("cannot talk to GNOME Shell over D-Bus ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_become_windows() {
        assert_eq!(window((String::new(), String::new(), 0)), None);
        let w = window(("org.gnome.Terminal".into(), "~".into(), 42)).unwrap();
        assert_eq!((w.app.as_str(), w.title.as_str(), w.pid), ("org.gnome.Terminal", "~", Some(42)));
        // A window whose client gave no pid (X11 without _NET_WM_PID) still counts.
        assert_eq!(window(("xterm".into(), "x".into(), 0)).unwrap().pid, None);
    }

    #[test]
    fn titles_are_capped_like_every_sensor_caps_them() {
        let max = crate::sensor::x11::MAX_TITLE_CHARS;
        let w = window(("a".into(), "é".repeat(max + 5), 1)).unwrap();
        assert_eq!(w.title.chars().count(), max);
    }
}
