//! `mast track` on a wlroots compositor, for `scripts/measure-track-wayland.sh` until
//! `mast track` picks its sensor by session: the same paths, settings, lock, store and run
//! loop, with the sensor fixed to `Paired { WlrootsFocus, WaylandIdle }` and no nudges.
//! Stops (and saves) on SIGTERM or SIGINT.
//!
//! Usage: `WAYLAND_DISPLAY=… SWAYSOCK=… cargo run --release --example track_wayland`

use anyhow::{Context, Result};
use mast::paths::Paths;
use mast::sensor::idle::WaylandIdle;
use mast::sensor::wlroots::WlrootsFocus;
use mast::sensor::{FocusSource, IdleSource, Paired, Sensor, SensorError, SensorOptions};
use mast::settings::Settings;
use mast::store::{Classifier, Store};
use mast::tracker::{Tracker, TrackerConfig};

fn main() -> Result<()> {
    let paths = Paths::from_env()?;
    paths.ensure_data_dir()?;
    let settings = Settings::load(&paths.config_file())?;
    let rules = mast::track::session::load_rules(&paths)?;
    let _lock = mast::lock::TrackLock::acquire(&paths.lock_file(), &paths.data_dir)?;
    let mut store = Store::open(&paths.db())?;
    let classifier = Classifier { rules, policy: settings.title_policy };
    store.sync_classification(&classifier)?;
    let mut tracker = Tracker::new(TrackerConfig::from_settings(&settings), classifier, &settings);

    let opts = SensorOptions { afk_threshold_ms: settings.afk_threshold_secs * 1000, ..SensorOptions::default() };
    let connect = || -> Result<Box<dyn Sensor + Send>, SensorError> {
        let focus = WlrootsFocus::connect(&opts)?;
        let idle = WaylandIdle::connect(&opts)?;
        eprintln!("tracking with {} on {}, idle from {}", focus.kind(), focus.detail(), idle.kind());
        Ok(Box::new(Paired { focus: Box::new(focus), idle: Box::new(idle) }))
    };
    let stop = mast::track::stop_on_signals()?;
    let summary = mast::track::run(&mut store, &mut tracker, connect, || None, &mast::track::SystemClock, &stop)
        .context("tracking failed")?;
    eprintln!("stopped after {} polls; everything saved", summary.polls);
    Ok(())
}
