//! The study protocol a researcher writes (TOML): what a participant's Mast shares for a
//! study, and how it is anonymised. Every field but the study id, title and consent text has
//! a safe default; everything is validated, and an invalid protocol is refused with a
//! message naming the field and the fix. What a protocol can ask for is limited by design:
//! there is no way to ask for window titles, urls, executable paths, host or user names.
//!
//! ```toml
//! study_id = "sleep-and-scrolling-2027"      # lowercase letters, digits and '-'
//! title = "Sleep and scrolling"
//! consent = "We collect daily minutes per app ..."
//! granularity_minutes = 15                   # default 15; must divide a day
//!
//! [period]                                   # default: the 28 days before the export
//! from = "2027-01-10"
//! to = "2027-02-06"
//!
//! [collect]                                  # default: daily_totals only
//! daily_totals = true                        # per day and target: seconds, sessions, checks
//! sessions = ["start_minute", "seconds"]     # each session; a list picks its fields
//! spans = false                              # each span: start, length, target
//!
//! [targets]                                  # default: every platform by name
//! report = "platforms"                       # or "categories"
//! platforms = ["instagram", "tiktok"]        # "platforms": these by name, the rest "other"
//! [targets.categories]                       # "categories": the study's own groups
//! short_video = ["tiktok", "youtube"]
//!
//! [anonymisation]
//! time = "shifted"                           # or "relative_days"
//! min_days = 3                               # a target used on fewer days becomes "other"
//! ```

use crate::classify::Rules;
use crate::{Error, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The period a protocol without `[period]` covers: the days before the export.
pub const DEFAULT_DAYS: u32 = 28;
pub const DEFAULT_GRANULARITY_MIN: u32 = 15;
pub const DEFAULT_MIN_DAYS: u32 = 3;
/// The name of everything a study does not name.
pub const OTHER: &str = "other";

/// Keys a researcher might try under `[collect]` for data Mast never shares.
const NEVER: [&str; 8] = ["titles", "title", "urls", "url", "exe", "apps", "hostname", "username"];

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Collect {
    pub daily_totals: bool,
    pub sessions: bool,
    pub spans: bool,
    /// Per table, the fields chosen from [`FIELDS`] when the protocol lists them; a table
    /// not here has all of them. `day` and `target` are always in.
    pub fields: BTreeMap<String, Vec<String>>,
}

/// The fields a protocol may choose per table (besides `day` and `target`).
pub const FIELDS: [(&str, &[&str]); 3] = [
    ("daily_totals", &["weekday", "seconds", "sessions", "checks"]),
    ("sessions", &["weekday", "start_minute", "seconds"]),
    ("spans", &["weekday", "start_minute", "seconds"]),
];

impl Collect {
    /// Whether `column` of `table` is shared.
    pub fn includes(&self, table: &str, column: &str) -> bool {
        column == "day" || column == "target" || self.fields.get(table).is_none_or(|f| f.iter().any(|c| c == column))
    }
}

/// How targets are named in the data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "report")]
pub enum Targets {
    /// These platforms by their ids; every other platform is [`OTHER`].
    Platforms { platforms: Vec<String> },
    /// The study's own categories, each a list of platforms; the rest is [`OTHER`].
    Categories { categories: BTreeMap<String, Vec<String>> },
}

/// How time is made unrecognisable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeMode {
    /// Dates and times moved by a random whole number of weeks, secret and fixed per
    /// participant and study: weekday and time of day stay true.
    Shifted,
    /// Days as numbers from the study's first day (0, 1, …); times of day kept.
    RelativeDays,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Anonymisation {
    pub time: TimeMode,
    /// A target used on fewer days than this in the period is reported as [`OTHER`].
    pub min_days: u32,
}

/// A validated protocol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Protocol {
    pub study_id: String,
    pub title: String,
    pub consent: String,
    /// `None`: the [`DEFAULT_DAYS`] days before the export.
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub collect: Collect,
    pub granularity_minutes: u32,
    pub targets: Targets,
    pub anonymisation: Anonymisation,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    study_id: Option<String>,
    title: Option<String>,
    consent: Option<String>,
    granularity_minutes: Option<i64>,
    period: Option<RawPeriod>,
    collect: Option<toml::Table>,
    targets: Option<RawTargets>,
    anonymisation: Option<RawAnonymisation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    from: Option<toml::value::Datetime>,
    to: Option<toml::value::Datetime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTargets {
    report: Option<String>,
    platforms: Option<Vec<String>>,
    categories: Option<BTreeMap<String, Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnonymisation {
    time: Option<String>,
    min_days: Option<i64>,
}

fn invalid(path: &Path, field: &str, fix: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("the protocol {} is not valid: `{field}` {fix}", path.display()))
}

fn date(path: &Path, field: &str, v: Option<toml::value::Datetime>) -> Result<NaiveDate> {
    let v = v.ok_or_else(|| invalid(path, field, "is missing; give a date like 2027-01-31"))?;
    match (v.date, v.time) {
        (Some(d), None) => NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
            .ok_or_else(|| invalid(path, field, "is not a real date")),
        _ => Err(invalid(path, field, "must be a date without a time, like 2027-01-31")),
    }
}

/// A study category's name: it becomes a value in every row, so it is a plain word.
fn category_name_ok(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && name.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name != OTHER
}

/// A study's id: 3 to 64 lowercase letters, digits and '-', not starting with '-'.
pub(crate) fn id_ok(id: &str) -> bool {
    (3..=64).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

impl Protocol {
    /// Reads and validates the protocol file at `path`; `rules` name the platforms it may use.
    pub fn load(path: &Path, rules: &Rules) -> Result<Protocol> {
        let text = crate::files::read_text(path, 1 << 20)?.ok_or_else(|| {
            Error::io(path, std::io::Error::new(std::io::ErrorKind::NotFound, "there is no such file"))
        })?;
        Protocol::parse(path, &text, rules)
    }

    /// Validates a protocol's text; `path` is for messages.
    pub fn parse(path: &Path, text: &str, rules: &Rules) -> Result<Protocol> {
        let raw: Raw = toml::from_str(text).map_err(|e| super::located::toml_error(path, text, &e))?;
        let study_id = raw.study_id.ok_or_else(|| {
            invalid(path, "study_id", "is missing; give the study's id, e.g. study_id = \"sleep-2027\"")
        })?;
        if !id_ok(&study_id) {
            return Err(invalid(
                path,
                "study_id",
                format!("'{study_id}' must be 3 to 64 lowercase letters, digits and '-', e.g. \"sleep-2027\""),
            ));
        }
        let text_field = |v: Option<String>, field: &str, example: &str| -> Result<String> {
            match v.map(|s| s.trim().to_owned()) {
                Some(s) if !s.is_empty() => Ok(s),
                Some(_) => Err(invalid(path, field, format!("is empty; write {example}"))),
                None => Err(invalid(path, field, format!("is missing; write {example}"))),
            }
        };
        let title = text_field(raw.title, "title", "the study's title")?;
        let consent = text_field(raw.consent, "consent", "the consent text participants agree to")?;

        let granularity_minutes = match raw.granularity_minutes {
            None => DEFAULT_GRANULARITY_MIN,
            Some(g) if (1..=1440).contains(&g) && 1440 % g == 0 => g as u32,
            Some(g) => {
                return Err(invalid(
                    path,
                    "granularity_minutes",
                    format!("{g} must divide a day: 1, 5, 10, 15, 30, 60 …"),
                ))
            }
        };

        let period = match raw.period {
            None => None,
            Some(p) => {
                let (from, to) = (date(path, "period.from", p.from)?, date(path, "period.to", p.to)?);
                if from > to {
                    return Err(invalid(path, "period.to", format!("{to} is before period.from {from}; swap them")));
                }
                if (to - from).num_days() > 3660 {
                    return Err(invalid(path, "period", "is longer than ten years; shorten it"));
                }
                Some((from, to))
            }
        };

        let collect = match raw.collect {
            None => Collect { daily_totals: true, sessions: false, spans: false, fields: BTreeMap::new() },
            Some(table) => {
                let mut c = Collect { daily_totals: false, sessions: false, spans: false, fields: BTreeMap::new() };
                for (key, value) in &table {
                    let field = format!("collect.{key}");
                    if NEVER.contains(&key.as_str()) {
                        return Err(invalid(
                            path,
                            &field,
                            "asks for data Mast never shares: research exports hold no window titles, urls, apps \
                             outside the study's list, executable paths, host or user names. Remove it",
                        ));
                    }
                    let on = match value {
                        toml::Value::Boolean(b) => *b,
                        toml::Value::Array(list) => {
                            let allowed = FIELDS.iter().find(|(t, _)| t == key).map_or(&[][..], |(_, f)| *f);
                            let mut chosen = Vec::new();
                            for v in list {
                                match v.as_str() {
                                    Some(f) if allowed.contains(&f) => chosen.push(f.to_owned()),
                                    Some("title" | "titles" | "url" | "urls" | "app" | "exe") => {
                                        return Err(invalid(
                                            path,
                                            &field,
                                            "asks for data Mast never shares: research exports hold no window \
                                             titles, urls, apps outside the study's list or executable paths. Remove it",
                                        ))
                                    }
                                    _ => {
                                        return Err(invalid(
                                            path,
                                            &field,
                                            format!("lists {v}, not a field of {key}; choose from {}", allowed.join(", ")),
                                        ))
                                    }
                                }
                            }
                            c.fields.insert(key.clone(), chosen);
                            true
                        }
                        _ => return Err(invalid(path, &field, "must be true, false or a list of fields")),
                    };
                    match key.as_str() {
                        "daily_totals" => c.daily_totals = on,
                        "sessions" => c.sessions = on,
                        "spans" => c.spans = on,
                        _ => {
                            return Err(invalid(
                                path,
                                &field,
                                "is not something Mast collects; use daily_totals, sessions or spans",
                            ))
                        }
                    }
                }
                if !(c.daily_totals || c.sessions || c.spans) {
                    return Err(invalid(
                        path,
                        "collect",
                        "collects nothing; set daily_totals, sessions or spans to true",
                    ));
                }
                c
            }
        };

        let known = |field: &str, ids: &[String]| -> Result<()> {
            for id in ids {
                if !rules.platforms().iter().any(|p| &p.id == id) {
                    return Err(invalid(
                        path,
                        field,
                        format!("names '{id}', a platform Mast does not know; `mast rules list` shows the ids"),
                    ));
                }
            }
            Ok(())
        };
        let targets = match raw.targets {
            None => Targets::Platforms { platforms: rules.platforms().iter().map(|p| p.id.clone()).collect() },
            Some(t) => match t.report.as_deref().unwrap_or("platforms") {
                "platforms" => {
                    if t.categories.is_some() {
                        return Err(invalid(path, "targets.categories", "needs report = \"categories\""));
                    }
                    let platforms =
                        t.platforms.unwrap_or_else(|| rules.platforms().iter().map(|p| p.id.clone()).collect());
                    known("targets.platforms", &platforms)?;
                    Targets::Platforms { platforms }
                }
                "categories" => {
                    if t.platforms.is_some() {
                        return Err(invalid(
                            path,
                            "targets.platforms",
                            "is for report = \"platforms\"; use [targets.categories]",
                        ));
                    }
                    let categories = t.categories.unwrap_or_default();
                    if categories.is_empty() {
                        return Err(invalid(
                            path,
                            "targets.categories",
                            "is empty; add e.g. short_video = [\"tiktok\"]",
                        ));
                    }
                    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
                    for (name, platforms) in &categories {
                        if !category_name_ok(name) {
                            return Err(invalid(
                                path,
                                &format!("targets.categories.{name:?}"),
                                "needs a name of 1 to 64 lowercase letters, digits, '-' or '_', starting with a \
                                 letter or digit, and not \"other\"",
                            ));
                        }
                        let field = format!("targets.categories.{name}");
                        if platforms.is_empty() {
                            return Err(invalid(
                                path,
                                &field,
                                "lists no platforms; add some, e.g. [\"tiktok\"], or remove it",
                            ));
                        }
                        if let Some(p) = rules.platforms().iter().find(|p| &p.id == name && !platforms.contains(name)) {
                            return Err(invalid(
                                path,
                                &field,
                                format!(
                                    "is named like the platform '{}' but does not contain it; name it after what it groups",
                                    p.id
                                ),
                            ));
                        }
                        known(&field, platforms)?;
                        for p in platforms {
                            if let Some(first) = seen.insert(p, name) {
                                return Err(invalid(
                                    path,
                                    &field,
                                    format!("repeats '{p}', already in {first}; list each platform once"),
                                ));
                            }
                        }
                    }
                    Targets::Categories { categories }
                }
                other => {
                    return Err(invalid(
                        path,
                        "targets.report",
                        format!("'{other}' must be \"platforms\" or \"categories\""),
                    ))
                }
            },
        };

        let anonymisation = match raw.anonymisation {
            None => Anonymisation { time: TimeMode::Shifted, min_days: DEFAULT_MIN_DAYS },
            Some(a) => Anonymisation {
                time: match a.time.as_deref().unwrap_or("shifted") {
                    "shifted" => TimeMode::Shifted,
                    "relative_days" => TimeMode::RelativeDays,
                    other => {
                        return Err(invalid(
                            path,
                            "anonymisation.time",
                            format!("'{other}' must be \"shifted\" or \"relative_days\""),
                        ))
                    }
                },
                min_days: match a.min_days {
                    None => DEFAULT_MIN_DAYS,
                    Some(n) if (0..=366).contains(&n) => n as u32,
                    Some(n) => return Err(invalid(path, "anonymisation.min_days", format!("{n} must be 0 to 366"))),
                },
            },
        };

        Ok(Protocol { study_id, title, consent, period, collect, granularity_minutes, targets, anonymisation })
    }

    /// The name a platform is reported under in this study.
    pub fn target_name(&self, platform: Option<&str>) -> &str {
        let Some(p) = platform else { return OTHER };
        match &self.targets {
            Targets::Platforms { platforms } => platforms.iter().find(|x| *x == p).map_or(OTHER, String::as_str),
            Targets::Categories { categories } => {
                categories.iter().find(|(_, ps)| ps.iter().any(|x| x == p)).map_or(OTHER, |(name, _)| name.as_str())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "study_id = \"sleep-2027\"\ntitle = \"Sleep\"\nconsent = \"I agree.\"\n";

    fn parse(text: &str) -> Result<Protocol> {
        Protocol::parse(Path::new("study.toml"), text, &Rules::builtin())
    }

    fn error(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn a_minimal_protocol_gets_safe_defaults() {
        let p = parse(MINIMAL).unwrap();
        assert_eq!(p.study_id, "sleep-2027");
        assert_eq!(p.collect, Collect { daily_totals: true, sessions: false, spans: false, fields: BTreeMap::new() });
        assert_eq!(p.granularity_minutes, 15);
        assert_eq!(p.period, None);
        assert_eq!(p.anonymisation, Anonymisation { time: TimeMode::Shifted, min_days: 3 });
        let Targets::Platforms { platforms } = &p.targets else { panic!() };
        assert!(platforms.contains(&"instagram".to_owned()));
        assert_eq!(p.target_name(Some("instagram")), "instagram");
        assert_eq!(p.target_name(None), "other");
    }

    #[test]
    fn a_full_protocol_is_read() {
        let p = parse(&format!(
            "{MINIMAL}granularity_minutes = 5\n[period]\nfrom = 2027-01-10\nto = 2027-02-06\n\
             [collect]\ndaily_totals = true\nsessions = true\n\
             [targets]\nreport = \"categories\"\n[targets.categories]\nshort_video = [\"tiktok\", \"youtube\"]\n\
             [anonymisation]\ntime = \"relative_days\"\nmin_days = 0\n"
        ))
        .unwrap();
        assert_eq!(p.granularity_minutes, 5);
        assert_eq!(p.period.unwrap().0, NaiveDate::from_ymd_opt(2027, 1, 10).unwrap());
        assert!(p.collect.sessions && !p.collect.spans);
        assert!(p.collect.includes("sessions", "checks") && p.collect.includes("daily_totals", "seconds"));
        let q = parse(&format!("{MINIMAL}[collect]\ndaily_totals = [\"seconds\"]\n")).unwrap();
        assert!(q.collect.daily_totals && q.collect.includes("daily_totals", "seconds"));
        assert!(!q.collect.includes("daily_totals", "sessions") && q.collect.includes("daily_totals", "target"));
        assert_eq!(p.target_name(Some("youtube")), "short_video");
        assert_eq!(p.target_name(Some("instagram")), "other");
        assert_eq!(p.anonymisation.time, TimeMode::RelativeDays);
    }

    #[test]
    fn each_invalid_field_is_named_with_its_fix() {
        for (text, want) in [
            ("title = \"x\"\nconsent = \"y\"\n", "`study_id` is missing"),
            ("study_id = \"Sleep 2027\"\ntitle = \"x\"\nconsent = \"y\"\n", "`study_id` 'Sleep 2027' must be"),
            ("study_id = \"sleep\"\ntitle = \"x\"\n", "`consent` is missing"),
            ("study_id = \"sleep\"\ntitle = \" \"\nconsent = \"y\"\n", "`title` is empty"),
            (&format!("{MINIMAL}granularity_minutes = 7\n"), "`granularity_minutes` 7 must divide a day"),
            (&format!("{MINIMAL}[period]\nfrom = 2027-02-01\nto = 2027-01-01\n"), "`period.to` 2027-01-01 is before"),
            (&format!("{MINIMAL}[period]\nfrom = 2027-02-01\n"), "`period.to` is missing"),
            (&format!("{MINIMAL}[collect]\nsessions = \"yes\"\n"), "`collect.sessions` must be true, false or a list"),
            (&format!("{MINIMAL}[collect]\nsessions = [\"checks\"]\n"), "lists \"checks\", not a field of sessions; choose"),
            (&format!("{MINIMAL}[collect]\nkeystrokes = true\n"), "`collect.keystrokes` is not something"),
            (&format!("{MINIMAL}[collect]\ndaily_totals = false\n"), "`collect` collects nothing"),
            (&format!("{MINIMAL}[targets]\nplatforms = [\"myspace\"]\n"), "names 'myspace', a platform Mast does not know"),
            (&format!("{MINIMAL}[targets]\nreport = \"apps\"\n"), "`targets.report` 'apps' must be"),
            (
                &format!("{MINIMAL}[targets]\nreport = \"categories\"\n[targets.categories]\na = [\"tiktok\"]\nb = [\"tiktok\"]\n"),
                "repeats 'tiktok'",
            ),
            (&format!("{MINIMAL}[anonymisation]\ntime = \"exact\"\n"), "`anonymisation.time` 'exact' must be"),
            (&format!("{MINIMAL}[anonymisation]\nmin_days = -1\n"), "`anonymisation.min_days` -1 must be"),
            (&format!("{MINIMAL}participants = 3\n"), "`participants` (line 4): unknown field `participants`"),
            ("study_id = [", "`study_id` (line 1): unclosed array"),
            ("study_id = \"x\"\n= 3\n", "not valid TOML at line 2"),
            (&format!("{MINIMAL}granularity_minutes = \"15\"\n"), "`granularity_minutes` (line 4): string \"15\", expected a whole number"),
            (&format!("{MINIMAL}[anonymisation]\nmin_days = 2.5\n"), "`anonymisation.min_days` (line 5): "),
            (&format!("{MINIMAL}[period]\nfrom = \"2027-01-01\"\n"), "`period.from` (line 5): "),
            (&format!("{MINIMAL}[targets]\nplatform = [\"tiktok\"]\n"), "`targets.platform` (line 5): unknown field `platform`"),
        ] {
            let e = error(text);
            assert!(e.contains(want), "{text:?}\n  gave: {e}\n  want: {want}");
            assert!(e.contains("study.toml"), "{e}");
        }
    }

    /// Regression: a study category named `""` was accepted (an empty name passed the
    /// check of its characters), and with it whitespace-only names.
    #[test]
    fn study_categories_need_a_plain_name_and_platforms_of_their_own() {
        let cats = |body: &str| format!("{MINIMAL}[targets]\nreport = \"categories\"\n[targets.categories]\n{body}");
        for (body, want) in [
            ("\"\" = [\"tiktok\"]\n", "`targets.categories.\"\"` needs a name of 1 to 64"),
            ("\" \" = [\"tiktok\"]\n", "`targets.categories.\" \"` needs a name"),
            ("\"\\t\" = [\"tiktok\"]\n", "needs a name"),
            ("\"Short Video\" = [\"tiktok\"]\n", "needs a name"),
            ("\"-x\" = [\"tiktok\"]\n", "needs a name"),
            ("other = [\"tiktok\"]\n", "not \"other\""),
            ("short = []\n", "`targets.categories.short` lists no platforms"),
            ("youtube = [\"tiktok\"]\n", "named like the platform 'youtube' but does not contain it"),
            ("a = [\"tiktok\"]\na = [\"youtube\"]\n", "`targets.categories.a` (line 8): duplicate key"),
            ("a = [\"tiktok\"]\nb = [\"tiktok\"]\n", "repeats 'tiktok'"),
        ] {
            let e = error(&cats(body));
            assert!(e.contains(want), "{body:?}\n  gave: {e}\n  want: {want}");
        }
        let p = parse(&cats("tok = [\"tiktok\"]\nyoutube = [\"youtube\"]\nshort-video_2 = [\"instagram\"]\n")).unwrap();
        assert_eq!(p.target_name(Some("tiktok")), "tok");
        assert_eq!(p.target_name(Some("youtube")), "youtube");
    }

    #[test]
    fn a_protocol_asking_for_titles_or_other_personal_data_is_refused() {
        for key in ["titles", "urls", "exe", "hostname", "username"] {
            let e = error(&format!("{MINIMAL}[collect]\n{key} = true\n"));
            assert!(e.contains(&format!("`collect.{key}` asks for data Mast never shares")), "{e}");
        }
        let e = error(&format!("{MINIMAL}[collect]\nspans = [\"seconds\", \"title\"]\n"));
        assert!(e.contains("`collect.spans` asks for data Mast never shares"), "{e}");
    }
}
