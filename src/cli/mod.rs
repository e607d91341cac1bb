//! The CLI's commands, one module each, and what they share: the loaded environment
//! (paths, settings, rules), date arguments and human formatting.

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use mast::classify::Rules;
use mast::model::Millis;
use mast::paths::Paths;
use mast::settings::Settings;
use mast::store::{Classifier, Store};

/// `println!` for a line that may hold text from the store, an import, a file or the
/// family folder: its control characters are shown, not obeyed ([`mast::terminal`]).
macro_rules! outln {
    () => {
        println!()
    };
    ($($arg:tt)*) => {
        println!("{}", mast::terminal::printable_lines(&format!($($arg)*)))
    };
}

pub mod demo;
pub mod export;
pub mod family;
pub mod goals;
pub mod import;
pub mod log;
pub mod mismatch;
pub mod rate;
pub mod report;
pub mod research;
pub mod rules;
pub mod setup;
pub mod status;
pub mod track;

/// Everything a command needs from disk, loaded once.
pub struct Env {
    pub paths: Paths,
    pub settings: Settings,
    pub rules: Rules,
}

impl Env {
    pub fn load(demo: bool) -> Result<Env> {
        let mut paths = Paths::from_env()?;
        if demo {
            paths = paths.demo();
        }
        let settings = Settings::load(&paths.config_file())?;
        let rules = mast::track::session::load_rules(&paths)?;
        Ok(Env { paths, settings, rules })
    }

    pub fn classifier(&self) -> Classifier {
        Classifier { rules: self.rules.clone(), policy: self.settings.title_policy }
    }

    /// Opens the store and brings history in line with the current rules and policy.
    pub fn store(&self) -> Result<Store> {
        let mut store = Store::open(&self.paths.db())?;
        store.sync_classification(&self.classifier())?;
        Ok(store)
    }

    /// Like [`Env::store`], for a command that reads a period and then prints it: the
    /// store's page check runs alongside the reading, and the store's report functions
    /// wait for it before they return (see `Store::open_checking_alongside`).
    pub fn store_checking_alongside(&self) -> Result<Store> {
        let mut store = Store::open_checking_alongside(&self.paths.db())?;
        store.sync_classification(&self.classifier())?;
        Ok(store)
    }

    /// Today's local day, by the clock and zone of this machine.
    pub fn today(&self) -> NaiveDate {
        let now = now_ms();
        mast::localday::local_day(now, mast::localday::offset_at(now), self.settings.day_start_hour)
    }

    /// Parses a day argument: `YYYY-MM-DD`, `today` or `yesterday`.
    pub fn parse_day(&self, s: &str) -> Result<NaiveDate> {
        match s {
            "today" => Ok(self.today()),
            "yesterday" => Ok(self.today().pred_opt().expect("not the first day of time")),
            _ => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .with_context(|| format!("'{s}' is not a date: use YYYY-MM-DD (e.g. 2026-03-29), today or yesterday")),
        }
    }
}

pub fn now_ms() -> Millis {
    chrono::Utc::now().timestamp_millis()
}

/// Logs go to stderr; `MAST_LOG` (tracing's filter syntax) overrides the level.
pub fn init_logging(tracking: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if tracking { "info" } else { "warn" };
    let filter = EnvFilter::try_from_env("MAST_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).init();
}

/// `1h 05m`, `12m`, `40s`: readable, never more precise than a person needs.
pub fn duration(seconds: f64) -> String {
    let s = seconds.round() as i64;
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m", (s + 30) / 60)
    } else {
        let m = (s + 30) / 60;
        format!("{}h {:02}m", m / 60, m % 60)
    }
}

/// Writes JSON to stdout, pretty, with a trailing newline.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

pub fn ensure_range(from: NaiveDate, to: NaiveDate) -> Result<()> {
    if from > to {
        bail!("--from {from} is after --to {to}; swap them");
    }
    if (to - from).num_days() > 3660 {
        bail!("{from} to {to} is more than ten years; choose a shorter range");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(0.0), "0s");
        assert_eq!(duration(59.4), "59s");
        assert_eq!(duration(90.0), "2m");
        assert_eq!(duration(3600.0), "1h 00m");
        assert_eq!(duration(3600.0 + 5.0 * 60.0), "1h 05m");
    }
}
