//! One tracking session as a surface starts it: claim the data dir, open the store, run the
//! tracker with the desktop sensor, re-read the rules and title policy when their files
//! change, and send nudges. `mast track` and the desktop app both run exactly this; they
//! differ only in what sends `stop` (a signal, or the app's pause and quit).

use super::state::SensorState;
use super::{run_observed, Observer, Signals, Summary, SystemClock};
use crate::classify::Rules;
use crate::lock::TrackLock;
use crate::model::{Millis, Span};
use crate::notify::{Desktop, NudgeObserver};
use crate::nudge::NudgeConfig;
use crate::paths::Paths;
use crate::sensor::choose::{self, SessionEnv};
use crate::sensor::{channels::Channels, SensorOptions, Waker};
use crate::settings::Settings;
use crate::store::{Classifier, Store};
use crate::tracker::{Tracker, TrackerConfig};
use crate::Result;
use std::path::Path;
use std::time::SystemTime;

/// A claimed data dir with its store open, ready to track. Holding it holds the lock, so
/// a surface can learn that another tracker runs ([`Error::AlreadyTracking`]) before it
/// hands the session to a thread.
pub struct Session {
    paths: Paths,
    settings: Settings,
    rules: Rules,
    store: Store,
    on_write: Option<OnWrite>,
    _lock: TrackLock,
}

/// Told after each commit of spans, with its instant: see [`Session::on_write`].
pub type OnWrite = Box<dyn FnMut(Millis) + Send>;

impl Session {
    /// Claims `paths`' data dir and opens its store, reclassified under `rules`.
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyTracking`] when another tracker holds the data dir; the store's
    /// errors when it cannot be opened.
    #[tracing::instrument(skip_all, err)]
    pub fn start(paths: &Paths, settings: &Settings, rules: &Rules) -> Result<Session> {
        paths.ensure_data_dir()?;
        let lock = TrackLock::acquire(&paths.lock_file(), &paths.data_dir)?;
        let mut store = Store::open(&paths.db())?;
        store.sync_classification(&Classifier { rules: rules.clone(), policy: settings.title_policy })?;
        Ok(Session {
            paths: paths.clone(),
            settings: settings.clone(),
            rules: rules.clone(),
            store,
            on_write: None,
            _lock: lock,
        })
    }

    /// Calls `f` after each commit of spans while the session runs (every few seconds while
    /// someone uses the computer, never while nothing changes): how a surface that shows the
    /// data (the app's Today, its tray) learns that there is something new to read. `f`
    /// runs on the tracker's thread and must return at once.
    pub fn on_write(mut self, f: impl FnMut(Millis) + Send + 'static) -> Session {
        self.on_write = Some(Box::new(f));
        self
    }

    /// Tracks until a stop arrives on `signals.stop` (or it disconnects), then saves
    /// everything and releases the data dir. Give `signals.wake` (a sender of the stop
    /// channel) so that sensors pushing events switch spans the moment focus moves.
    pub fn run<'a>(mut self, signals: impl Into<Signals<'a>>) -> Result<Summary> {
        let settings = &self.settings;
        let classifier = Classifier { rules: self.rules.clone(), policy: settings.title_policy };
        let mut tracker = Tracker::new(TrackerConfig::from_settings(settings), classifier.clone(), settings);
        tracing::info!(db = %self.paths.db().display(), policy = settings.title_policy.as_str(), "tracking");

        // Rules and the title policy are re-read when their files change; other settings
        // (poll interval, thresholds) take effect at the next start.
        let paths = self.paths.clone();
        let mut seen = (mtime(&paths.rules_file()), mtime(&paths.config_file()));
        let mut current = classifier.fingerprint();
        let reload = move || -> Option<Classifier> {
            let now = (mtime(&paths.rules_file()), mtime(&paths.config_file()));
            if now == seen {
                return None;
            }
            seen = now;
            let loaded = Settings::load(&paths.config_file())
                .and_then(|s| Ok(Classifier { rules: load_rules(&paths)?, policy: s.title_policy }));
            match loaded {
                Ok(c) if c.fingerprint() != current => {
                    current = c.fingerprint();
                    Some(c)
                }
                Ok(_) => None,
                Err(e) => {
                    tracing::error!("{e}; keeping the rules in use");
                    None
                }
            }
        };

        // Nudges and worth-it prompts: off entirely with `notifications = false`. A missing
        // notification server is logged and tracking goes on.
        let mut nudges = if settings.notifications {
            let now = now_ms();
            let cfg = NudgeConfig::new(settings, &self.rules);
            match NudgeObserver::start(&self.store, cfg, Desktop::default(), now, crate::localday::offset_at(now)) {
                Ok(n) => Some(n),
                Err(e) => {
                    tracing::error!("{e}; tracking without notifications");
                    None
                }
            }
        } else {
            None
        };
        let mut on_write = self.on_write.take();
        let mut observer = Watchers { nudges: nudges.as_mut(), on_write: on_write.as_mut() };
        // The data dir deleted while tracking: a new store there, under a new claim on it
        // (the old lock is on a file that is gone, so another tracker could start).
        let paths = self.paths.clone();
        let mut claim: Option<TrackLock> = None;
        let mut reopen = || -> Result<Store> {
            paths.ensure_data_dir()?;
            let lock = TrackLock::acquire(&paths.lock_file(), &paths.data_dir)?;
            let store = Store::open(&paths.db())?;
            claim = Some(lock);
            Ok(store)
        };
        let mut connect = self.connect();
        let summary = run_observed(
            &mut self.store,
            &mut tracker,
            &mut connect,
            reload,
            &SystemClock,
            signals,
            &mut reopen,
            &mut observer,
        )?;
        if let Some(n) = nudges {
            // Store answers already given; never wait for the desktop on the way out.
            n.finish(&mut self.store, now_ms(), std::time::Duration::ZERO);
        }
        tracing::info!(polls = summary.polls, spans = summary.spans_closed, "stopped; everything saved");
        Ok(summary)
    }
}

/// What watches a session: the nudges, and whoever asked to hear of writes.
struct Watchers<'a> {
    nudges: Option<&'a mut NudgeObserver>,
    on_write: Option<&'a mut OnWrite>,
}

impl Observer for Watchers<'_> {
    fn after_poll(&mut self, store: &mut Store, now: Millis, offset: i32, open: Option<&Span>, closed: Option<&Span>) {
        if let Some(n) = self.nudges.as_mut() {
            n.after_poll(store, now, offset, open, closed);
        }
    }

    fn after_write(&mut self, now: Millis) {
        if let Some(n) = self.nudges.as_mut() {
            n.after_write(now);
        }
        if let Some(f) = self.on_write.as_mut() {
            f(now);
        }
    }
}

impl Session {
    /// Opens the sensor by the documented order ([`choose`]) and tells every surface which
    /// one runs, or why none can, through the data dir's `sensor.json`.
    fn connect(
        &self,
    ) -> impl FnMut(&Waker) -> std::result::Result<Box<dyn crate::sensor::Sensor + Send>, crate::sensor::SensorError>
    {
        let plan = choose::plan(self.settings.sensor, &SessionEnv::from_process());
        let afk_threshold_ms = self.settings.afk_threshold_secs * 1000;
        let paths = self.paths.clone();
        let mut last: Option<SensorState> = None;
        move |waker: &Waker| {
            let opts = SensorOptions { afk_threshold_ms, waker: waker.clone() };
            let result = choose::open(&plan, &opts, &mut Channels);
            let info = match &result {
                Ok(sensor) => sensor.info().ok_or(()),
                Err(_) => Err(()),
            };
            let state = match (&result, info) {
                (Ok(_), Ok(info)) => SensorState::now(Ok(info), &plan.reason, now_ms()),
                (Err(e), _) => SensorState::now(Err(e), &plan.reason, now_ms()),
                (Ok(_), Err(())) => return result,
            };
            let same = last.as_ref().is_some_and(|l| l.sensor == state.sensor && l.problem == state.problem);
            if !same {
                if let Some(info) = &state.sensor {
                    tracing::info!("watching the desktop with {info} ({})", plan.reason);
                }
                if let Err(e) = state.write(&paths) {
                    tracing::warn!("{e}; `mast status` cannot name the sensor");
                }
                last = Some(state);
            }
            result
        }
    }
}

/// [`Session::start`] and [`Session::run`] in one call.
pub fn track_until<'a>(
    paths: &Paths,
    settings: &Settings,
    rules: &Rules,
    signals: impl Into<Signals<'a>>,
) -> Result<Summary> {
    Session::start(paths, settings, rules)?.run(signals)
}

/// The built-in rules merged with the user's rules file, if there is one.
pub fn load_rules(paths: &Paths) -> Result<Rules> {
    Rules::load_file(&paths.rules_file())
}

fn now_ms() -> Millis {
    chrono::Utc::now().timestamp_millis()
}

fn mtime(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}
