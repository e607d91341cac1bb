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
/// family folder: its control characters are shown, not obeyed ([`mast::terminal`]); a
/// reader that went away ends the process quietly ([`out`]).
macro_rules! outln {
    () => {
        $crate::cli::out::stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::out::stdout(format_args!("{}\n", mast::terminal::printable_lines(&format!($($arg)*))))
    };
}

/// `eprint!` that never panics: prompts and progress on stderr ([`out::stderr`]).
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::cli::out::stderr(format_args!($($arg)*))
    };
}

/// `eprintln!` that never panics.
macro_rules! errln {
    () => {
        $crate::cli::out::stderr(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::out::stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub mod demo;
pub mod export;
pub mod family;
pub mod goals;
pub mod import;
pub mod log;
pub mod mismatch;
pub mod out;
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

/// Logs go to stderr; `MAST_LOG` (tracing's filter syntax) overrides the level. They are
/// coloured only for a person at a terminal: a file or a pipe gets plain text, and so does
/// anyone who set `NO_COLOR` (<https://no-color.org>).
pub fn init_logging(tracking: bool) {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let default = if tracking { "info" } else { "warn" };
    let filter = EnvFilter::try_from_env("MAST_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let ansi = colour(std::io::stderr().is_terminal(), std::env::var_os("NO_COLOR").as_deref());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .init();
}

/// Whether to colour a stream: only a terminal, and not when `NO_COLOR` is set to
/// anything but the empty string (the convention's own words).
fn colour(terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Writes JSON to stdout, pretty, with a trailing newline.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let json = serde_json::to_string_pretty(value)?;
    out::stdout(format_args!("{json}\n"));
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
    use std::ffi::OsStr;

    #[test]
    fn colour_only_at_a_terminal_without_no_color() {
        assert!(super::colour(true, None));
        assert!(super::colour(true, Some(OsStr::new(""))));
        assert!(!super::colour(true, Some(OsStr::new("1"))));
        assert!(!super::colour(false, None));
    }
}
