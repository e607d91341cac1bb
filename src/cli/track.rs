//! `mast track`: claims the data dir, opens the desktop sensor and runs the tracker until a
//! signal stops it.

use super::Env;
use anyhow::Result;
use mast::lock::TrackLock;
use mast::notify::{Desktop, NudgeObserver};
use mast::nudge::NudgeConfig;
use mast::store::Classifier;
use mast::track::{self, Observer, SystemClock};
use mast::tracker::{Tracker, TrackerConfig};
use std::time::SystemTime;

pub fn run(env: &Env) -> Result<()> {
    env.paths.ensure_data_dir()?;
    let _lock = TrackLock::acquire(&env.paths.lock_file(), &env.paths.data_dir)?;
    let mut store = env.store()?;
    let settings = &env.settings;
    let mut tracker = Tracker::new(TrackerConfig::from_settings(settings), env.classifier(), settings);
    let stop = track::stop_on_signals()?;
    tracing::info!(db = %env.paths.db().display(), policy = settings.title_policy.as_str(), "tracking");

    // Rules and the title policy are re-read when their files change; other settings
    // (poll interval, thresholds) take effect at the next start.
    let paths = env.paths.clone();
    let mut seen = (mtime(&paths.rules_file()), mtime(&paths.config_file()));
    let mut current = env.classifier().fingerprint();
    let reload = move || -> Option<Classifier> {
        let now = (mtime(&paths.rules_file()), mtime(&paths.config_file()));
        if now == seen {
            return None;
        }
        seen = now;
        let loaded = mast::settings::Settings::load(&paths.config_file())
            .map_err(anyhow::Error::from)
            .and_then(|s| Ok(Classifier { rules: super::load_rules(&paths)?, policy: s.title_policy }));
        match loaded {
            Ok(c) if c.fingerprint() != current => {
                current = c.fingerprint();
                Some(c)
            }
            Ok(_) => None,
            Err(e) => {
                tracing::error!("{e:#}; keeping the rules in use");
                None
            }
        }
    };

    // Nudges and worth-it prompts: off entirely with `notifications = false`. A missing
    // notification server is logged and tracking goes on.
    let mut nudges = if settings.notifications {
        let now = super::now_ms();
        let cfg = NudgeConfig::new(settings, &env.rules);
        match NudgeObserver::start(&store, cfg, Desktop::default(), now, mast::localday::offset_at(now)) {
            Ok(n) => Some(n),
            Err(e) => {
                tracing::error!("{e:#}; tracking without notifications");
                None
            }
        }
    } else {
        None
    };
    let observer: &mut dyn Observer = match nudges.as_mut() {
        Some(n) => n,
        None => &mut (),
    };
    let summary = track::run_observed(
        &mut store,
        &mut tracker,
        mast::sensor::open_default,
        reload,
        &SystemClock,
        &stop,
        observer,
    )?;
    if let Some(n) = nudges {
        // Store answers already given; never wait for the desktop on the way out.
        n.finish(&mut store, super::now_ms(), std::time::Duration::ZERO);
    }
    tracing::info!(polls = summary.polls, spans = summary.spans_closed, "stopped; everything saved");
    Ok(())
}

fn mtime(path: &std::path::Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}
