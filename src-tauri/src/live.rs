//! Keeping what the app shows current: one thread that hears of every change to the data
//! shown and tells the front end (the `mast://data-changed` event, which the UI turns into
//! its `DATA_CHANGED` window event) and the tray. Changes come from the app's own tracker
//! (after each commit, through [`mast::track::session::Session::on_write`]), from the
//! tracking state (pause, resume, the demo switched), and from other processes — a `mast
//! track` that tracks while the app only reads, or a `mast` command — which the thread
//! notices by the store's `data_version` once a second. The demo, shown for a long time,
//! is topped up to the present now and then so that it keeps running up to now.

use crate::state::{now, AppState};
use crate::tracking::Notify;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter, Manager};

/// The one event the front end listens to (ui/src/lib/ipc/tauri.ts).
pub const DATA_CHANGED: &str = "mast://data-changed";
/// How often another process's writes are looked for: well inside DESIGN.md's 2 s from a
/// flush to the Today view.
const POLL: Duration = Duration::from_secs(1);
/// How often a demo left open is brought up to the present.
const DEMO_EVERY: Duration = Duration::from_secs(60);

/// Tells the live thread that something changed; cheap, from any thread.
pub struct Live(Sender<()>);

impl Live {
    pub fn notify(&self) {
        let _ = self.0.send(());
    }

    /// The same, as a [`Notify`] to hand to the tracker.
    pub fn notifier(&self) -> Notify {
        let tx = std::sync::Mutex::new(self.0.clone());
        Arc::new(move || {
            let _ = tx.lock().map(|tx| tx.send(()));
        })
    }
}

/// Starts the live thread and manages its [`Live`] handle; the tracker's writes are
/// wired to it.
pub fn start(app: &AppHandle) {
    let (tx, rx) = mpsc::channel();
    let live = Live(tx);
    app.state::<AppState>().tracking.on_write(live.notifier());
    app.manage(live);
    let app = app.clone();
    if let Err(e) = std::thread::Builder::new().name("live".into()).spawn(move || run(&app, &rx)) {
        tracing::error!("cannot start the thread that keeps the views current: {e}; they refresh on navigation only");
    }
}

fn run(app: &AppHandle, changes: &Receiver<()>) {
    let mut seen: Option<i64> = None;
    let mut demo_topped = Instant::now();
    loop {
        let changed = match changes.recv_timeout(POLL) {
            Ok(()) => {
                // A burst (a switch and a flush, a pause from the tray) is one refresh.
                while changes.try_recv().is_ok() {}
                true
            }
            Err(RecvTimeoutError::Timeout) => {
                let state = app.state::<AppState>();
                let demo_due = state.data().demo && demo_topped.elapsed() >= DEMO_EVERY;
                if demo_due {
                    demo_topped = Instant::now();
                }
                (demo_due && top_up_demo(&state)) || version(&state).is_some_and(|v| seen.is_some_and(|s| s != v))
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let state = app.state::<AppState>();
        if changed {
            if let Err(e) = app.emit(DATA_CHANGED, ()) {
                tracing::warn!("cannot tell the window that the data changed: {e}");
            }
            crate::tray::refresh(app);
        }
        // What the reader sees now, this change included: only later commits count next.
        seen = version(&state);
    }
}

/// The reader's `data_version`, `None` while the store cannot be read.
fn version(state: &AppState) -> Option<i64> {
    state.read(|store, _| store.data_version()).ok()
}

/// Brings the demo shown up to now; whether anything was added.
fn top_up_demo(state: &AppState) -> bool {
    let d = state.data();
    let now = now();
    match mast::demo_data::bring_up_to(
        &d.paths,
        &d.classifier(),
        d.settings.day_start_hour,
        crate::DEMO_DAYS,
        now.ms,
        now.utc_offset_min,
    ) {
        Ok(n) => n > 0,
        Err(e) => {
            tracing::warn!("cannot bring the demo up to now: {e}");
            false
        }
    }
}
