//! `mast track`: runs a tracking session (claim the data dir, open the desktop sensor, run
//! the tracker; see [`mast::track::session`]) until a signal stops it.

use super::Env;
use anyhow::Result;
use mast::track::{self, session::Session};

pub fn run(env: &Env) -> Result<()> {
    let session = Session::start(&env.paths, &env.settings, &env.rules)?;
    let stop = track::stop_on_signals()?;
    session.run(&stop)?;
    Ok(())
}
