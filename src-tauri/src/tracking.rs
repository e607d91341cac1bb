//! The app's tracker: one core tracking session ([`mast::track::session`]) on a background
//! thread, started, paused, resumed and stopped from commands, the tray and the app's
//! timer. When a `mast track` already holds the data dir the app only reads (`External`)
//! and tries again later; pausing and quitting stop the thread, which saves everything.

use mast::classify::Rules;
use mast::model::Millis;
use mast::paths::Paths;
use mast::settings::Settings;
use mast::track::session::Session;
use mast::track::state::SensorState;
use mast::track::Summary;
use mast::views::{TrackingMode, TrackingState};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

/// The tracker's state; every method is quick except those that stop a running session
/// (they wait for its last write, a few milliseconds).
pub struct Tracking {
    inner: Mutex<Inner>,
}

struct Inner {
    /// `None` when the app shows the demo from its command line: the demo is never tracked.
    paths: Option<Paths>,
    settings: Settings,
    rules: Rules,
    mode: TrackingMode,
    paused_until: Option<Millis>,
    message: Option<String>,
    running: Option<Running>,
    /// Told after each commit of the session's spans, on the tracker's thread.
    on_write: Option<Notify>,
}

/// A quick, thread-safe "something changed" (it only sends on a channel).
pub type Notify = Arc<dyn Fn() + Send + Sync>;

struct Running {
    stop: Sender<()>,
    thread: JoinHandle<mast::Result<Summary>>,
}

impl Tracking {
    pub fn new(paths: Option<Paths>, settings: Settings, rules: Rules) -> Tracking {
        Tracking {
            inner: Mutex::new(Inner {
                paths,
                settings,
                rules,
                mode: TrackingMode::Stopped,
                paused_until: None,
                message: None,
                running: None,
                on_write: None,
            }),
        }
    }

    /// Calls `f` after each commit of spans of every session started from now on.
    pub fn on_write(&self, f: Notify) {
        self.lock().on_write = Some(f);
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind; carry on with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn state(&self) -> TrackingState {
        self.lock().state()
    }

    /// Starts tracking unless it runs already.
    pub fn start(&self) -> TrackingState {
        let mut inner = self.lock();
        inner.start();
        inner.state()
    }

    /// Stops tracking (saving everything) until `until`.
    pub fn pause(&self, until: Millis) -> TrackingState {
        let mut inner = self.lock();
        if inner.paths.is_none() {
            return inner.state();
        }
        inner.stop();
        inner.mode = TrackingMode::Paused;
        inner.paused_until = Some(until);
        inner.message = None;
        inner.state()
    }

    /// Ends a pause (or retries after an error or another tracker) now.
    pub fn resume(&self) -> TrackingState {
        self.start()
    }

    /// Called by the app's timer: ends a pause that is over, retries when another tracker
    /// held the data dir (`retry_external`), and notices a session that ended by itself.
    pub fn tick(&self, now: Millis, retry_external: bool) {
        let mut inner = self.lock();
        match inner.mode {
            TrackingMode::Paused if inner.paused_until.is_none_or(|t| now >= t) => inner.start(),
            TrackingMode::External if retry_external => inner.start(),
            TrackingMode::Tracking if inner.running.as_ref().is_some_and(|r| r.thread.is_finished()) => {
                inner.stop();
                inner.mode = TrackingMode::Stopped;
            }
            _ => {}
        }
    }

    /// New settings or rules: a running session restarts with them (poll interval and
    /// thresholds are read only at the start).
    pub fn reconfigure(&self, settings: Settings, rules: Rules) {
        let mut inner = self.lock();
        inner.settings = settings;
        inner.rules = rules;
        if inner.mode == TrackingMode::Tracking {
            inner.stop();
            inner.start();
        }
    }

    /// Stops tracking for good and waits for the last write: on quit.
    pub fn shutdown(&self) {
        let mut inner = self.lock();
        inner.stop();
        inner.mode = TrackingMode::Stopped;
        inner.message = Some("Mast is quitting".into());
    }
}

impl Inner {
    fn state(&self) -> TrackingState {
        TrackingState {
            mode: self.mode,
            paused_until_ms: if self.mode == TrackingMode::Paused { self.paused_until } else { None },
            message: self.message.clone(),
            demo: false,
            sensor: match (self.mode, &self.paths) {
                (TrackingMode::Tracking | TrackingMode::External, Some(paths)) => SensorState::read(paths),
                _ => None,
            },
            tray: true,
            gnome: false,
        }
    }

    fn start(&mut self) {
        if self.running.is_some() {
            return;
        }
        let Some(paths) = &self.paths else { return };
        self.paused_until = None;
        match Session::start(paths, &self.settings, &self.rules) {
            Ok(session) => {
                let session = match self.on_write.clone() {
                    Some(f) => session.on_write(move |_| f()),
                    None => session,
                };
                let (stop, rx) = mpsc::channel();
                let wake = stop.clone();
                let spawned = std::thread::Builder::new()
                    .name("tracker".into())
                    .spawn(move || session.run(mast::track::Signals { stop: &rx, wake: Some(wake) }));
                match spawned {
                    Ok(thread) => {
                        self.running = Some(Running { stop, thread });
                        self.mode = TrackingMode::Tracking;
                        self.message = None;
                    }
                    Err(e) => self.stopped(format!("cannot start the tracker thread: {e}")),
                }
            }
            Err(e @ mast::Error::AlreadyTracking { .. }) => {
                if self.mode != TrackingMode::External {
                    tracing::info!("{e}; the app reads and does not track twice");
                }
                self.mode = TrackingMode::External;
                self.message = Some(format!("{e}; Mast shows its data and does not track twice"));
            }
            Err(e) => self.stopped(e.to_string()),
        }
    }

    /// Sends stop and waits for the session to save and release the data dir.
    fn stop(&mut self) {
        let Some(running) = self.running.take() else { return };
        let _ = running.stop.send(());
        match running.thread.join() {
            Ok(Ok(summary)) => tracing::info!(polls = summary.polls, "tracker stopped"),
            Ok(Err(e)) => self.stopped(e.to_string()),
            Err(_) => self.stopped("the tracker stopped unexpectedly (see the log)".into()),
        }
    }

    fn stopped(&mut self, message: String) {
        tracing::error!("tracking stopped: {message}");
        self.mode = TrackingMode::Stopped;
        self.message = Some(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mast::lock::TrackLock;

    fn sandbox() -> (tempfile::TempDir, Paths) {
        let tmp = tempfile::tempdir().unwrap();
        let paths = Paths::in_dir(tmp.path().join("data"), tmp.path().join("cfg"));
        (tmp, paths)
    }

    #[test]
    fn another_tracker_makes_the_app_read_only_until_it_goes() {
        let (_tmp, paths) = sandbox();
        paths.ensure_data_dir().unwrap();
        let held = TrackLock::acquire(&paths.lock_file(), &paths.data_dir).unwrap();
        let tracking = Tracking::new(Some(paths), Settings::default(), Rules::builtin());
        assert_eq!(tracking.start().mode, TrackingMode::External);
        tracking.tick(0, false);
        assert_eq!(tracking.state().mode, TrackingMode::External);
        drop(held);
        tracking.tick(0, true);
        assert_eq!(tracking.state().mode, TrackingMode::Tracking);
        tracking.shutdown();
        assert_eq!(tracking.state().mode, TrackingMode::Stopped);
    }

    #[test]
    fn a_pause_stops_the_session_and_its_end_restarts_it() {
        let (_tmp, paths) = sandbox();
        let lock = paths.lock_file();
        let data = paths.data_dir.clone();
        let tracking = Tracking::new(Some(paths), Settings::default(), Rules::builtin());
        assert_eq!(tracking.start().mode, TrackingMode::Tracking);
        let paused = tracking.pause(1_000);
        assert_eq!((paused.mode, paused.paused_until_ms), (TrackingMode::Paused, Some(1_000)));
        // Paused: the data dir is free for another tracker.
        drop(TrackLock::acquire(&lock, &data).unwrap());
        tracking.tick(999, true);
        assert_eq!(tracking.state().mode, TrackingMode::Paused);
        tracking.tick(1_000, false);
        assert_eq!(tracking.state().mode, TrackingMode::Tracking);
        assert_eq!(tracking.resume().mode, TrackingMode::Tracking);
        tracking.shutdown();
    }

    #[test]
    fn the_demo_is_never_tracked() {
        let tracking = Tracking::new(None, Settings::default(), Rules::builtin());
        let state = tracking.start();
        assert_eq!(state.mode, TrackingMode::Stopped);
        assert_eq!(tracking.pause(5).mode, TrackingMode::Stopped);
    }
}
