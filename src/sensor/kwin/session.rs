//! The bus thread: connects, takes [`BUS_NAME`], serves the receiver, loads and runs the
//! script, then waits — for the source to be dropped, or for KWin to leave the bus — and
//! unloads the script on the way out, on every path that loaded it.
//!
//! All of it is one future under `zbus::block_on` on a thread of its own, so the connection's
//! work (reading the script's calls, answering them) runs there and nowhere else, and the
//! thread sleeps in the kernel while nothing happens.

use super::report::{Receiver, Shared};
use super::scripting::{self, KWIN};
use super::{BUS_NAME, OBJECT_PATH, PLUGIN_NAME};
use crate::sensor::{SensorError, Waker};
use std::future::{poll_fn, Future};
use std::path::PathBuf;
use std::pin::pin;
use std::sync::{mpsc, Arc, Mutex};
use std::task::Poll;
use std::thread::JoinHandle;
use std::time::Duration;
use tracing::{debug, warn};
use zbus::fdo::{DBusProxy, NameOwnerChangedStream, RequestNameFlags, RequestNameReply};
use zbus::names::BusName;
use zbus::Connection;

/// Every call to KWin or the bus answers within this, or counts as failed: a hung KWin must
/// not hang Mast's start or its exit.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);
/// How long `connect` waits for the whole setup (a handful of calls).
const SETUP_TIMEOUT: Duration = Duration::from_secs(20);

/// The running bus thread; dropping it stops the thread, which unloads the script.
pub(super) struct Session {
    stop: Stop,
    thread: Option<JoinHandle<()>>,
}

impl Session {
    /// Starts the thread and waits until the script runs; the version detail on success.
    pub(super) fn start(
        bus_address: Option<&str>,
        script: PathBuf,
        shared: Arc<Shared>,
        waker: Waker,
    ) -> Result<(Session, String), SensorError> {
        let stop = Stop::default();
        let (ready_tx, ready_rx) = mpsc::channel();
        let address = bus_address.map(str::to_owned);
        let thread_stop = stop.clone();
        let thread = std::thread::Builder::new()
            .name("mast-kwin".into())
            .spawn(move || {
                zbus::block_on(run(address, script, shared, waker, thread_stop, ready_tx));
            })
            .map_err(|e| SensorError::Unavailable(format!("cannot start a thread for D-Bus: {e}")))?;
        let session = Session { stop, thread: Some(thread) };
        match ready_rx.recv_timeout(SETUP_TIMEOUT) {
            Ok(Ok(detail)) => Ok((session, detail)),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(SensorError::Unavailable("KWin did not answer Mast's D-Bus calls in time".into())),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop.stop();
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                warn!("the KWin bus thread panicked");
            }
        }
    }
}

async fn run(
    address: Option<String>,
    script: PathBuf,
    shared: Arc<Shared>,
    waker: Waker,
    stop: Stop,
    ready: mpsc::Sender<Result<String, SensorError>>,
) {
    let conn = match connect(address.as_deref()).await {
        Ok(conn) => conn,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let mut loaded = false;
    match setup(&conn, &script, shared.clone(), waker.clone(), &mut loaded).await {
        Ok((detail, changes)) => {
            let _ = ready.send(Ok(detail));
            let gone = kwin_gone(changes);
            let stopped = stop.stopped();
            let (mut gone, mut stopped) = (pin!(gone), pin!(stopped));
            let lost = poll_fn(|cx| {
                if stopped.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(None);
                }
                gone.as_mut().poll(cx).map(Some)
            })
            .await;
            if let Some(why) = lost {
                debug!("{why}");
                shared.set_lost(why);
                waker.wake();
                // KWin's script died with it; nothing left to unload. The name goes now, not
                // at drop, so that a reconnect made before this source is dropped can take it.
                loaded = false;
                let _ = conn.release_name(BUS_NAME).await;
                stop.stopped().await;
            }
        }
        Err(e) => {
            let _ = ready.send(Err(e));
        }
    }
    if loaded {
        match scripting::unload(&conn, PLUGIN_NAME).await {
            Ok(true) => debug!("unloaded Mast's KWin script"),
            Ok(false) => debug!("Mast's KWin script was gone already"),
            Err(e) => warn!("could not unload Mast's KWin script: {e}"),
        }
    }
}

async fn connect(address: Option<&str>) -> Result<Connection, SensorError> {
    let builder = match address {
        Some(address) => zbus::connection::Builder::address(address),
        None => zbus::connection::Builder::session(),
    };
    builder
        .method_timeout(CALL_TIMEOUT)
        .build()
        .await
        .map_err(|e| SensorError::Unavailable(format!("cannot connect to the D-Bus session bus: {e}")))
}

/// KWin present, our name taken, the receiver served, the script running. Sets `loaded` once
/// KWin holds the script, so the caller unloads it whatever fails after.
async fn setup(
    conn: &Connection,
    script: &std::path::Path,
    shared: Arc<Shared>,
    waker: Waker,
    loaded: &mut bool,
) -> Result<(String, NameOwnerChangedStream), SensorError> {
    let dbus = DBusProxy::new(conn).await.map_err(bus_failed)?;
    // Watching first, asking second: KWin leaving in between is then seen, not missed.
    let changes = dbus.receive_name_owner_changed_with_args(&[(0, KWIN)]).await.map_err(bus_failed)?;
    let kwin = kwin_owner(&dbus).await?;
    let detail = match scripting::version(conn).await {
        Some(version) => format!("KWin {version}"),
        None => "KWin".to_owned(),
    };
    // Serve before taking the name: a call can arrive the moment the name is ours.
    conn.object_server().at(OBJECT_PATH, Receiver { shared, waker, kwin }).await.map_err(bus_failed)?;
    match conn.request_name_with_flags(BUS_NAME, RequestNameFlags::DO_NOT_QUEUE).await {
        Ok(RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner) => {}
        Ok(_) | Err(zbus::Error::NameTaken) => {
            return Err(SensorError::NeedsSetup {
                problem: format!(
                    "another Mast is already following KWin in this session (it holds the D-Bus name {BUS_NAME})"
                ),
                fix: "quit the other `mast track` or Mast app first".into(),
            })
        }
        Err(e) => return Err(bus_failed(e)),
    }
    // We hold the name, so no other Mast is running: a script of ours still loaded was left by
    // one that crashed, and would make KWin refuse to load this one.
    if scripting::is_loaded(conn, PLUGIN_NAME).await.map_err(bus_failed)? {
        debug!("unloading a script a previous Mast left in KWin");
        scripting::unload(conn, PLUGIN_NAME).await.map_err(bus_failed)?;
    }
    *loaded = true;
    scripting::load_and_run(conn, script, PLUGIN_NAME).await?;
    Ok((detail, changes))
}

/// KWin's unique name, or the plain reason it is not there.
async fn kwin_owner(dbus: &DBusProxy<'_>) -> Result<zbus::names::OwnedUniqueName, SensorError> {
    let name = BusName::from_static_str(KWIN).map_err(bus_failed)?;
    match dbus.get_name_owner(name).await {
        Ok(owner) => Ok(owner),
        Err(zbus::fdo::Error::NameHasNoOwner(_)) => Err(not_running()),
        Err(e) => Err(SensorError::Unavailable(format!("cannot ask the session bus about KWin: {e}"))),
    }
}

fn not_running() -> SensorError {
    SensorError::Unavailable(
        "KWin is not running on this session bus (no org.kde.KWin), so this is not a KDE Plasma \
         session Mast can follow"
            .into(),
    )
}

/// Resolves when KWin's name changes hands or disappears, or the bus connection ends.
async fn kwin_gone(mut changes: NameOwnerChangedStream) -> String {
    use zbus::export::futures_core::Stream;
    loop {
        match poll_fn(|cx| std::pin::Pin::new(&mut changes).poll_next(cx)).await {
            Some(change) => match change.args() {
                Ok(args) if args.name().as_str() == KWIN => {
                    return "KWin left the session bus (it quit or restarted)".into();
                }
                _ => continue,
            },
            None => return "the D-Bus session bus connection closed".into(),
        }
    }
}

fn bus_failed(e: impl std::fmt::Display) -> SensorError {
    SensorError::Unavailable(format!("a D-Bus call to KWin failed: {e}"))
}

/// Whether Mast could follow KWin on the bus at `address` (see [`super::probe`]).
pub(super) async fn probe(address: Option<&str>) -> Result<(), SensorError> {
    let conn = connect(address).await?;
    let dbus = DBusProxy::new(&conn).await.map_err(bus_failed)?;
    kwin_owner(&dbus).await?;
    scripting::is_loaded(&conn, PLUGIN_NAME).await.map(|_| ()).map_err(|e| {
        SensorError::Unavailable(format!("KWin runs but does not offer scripting on D-Bus (/Scripting): {e}"))
    })
}

/// A one-shot "stop" that a blocking thread sets and an async task awaits.
#[derive(Clone, Default)]
struct Stop(Arc<Mutex<StopState>>);

#[derive(Default)]
struct StopState {
    stopped: bool,
    waker: Option<std::task::Waker>,
}

impl Stop {
    fn stop(&self) {
        let mut state = self.0.lock().unwrap_or_else(|p| p.into_inner());
        state.stopped = true;
        if let Some(w) = state.waker.take() {
            w.wake();
        }
    }

    fn stopped(&self) -> impl Future<Output = ()> + '_ {
        poll_fn(move |cx| {
            let mut state = self.0.lock().unwrap_or_else(|p| p.into_inner());
            if state.stopped {
                Poll::Ready(())
            } else {
                state.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        })
    }
}
