//! `mast demo`: realistic synthetic usage in the demo data dir, so a new user sees reports
//! at once. It writes only under the demo directories, never the user's own.

use super::{now_ms, Env};
use anyhow::{bail, Result};
use mast::store::Store;

pub fn run(env: &Env, days: u32, force: bool, heavy_year: bool) -> Result<()> {
    // `--demo` or not, the demo lives in the demo dirs derived from the real ones.
    let paths =
        if env.paths.data_dir.to_string_lossy().ends_with("-demo") { env.paths.clone() } else { env.paths.demo() };
    let db = paths.db();
    if db.exists() {
        if !force {
            bail!("demo data already exists in {}; add --force to replace it", paths.data_dir.display());
        }
        for suffix in ["", "-wal", "-shm"] {
            let p = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
            if p.exists() {
                std::fs::remove_file(&p).map_err(|e| anyhow::anyhow!("cannot remove {}: {e}", p.display()))?;
            }
        }
    }
    let now = now_ms();
    let offset = mast::localday::offset_at(now);
    let today = mast::localday::local_day(now, offset, env.settings.day_start_hour);
    let classifier = env.classifier();
    let n = if heavy_year {
        let mut store = Store::open(&db)?;
        store.sync_classification(&classifier)?;
        let n = store.insert_observed(mast::demo::heavy_year(today, offset), &classifier)?;
        for g in mast::demo::goals() {
            store.add_goal(&g, now)?;
        }
        n
    } else {
        // The store is new (or was just removed), so this always writes.
        mast::demo_data::write_if_empty(&paths, &classifier, env.settings.day_start_hour, days, now, offset)?
    };
    let days = if heavy_year { 365 } else { days };
    let goals = mast::demo::goals();
    outln!("Wrote {n} spans over {days} days of demo usage and {} goals to {}.", goals.len(), paths.data_dir.display());
    outln!("Try: mast --demo mismatch");
    outln!("     mast --demo report --week");
    outln!("     mast --demo goals");
    Ok(())
}
