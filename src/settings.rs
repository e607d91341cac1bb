//! The user's settings: one `#[serde(default)]` struct whose `Default` is the single source
//! of defaults. The file on disk (`config.toml`) holds only what the user changed; unknown
//! keys are refused so that a typo does not silently fall back to a default.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Which window titles are kept in the store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TitlePolicy {
    /// Keep every title (except private windows').
    All,
    /// Keep titles only of windows classified as a tracked target: the rest is recorded by
    /// app alone, so a document's or a page's name never reaches the database.
    #[default]
    Targets,
    /// Keep no titles at all.
    None,
}

impl TitlePolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            TitlePolicy::All => "all",
            TitlePolicy::Targets => "targets",
            TitlePolicy::None => "none",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// How often the tracker polls the desktop, in milliseconds.
    pub poll_interval_ms: u64,
    /// Idle time after which the user counts as away (ActivityWatch's AFK watcher uses the
    /// same 180 s). Time after the last input is cut back when this is crossed.
    pub afk_threshold_secs: u64,
    /// The hour at which a local day begins: with 4, scrolling at 01:00 counts toward the
    /// evening before.
    pub day_start_hour: u8,
    pub title_policy: TitlePolicy,
    /// Apps (WM_CLASS class or executable name, case-insensitive) that are never recorded.
    pub exclude_apps: Vec<String>,
    /// Spans of one target separated by less than this belong to one session (a fixed
    /// ~1 min gap is the usual simplification; van Berkel et al., CHI 2016).
    pub session_gap_secs: u64,
    /// A session shorter than this is a "check" (Oulasvirta et al. 2012: brief looks under
    /// 30 s; Wilcockson et al. 2018 use 15 s).
    pub check_max_secs: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            poll_interval_ms: 1000,
            afk_threshold_secs: 180,
            day_start_hour: 4,
            title_policy: TitlePolicy::Targets,
            exclude_apps: Vec::new(),
            session_gap_secs: 60,
            check_max_secs: 30,
        }
    }
}

impl Settings {
    /// Reads the config file; a missing file means defaults, a malformed one is an error
    /// that names the file, the line and the fix.
    pub fn load(path: &Path) -> Result<Settings> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(e) => return Err(Error::io(path, e)),
        };
        Settings::parse(&text).map_err(|message| Error::Config { path: path.to_owned(), message })
    }

    pub fn parse(text: &str) -> std::result::Result<Settings, String> {
        let s: Settings = toml::from_str(text).map_err(|e| e.to_string().trim().to_owned())?;
        s.validate()?;
        Ok(s)
    }

    fn validate(&self) -> std::result::Result<(), String> {
        if !(100..=60_000).contains(&self.poll_interval_ms) {
            return Err(format!(
                "poll_interval_ms = {} is out of range; use 100 to 60000 (default 1000)",
                self.poll_interval_ms
            ));
        }
        if self.afk_threshold_secs == 0 || self.afk_threshold_secs > 24 * 3600 {
            return Err(format!(
                "afk_threshold_secs = {} is out of range; use 1 to 86400 (default 180)",
                self.afk_threshold_secs
            ));
        }
        if self.day_start_hour > 23 {
            return Err(format!("day_start_hour = {} is not an hour; use 0 to 23 (default 4)", self.day_start_hour));
        }
        if self.session_gap_secs == 0 || self.check_max_secs == 0 {
            return Err("session_gap_secs and check_max_secs must be at least 1".into());
        }
        Ok(())
    }

    pub fn is_excluded(&self, app: &str, exe: Option<&str>) -> bool {
        self.exclude_apps.iter().any(|x| x.eq_ignore_ascii_case(app) || exe.is_some_and(|e| x.eq_ignore_ascii_case(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(Settings::parse("").unwrap(), Settings::default());
    }

    #[test]
    fn partial_file_keeps_other_defaults() {
        let s = Settings::parse("title_policy = \"none\"\nday_start_hour = 6").unwrap();
        assert_eq!(s.title_policy, TitlePolicy::None);
        assert_eq!(s.day_start_hour, 6);
        assert_eq!(s.afk_threshold_secs, 180);
    }

    #[test]
    fn malformed_and_unknown_keys_are_refused_with_the_line() {
        let e = Settings::parse("day_start_hour = \n").unwrap_err();
        assert!(e.contains("line 1"), "{e}");
        let e = Settings::parse("day_start_hours = 5").unwrap_err();
        assert!(e.contains("day_start_hours"), "{e}");
        let e = Settings::parse("day_start_hour = 25").unwrap_err();
        assert!(e.contains("0 to 23"), "{e}");
        let e = Settings::parse("title_policy = \"some\"").unwrap_err();
        assert!(e.contains("title_policy") || e.contains("some"), "{e}");
    }

    #[test]
    fn exclusion_matches_class_or_exe_case_insensitively() {
        let s = Settings { exclude_apps: vec!["KeePassXC".into()], ..Settings::default() };
        assert!(s.is_excluded("keepassxc", None));
        assert!(s.is_excluded("Other", Some("keepassxc")));
        assert!(!s.is_excluded("firefox", Some("firefox")));
    }
}
