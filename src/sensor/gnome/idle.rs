//! [`MutterIdle`]: idle time from Mutter's `org.gnome.Mutter.IdleMonitor`, which GNOME Shell
//! (and plain Mutter) serves on the session bus. `GetIdletime` on the core monitor
//! (`/org/gnome/Mutter/IdleMonitor/Core`) is the milliseconds since the last input of any
//! device, kept by the compositor itself, so a reading is exact by construction.
//!
//! Asking once a second costs a bus round trip that wakes three threads each time, which
//! is most of what watching GNOME costs. So with an AFK threshold Mutter is asked to say
//! when it matters instead: an idle watch fires when idle time reaches the threshold
//! (`AddIdleWatch`), a user-active watch at the next input after that
//! (`AddUserActiveWatch`). At the first, `GetIdletime` fixes the moment input stopped,
//! exactly; from then until the second a poll reports the time since that moment, and
//! otherwise 0 (below the threshold, which is all the tracker asks). Both wake the
//! tracker. Without a threshold every poll asks.

use super::listen::{lock, Stopper};
use super::session_bus;
use crate::sensor::{IdleKind, IdleSource, SensorError, SensorOptions, Waker};
use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tracing::{debug, instrument};
use zbus::export::futures_core::Stream;
use zbus::proxy::{CacheProperties, OwnerChangedStream, SignalStream};
use zbus::Proxy;

const NAME: &str = "org.gnome.Mutter.IdleMonitor";
const PATH: &str = "/org/gnome/Mutter/IdleMonitor/Core";

/// Idle time as Mutter counts it.
pub struct MutterIdle {
    proxy: Proxy<'static>,
    /// With an AFK threshold: what Mutter's watches said last, and their listener.
    watched: Option<(Arc<Shared>, JoinHandle<()>)>,
}

struct Shared {
    state: Mutex<State>,
    stopper: Stopper,
}

enum State {
    /// Input came after the threshold was last reached.
    Active,
    /// No input since this moment, and for at least the threshold.
    IdleSince(Instant),
    Lost(String),
}

impl MutterIdle {
    /// Connects on the session bus of this process.
    pub fn connect(opts: &SensorOptions) -> Result<Self, SensorError> {
        Self::connect_at(None, opts)
    }

    /// Connects on the session bus at `bus` (a D-Bus address), or this process's own, and
    /// checks that Mutter answers; with `opts.afk_threshold_ms`, sets up the watches.
    #[instrument(skip_all, err)]
    pub fn connect_at(bus: Option<&str>, opts: &SensorOptions) -> Result<Self, SensorError> {
        let (proxy, watches) = zbus::block_on(async {
            let conn = session_bus(bus).await?;
            let proxy: Proxy<'static> = zbus::proxy::Builder::new(&conn)
                .destination(NAME)
                .path(PATH)
                .interface(NAME)
                .cache_properties(CacheProperties::No)
                .build()
                .await
                .map_err(unavailable)?;
            let idle_ms = idletime(&proxy).await.map_err(unavailable)?;
            if opts.afk_threshold_ms == 0 {
                return Ok((proxy, None));
            }
            // Listening first, then the watch: a watch that fires at once is not missed.
            let fired = proxy.receive_signal("WatchFired").await.map_err(unavailable)?;
            let owners = proxy.receive_owner_changed().await.map_err(unavailable)?;
            let idle_watch: u32 = proxy.call("AddIdleWatch", &(opts.afk_threshold_ms,)).await.map_err(unavailable)?;
            let mut watch = Watch { idle_watch, active_watch: None };
            let state = if idle_ms >= opts.afk_threshold_ms {
                watch.idled(&proxy, idle_ms).await.map_err(unavailable)?
            } else {
                State::Active
            };
            Ok((proxy, Some((watch, state, fired, owners))))
        })?;
        let Some((watch, state, fired, owners)) = watches else {
            return Ok(MutterIdle { proxy, watched: None });
        };
        let shared = Arc::new(Shared { state: Mutex::new(state), stopper: Stopper::default() });
        let (for_listener, waker, listener_proxy) = (Arc::clone(&shared), opts.waker.clone(), proxy.clone());
        let listener = std::thread::Builder::new()
            .name("mast-mutter-idle".to_owned())
            .spawn(move || {
                let why = zbus::block_on(listen(&listener_proxy, watch, fired, owners, &for_listener, &waker));
                if let Some(why) = why {
                    debug!("stopped listening to Mutter's idle monitor: {why}");
                    *lock(&for_listener.state) = State::Lost(why);
                    waker.wake();
                }
            })
            .map_err(|e| SensorError::Unavailable(format!("cannot start a thread to listen to Mutter: {e}")))?;
        Ok(MutterIdle { proxy, watched: Some((shared, listener)) })
    }
}

impl IdleSource for MutterIdle {
    fn idle_ms(&mut self) -> Result<u64, SensorError> {
        let Some((shared, _)) = &self.watched else {
            return zbus::block_on(idletime(&self.proxy)).map_err(lost);
        };
        match &*lock(&shared.state) {
            State::Active => Ok(0),
            State::IdleSince(t) => Ok(u64::try_from(t.elapsed().as_millis()).unwrap_or(u64::MAX)),
            State::Lost(why) => Err(SensorError::Lost(why.clone())),
        }
    }

    fn kind(&self) -> IdleKind {
        IdleKind::MutterIdleMonitor
    }
}

impl Drop for MutterIdle {
    fn drop(&mut self) {
        if let Some((shared, listener)) = self.watched.take() {
            shared.stopper.stop();
            let _ = listener.join();
        }
    }
}

/// The ids of the watches set.
struct Watch {
    idle_watch: u32,
    active_watch: Option<u32>,
}

impl Watch {
    /// The idle watch fired (or the user was idle at connect) and Mutter says `idle_ms`:
    /// the state from now on, with a watch set for the user's return.
    async fn idled(&mut self, proxy: &Proxy<'static>, idle_ms: u64) -> zbus::Result<State> {
        let now = Instant::now();
        self.active_watch = Some(proxy.call("AddUserActiveWatch", &()).await?);
        // Input between the reading and the new watch would not fire it: look again.
        if idletime(proxy).await? < idle_ms {
            return Ok(State::Active);
        }
        Ok(State::IdleSince(now.checked_sub(Duration::from_millis(idle_ms)).unwrap_or(now)))
    }
}

enum Event {
    Fired(zbus::Message),
    Gone,
    Stop,
}

/// Follows Mutter's watches until the bus closes or Mutter leaves (returning why) or the
/// source is dropped (returning `None`).
async fn listen(
    proxy: &Proxy<'static>,
    mut watch: Watch,
    mut fired: SignalStream<'static>,
    mut owners: OwnerChangedStream<'static>,
    shared: &Shared,
    waker: &Waker,
) -> Option<String> {
    loop {
        let event = poll_fn(|cx| {
            if shared.stopper.stopped(cx) {
                return Poll::Ready(Event::Stop);
            }
            if let Poll::Ready(m) = Pin::new(&mut fired).poll_next(cx) {
                return Poll::Ready(m.map_or(Event::Gone, Event::Fired));
            }
            // Any change of owner loses the watches, which belong to the old one.
            if Pin::new(&mut owners).poll_next(cx).is_ready() {
                return Poll::Ready(Event::Gone);
            }
            Poll::Pending
        })
        .await;
        let id = match event {
            Event::Stop => return None,
            Event::Gone => return Some("Mutter's idle monitor left the session bus".to_owned()),
            Event::Fired(m) => match m.body().deserialize::<u32>() {
                Ok(id) => id,
                Err(e) => {
                    debug!("ignored a WatchFired signal of another shape: {e}");
                    continue;
                }
            },
        };
        let state = if id == watch.idle_watch {
            let result = match idletime(proxy).await {
                Ok(idle_ms) => watch.idled(proxy, idle_ms).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(state) => state,
                Err(e) => return Some(format!("Mutter's idle monitor stopped answering ({e})")),
            }
        } else if watch.active_watch == Some(id) {
            // A user-active watch fires once and is gone.
            watch.active_watch = None;
            State::Active
        } else {
            continue;
        };
        *lock(&shared.state) = state;
        waker.wake();
    }
}

async fn idletime(proxy: &Proxy<'static>) -> zbus::Result<u64> {
    proxy.call::<_, _, u64>("GetIdletime", &()).await
}

fn lost(e: zbus::Error) -> SensorError {
    SensorError::Lost(format!("Mutter's idle monitor stopped answering ({e})"))
}

fn unavailable(e: zbus::Error) -> SensorError {
    SensorError::Unavailable(format!("no Mutter idle monitor on the session bus ({e})"))
}
