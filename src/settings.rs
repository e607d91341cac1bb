//! The user's settings: one `#[serde(default)]` struct whose `Default` is the single source
//! of defaults. The file on disk (`config.toml`) holds only what the user changed; unknown
//! keys are refused so that a typo does not silently fall back to a default.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Which window titles are kept in the store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Settings {
    /// How often the tracker polls the desktop, in milliseconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub poll_interval_ms: u64,
    /// Idle time after which the user counts as away (ActivityWatch's AFK watcher uses the
    /// same 180 s). Time after the last input is cut back when this is crossed.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub afk_threshold_secs: u64,
    /// The hour at which a local day begins: with 4, scrolling at 01:00 counts toward the
    /// evening before.
    pub day_start_hour: u8,
    pub title_policy: TitlePolicy,
    /// Apps (WM_CLASS class or executable name, case-insensitive) that are never recorded.
    pub exclude_apps: Vec<String>,
    /// Spans of one target separated by less than this belong to one session (a fixed
    /// ~1 min gap is the usual simplification; van Berkel et al., CHI 2016).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub session_gap_secs: u64,
    /// A session shorter than this is a "check" (Oulasvirta et al. 2012: brief looks under
    /// 30 s; Wilcockson et al. 2018 use 15 s).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub check_max_secs: u64,
    /// A session longer than this is a long session when the target has no session cap
    /// (Baughan et al., CHI 2022, prompted after 20 minutes against "zombie scrolling").
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub long_session_secs: u64,
    /// A return to a target sooner than this after a session is a quick return
    /// (Heitmayer & Lahlou 2021 observed gaps of about 5 minutes).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub quick_return_secs: u64,
    /// The night window, local "HH:MM-HH:MM" (heavier use at night marks problematic use:
    /// Cheng, Burke & Davis, CHI 2019; Rod et al. 2018).
    pub late_night: String,
    /// Desktop notifications when goals are near or past their limits.
    pub notifications: bool,
    /// No notifications in this local window ("HH:MM-HH:MM"), e.g. "22:00-08:00".
    pub quiet_hours: Option<String>,
    /// At most this many worth-it questions a day, after long sessions.
    pub rating_prompts_per_day: u32,
    /// The region whose published revenue per user prices the attention-value estimate:
    /// "us-canada", "europe", "asia-pacific", "rest-of-world" or "worldwide".
    pub region: String,
    /// Which desktop channel watches the window in front: "auto" (the documented order,
    /// see `sensor::choose`), or "x11", "wlroots", "kwin", "gnome" to run that one only.
    pub sensor: crate::sensor::choose::SensorSetting,
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
            long_session_secs: 20 * 60,
            quick_return_secs: 5 * 60,
            late_night: "23:00-05:00".into(),
            notifications: true,
            quiet_hours: None,
            rating_prompts_per_day: 3,
            region: "worldwide".into(),
            sensor: crate::sensor::choose::SensorSetting::Auto,
        }
    }
}

/// A config file is a few lines; anything this big is not one.
const MAX_CONFIG: u64 = 1 << 20;

impl Settings {
    /// Reads the config file (a FIFO or a device in its place is refused, never waited on); a missing file means defaults, a malformed one is an error
    /// that names the file, the line and the fix.
    pub fn load(path: &Path) -> Result<Settings> {
        let Some(text) = crate::files::read_text(path, MAX_CONFIG)? else { return Ok(Settings::default()) };
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
        if self.long_session_secs == 0 || self.quick_return_secs == 0 {
            return Err("long_session_secs and quick_return_secs must be at least 1".into());
        }
        parse_window(&self.late_night).map_err(|e| format!("late_night: {e}"))?;
        if let Some(q) = &self.quiet_hours {
            parse_window(q).map_err(|e| format!("quiet_hours: {e}"))?;
        }
        const REGIONS: [&str; 5] = ["us-canada", "europe", "asia-pacific", "rest-of-world", "worldwide"];
        if !REGIONS.contains(&self.region.as_str()) {
            return Err(format!("region = \"{}\" is unknown; use one of {}", self.region, REGIONS.join(", ")));
        }
        Ok(())
    }

    pub fn is_excluded(&self, app: &str, exe: Option<&str>) -> bool {
        self.exclude_apps.iter().any(|x| x.eq_ignore_ascii_case(app) || exe.is_some_and(|e| x.eq_ignore_ascii_case(e)))
    }
}

/// Parses a local time window "HH:MM-HH:MM" into minutes after midnight. The end may be
/// earlier than the start (the window crosses midnight); equal ends are refused.
pub fn parse_window(s: &str) -> std::result::Result<(u16, u16), String> {
    let (a, b) = s.split_once('-').ok_or_else(|| format!("'{s}' is not a window; write it like 23:00-07:00"))?;
    let (a, b) = (parse_time(a.trim())?, parse_time(b.trim())?);
    if a == b {
        return Err(format!("'{s}' starts and ends at the same time; give a window like 23:00-07:00"));
    }
    Ok((a, b))
}

/// Parses "HH:MM" (24-hour) into minutes after midnight.
pub fn parse_time(s: &str) -> std::result::Result<u16, String> {
    let bad = || format!("'{s}' is not a time of day; use HH:MM from 00:00 to 23:59");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
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
    fn time_windows_parse_and_refuse_nonsense() {
        assert_eq!(parse_window("23:00-05:00"), Ok((23 * 60, 5 * 60)));
        assert_eq!(parse_window("9:30 - 17:00"), Ok((9 * 60 + 30, 17 * 60)));
        assert!(parse_window("25:00-07:00").unwrap_err().contains("HH:MM"));
        assert!(parse_window("07:00-07:00").is_err());
        assert!(parse_window("late").is_err());
        assert!(Settings::parse("quiet_hours = \"22:00-24:00\"").unwrap_err().contains("quiet_hours"));
        assert!(Settings::parse("region = \"mars\"").unwrap_err().contains("worldwide"));
    }

    #[test]
    fn exclusion_matches_class_or_exe_case_insensitively() {
        let s = Settings { exclude_apps: vec!["KeePassXC".into()], ..Settings::default() };
        assert!(s.is_excluded("keepassxc", None));
        assert!(s.is_excluded("Other", Some("keepassxc")));
        assert!(!s.is_excluded("firefox", Some("firefox")));
    }
}
