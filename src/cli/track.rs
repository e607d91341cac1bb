//! `mast track`: runs a tracking session (claim the data dir, open the desktop sensor, run
//! the tracker; see [`mast::track::session`]) until a signal stops it. When this device is in
//! a family, a helper thread syncs the family folder every 10 minutes, as the desktop app
//! does, so that shared goals reach the tracker's nudges without the app.

use super::Env;
use anyhow::Result;
use mast::family::Family;
use mast::track::{self, session::Session};
use std::time::Duration;

/// How often the family folder is read while tracking (the first time 5 s after start).
const FAMILY_EVERY: Duration = Duration::from_secs(600);

pub fn run(env: &Env) -> Result<()> {
    let session = Session::start(&env.paths, &env.settings, &env.rules)?;
    let (wake, stop) = track::stop_on_signals()?;
    sync_family_while_tracking(env);
    session.run(track::Signals { stop: &stop, wake: Some(wake) })?;
    Ok(())
}

fn sync_family_while_tracking(env: &Env) {
    let (paths, settings) = (env.paths.clone(), env.settings.clone());
    let spawned = std::thread::Builder::new().name("family".into()).spawn(move || {
        std::thread::sleep(Duration::from_secs(5));
        loop {
            let result = (|| -> mast::Result<()> {
                let Some(mut family) = Family::load(&paths.data_dir)? else { return Ok(()) };
                let mut store = mast::store::Store::open(&paths.db())?;
                let status = family.sync(&mut store, &settings, super::family::now(), false)?;
                for p in &status.problems {
                    tracing::warn!(file = %p.file, "family folder: {}", p.message);
                }
                Ok(())
            })();
            if let Err(e) = result {
                tracing::warn!("family sync: {e}");
            }
            std::thread::sleep(FAMILY_EVERY);
        }
    });
    if let Err(e) = spawned {
        tracing::warn!("cannot start the family sync: {e}; `mast family sync` does it by hand");
    }
}
