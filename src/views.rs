//! What the surfaces show, computed once for all of them: the CLI prints these, the desktop
//! app sends them over IPC. Each function takes the store, the settings and `now` (only the
//! outermost layer reads the clock) and returns plain data with a stable JSON shape.

use crate::analysis::mismatch::{MismatchParams, MismatchReport, Period};
use crate::analysis::{Report, ReportParams};
use crate::classify::Rules;
use crate::goals::Goal;
use crate::localday;
use crate::model::Millis;
use crate::settings::Settings;
use crate::store::Store;
use crate::{Error, Result};
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

/// The first and last local days of the `period` holding `date`: the day itself, its
/// Monday-to-Sunday week, or its calendar month. `Custom` is the day alone.
pub fn period_days(period: Period, date: NaiveDate) -> (NaiveDate, NaiveDate) {
    match period {
        Period::Day | Period::Custom => (date, date),
        Period::Week => {
            let monday = date - Days::new(u64::from(date.weekday().num_days_from_monday()));
            (monday, monday + Days::new(6))
        }
        Period::Month => {
            let first = date.with_day(1).unwrap_or(date);
            let next = first.checked_add_months(Months::new(1)).unwrap_or(NaiveDate::MAX);
            (first, next.pred_opt().unwrap_or(next))
        }
    }
}

/// The usage report's parameters from the settings.
pub fn report_params(settings: &Settings, from: NaiveDate, to: NaiveDate) -> ReportParams {
    ReportParams {
        from,
        to,
        day_start_hour: settings.day_start_hour,
        session_gap_ms: settings.session_gap_secs as i64 * 1000,
        check_max_ms: settings.check_max_secs as i64 * 1000,
    }
}

/// Where "now" is: the instant, the local day it belongs to, and the zone's offset.
#[derive(Clone, Copy, Debug)]
pub struct Now {
    pub ms: Millis,
    pub utc_offset_min: i32,
}

impl Now {
    pub fn today(&self, settings: &Settings) -> NaiveDate {
        localday::local_day(self.ms, self.utc_offset_min, settings.day_start_hour)
    }
}

/// The mismatch report's parameters from the settings and goals.
pub fn mismatch_params(
    settings: &Settings,
    goals: Vec<Goal>,
    (period, from, to): (Period, NaiveDate, NaiveDate),
    now: Now,
    top_without_goals: usize,
) -> Result<MismatchParams> {
    let night = crate::settings::parse_window(&settings.late_night)
        .map_err(|e| Error::Invalid(format!("late_night in the settings: {e}")))?;
    Ok(MismatchParams {
        period,
        from,
        to,
        today: now.today(settings),
        now_ms: now.ms,
        day_start_hour: settings.day_start_hour,
        session_gap_ms: settings.session_gap_secs as i64 * 1000,
        check_max_ms: settings.check_max_secs as i64 * 1000,
        long_session_ms: settings.long_session_secs as i64 * 1000,
        quick_return_ms: settings.quick_return_secs as i64 * 1000,
        night,
        goals,
        region: settings.region.clone(),
        top_without_goals,
    })
}

/// The mismatch report for the `period` holding `date`.
pub fn mismatch(
    store: &Store,
    settings: &Settings,
    period: Period,
    date: NaiveDate,
    now: Now,
) -> Result<MismatchReport> {
    let (from, to) = period_days(period, date);
    store.mismatch(mismatch_params(settings, store.goals()?, (period, from, to), now, 3)?)
}

/// A stretch of the day's timeline: one platform (or other use) with gaps under the
/// session gap closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub start_ms: Millis,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub end_ms: Millis,
    /// `null` for time on anything that is not a tracked platform.
    pub platform: Option<String>,
}

/// The session going on now, if the last tracked use was less than a session gap ago.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CurrentSession {
    pub platform: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub start_ms: Millis,
    pub seconds: f64,
}

/// Everything the Today view shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TodayView {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub date: NaiveDate,
    pub report: Report,
    pub mismatch: MismatchReport,
    pub timeline: Vec<TimelineEntry>,
    pub current: Option<CurrentSession>,
    /// When recording began (the first span's start); `null` on a first run, before
    /// anything is recorded.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub recorded_since_ms: Option<Millis>,
}

/// At most this many spans feed one day's timeline (a day of 1 s spans is 86,400).
const TIMELINE_SPANS: usize = 100_000;

/// Today's usage, goals, timeline and current session.
pub fn today(store: &Store, settings: &Settings, now: Now) -> Result<TodayView> {
    let date = now.today(settings);
    let report = store.report(report_params(settings, date, date))?;
    let mismatch = mismatch(store, settings, Period::Day, date, now)?;
    let gap = settings.session_gap_secs as i64 * 1000;
    let lo = localday::day_start_ms(date, now.utc_offset_min, settings.day_start_hour);
    let hi = localday::day_start_ms(date.succ_opt().unwrap_or(date), now.utc_offset_min, settings.day_start_hour);
    let mut timeline: Vec<TimelineEntry> = Vec::new();
    for s in store.spans(lo, hi, TIMELINE_SPANS)? {
        match timeline.last_mut() {
            Some(last) if last.platform == s.platform && s.start_ms - last.end_ms < gap => {
                last.end_ms = last.end_ms.max(s.end_ms)
            }
            _ => timeline.push(TimelineEntry { start_ms: s.start_ms, end_ms: s.end_ms, platform: s.platform }),
        }
    }
    let current = store.last_session(None, gap)?.filter(|s| now.ms - s.end_ms < gap).map(|s| CurrentSession {
        platform: s.platform,
        start_ms: s.start_ms,
        seconds: (s.end_ms - s.start_ms) as f64 / 1000.0,
    });
    Ok(TodayView { date, report, mismatch, timeline, current, recorded_since_ms: store.first_span_ms()? })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_hold_their_date() {
        assert_eq!(period_days(Period::Week, d(2026, 11, 28)), (d(2026, 11, 23), d(2026, 11, 29)));
        assert_eq!(period_days(Period::Week, d(2026, 11, 23)), (d(2026, 11, 23), d(2026, 11, 29)));
        assert_eq!(period_days(Period::Month, d(2024, 2, 10)), (d(2024, 2, 1), d(2024, 2, 29)));
        assert_eq!(period_days(Period::Month, d(2026, 12, 31)), (d(2026, 12, 1), d(2026, 12, 31)));
        assert_eq!(period_days(Period::Day, d(2026, 1, 1)), (d(2026, 1, 1), d(2026, 1, 1)));
    }

    #[test]
    fn today_merges_the_timeline_and_finds_the_current_session() {
        use crate::classify::Rules;
        use crate::model::{Span, StoredWindow};
        use crate::settings::TitlePolicy;
        use crate::store::Classifier;
        let mut store = Store::open_in_memory().unwrap();
        let classifier = Classifier { rules: Rules::builtin(), policy: TitlePolicy::Targets };
        store.sync_classification(&classifier).unwrap();
        let settings = Settings::default();
        let noon = localday::day_start_ms(d(2026, 11, 28), 60, 0) + 12 * 3_600_000;
        let span = |start: Millis, secs: i64, app: &str, title: &str| Span {
            start_ms: start,
            end_ms: start + secs * 1000,
            utc_offset_min: 60,
            window: StoredWindow { app: app.into(), exe: app.into(), title: Some(title.into()), ..Default::default() },
        };
        let ig = "Instagram — Mozilla Firefox";
        let spans = vec![
            span(noon, 60, "Code", "main.rs - mast - Visual Studio Code"),
            span(noon + 60_000, 30, "firefox", ig),
            span(noon + 95_000, 30, "firefox", "Reels • Instagram — Mozilla Firefox"), // 5 s later
            span(noon + 125_000, 10, "Code", "main.rs - mast - Visual Studio Code"),
        ];
        store.insert_observed(spans, &classifier).unwrap();
        let now = Now { ms: noon + 140_000, utc_offset_min: 60 };
        let view = today(&store, &settings, now).unwrap();
        assert_eq!(view.date, d(2026, 11, 28));
        let platforms: Vec<_> = view.timeline.iter().map(|e| e.platform.as_deref()).collect();
        assert_eq!(platforms, [None, Some("instagram"), None]);
        assert_eq!((view.timeline[1].start_ms, view.timeline[1].end_ms), (noon + 60_000, noon + 125_000));
        let current = view.current.expect("instagram ended 15 s ago");
        assert_eq!((current.platform.as_str(), current.seconds), ("instagram", 65.0));
        assert_eq!(view.report.total.target_seconds, 60.0);
        assert_eq!(view.recorded_since_ms, Some(noon));

        // The next day, before anything is recorded: a quiet day, not a first run.
        let next = Now { ms: noon + 86_400_000, utc_offset_min: 60 };
        let view = today(&store, &settings, next).unwrap();
        assert!(view.timeline.is_empty() && view.current.is_none());
        assert_eq!(view.recorded_since_ms, Some(noon));
        let empty = Store::open_in_memory().unwrap();
        assert_eq!(today(&empty, &settings, now).unwrap().recorded_since_ms, None, "a first run");
    }
}

/// What the app is doing about tracking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum TrackingMode {
    /// The app tracks, on its own background thread.
    Tracking,
    /// Paused by the user until `pausedUntilMs`.
    Paused,
    /// A `mast track` process already tracks this data: the app only reads.
    External,
    /// Not tracking (no display, or the tracker stopped with an error).
    Stopped,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TrackingState {
    pub mode: TrackingMode,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub paused_until_ms: Option<Millis>,
    /// Why tracking stopped, when it did.
    pub message: Option<String>,
    /// The app shows the demo data dir; tracking, if on, still records the user's own data.
    pub demo: bool,
    /// The running tracker's sensor (the app's own or a `mast track`'s), or why none works:
    /// the badge shows a problem here instead of "Tracking".
    pub sensor: Option<crate::track::state::SensorState>,
    /// Whether the desktop shows tray icons (GNOME does not without an extension): when it
    /// doesn't, the app says how to get its window back.
    pub tray: bool,
    /// The session is GNOME's, where Mast needs its Shell extension: Settings offers to set
    /// it up.
    pub gnome: bool,
}

/// Where Mast keeps its data and settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DataLocation {
    pub data_dir: String,
    pub config_dir: String,
    pub db: String,
}

/// A worth rating as a surface asks for it: the latest session (of `platform`, if given)
/// or a local day (`date`, default today).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RatingInput {
    pub scope: crate::store::RatingScope,
    pub platform: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub date: Option<NaiveDate>,
    pub worth: bool,
}

/// Stores a worth rating; returns what was rated.
pub fn rate(store: &mut Store, settings: &Settings, input: &RatingInput, now: Now) -> Result<crate::store::NewRating> {
    use crate::store::{NewRating, RatingScope};
    let h = settings.day_start_hour;
    let rating = match input.scope {
        RatingScope::Session => {
            let gap = settings.session_gap_secs as i64 * 1000;
            let Some(s) = store.last_session(input.platform.as_deref(), gap)? else {
                return Err(Error::Invalid(match &input.platform {
                    Some(p) => format!("no session on '{p}' is recorded yet"),
                    None => "no session on a tracked platform is recorded yet".into(),
                }));
            };
            NewRating {
                scope: RatingScope::Session,
                day: localday::local_day(s.start_ms, s.utc_offset_min, h),
                platform: Some(s.platform),
                start_ms: s.start_ms,
                end_ms: s.end_ms,
                worth: input.worth,
            }
        }
        RatingScope::Day => {
            let date = input.date.unwrap_or_else(|| now.today(settings));
            if date > now.today(settings) {
                return Err(Error::Invalid(format!("{date} has not happened yet; rate today or an earlier day")));
            }
            let start = localday::day_start_ms(date, now.utc_offset_min, h);
            let end = localday::day_start_ms(date.succ_opt().unwrap_or(date), now.utc_offset_min, h);
            NewRating {
                scope: RatingScope::Day,
                platform: None,
                start_ms: start,
                end_ms: end,
                day: date,
                worth: input.worth,
            }
        }
    };
    store.add_rating(&rating, now.ms)?;
    Ok(rating)
}

/// An error as it crosses to a front end: a stable `code` to branch on and a `message` to
/// show as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct IpcError {
    pub code: String,
    pub message: String,
}

impl From<Error> for IpcError {
    fn from(e: Error) -> IpcError {
        IpcError { code: e.code().to_string(), message: e.to_string() }
    }
}

/// A platform to pick in a goal form, with how much the user used it lately.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct PlatformChoice {
    pub id: String,
    pub name: String,
    pub category: crate::model::Category,
    /// Other names that work in its place (`ig`, `yt`).
    pub aliases: Vec<String>,
    /// Time on it over the last four weeks.
    pub recent_seconds: f64,
}

/// Every platform the rules know, the ones the user spent most time on in the last four weeks
/// first, then the rest by name: the goal forms' picker, so the likely choice is at the top.
pub fn platform_choices(store: &Store, rules: &Rules, settings: &Settings, now: Now) -> Result<Vec<PlatformChoice>> {
    let today = now.today(settings);
    let report = store.report(report_params(settings, today - chrono::Days::new(27), today))?;
    let used = |id: &str| report.total.targets.iter().find(|t| t.platform == id).map_or(0.0, |t| t.seconds);
    let mut choices: Vec<PlatformChoice> = rules
        .platforms()
        .iter()
        .map(|p| PlatformChoice {
            id: p.id.clone(),
            name: p.name.clone(),
            category: p.category,
            aliases: p.aliases.clone(),
            recent_seconds: used(&p.id),
        })
        .collect();
    choices.sort_by(|a, b| {
        b.recent_seconds.total_cmp(&a.recent_seconds).then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    Ok(choices)
}

#[cfg(test)]
mod platform_choice_tests {
    use super::*;
    use crate::model::{Category, Span, StoredWindow};

    #[test]
    fn the_most_used_platforms_come_first_then_the_rest_by_name() {
        let mut store = Store::open_in_memory().unwrap();
        let now = Now { ms: 1_800_000_000_000, utc_offset_min: 0 };
        let span = |start: Millis, mins: i64, platform: &str, category: Category| Span {
            start_ms: start,
            end_ms: start + mins * 60_000,
            utc_offset_min: 0,
            window: StoredWindow {
                app: "firefox".into(),
                platform: Some(platform.into()),
                category: Some(category),
                ..StoredWindow::default()
            },
        };
        let day = 86_400_000;
        store
            .write_spans(&[
                span(now.ms - 3 * day, 10, "instagram", Category::Social),
                span(now.ms - 2 * day, 40, "youtube", Category::Video),
                // Five weeks ago: not "lately".
                span(now.ms - 35 * day, 600, "reddit", Category::Social),
            ])
            .unwrap();
        let rules = Rules::builtin();
        let choices = platform_choices(&store, &rules, &Settings::default(), now).unwrap();
        let ids: Vec<&str> = choices.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(&ids[..2], ["youtube", "instagram"]);
        assert_eq!(choices.len(), rules.platforms().len(), "every platform is offered");
        let rest: Vec<String> = choices[2..].iter().map(|c| c.name.to_lowercase()).collect();
        let mut sorted = rest.clone();
        sorted.sort();
        assert_eq!(rest, sorted, "the unused ones by name");
        assert!(choices.iter().find(|c| c.id == "instagram").unwrap().aliases.contains(&"ig".to_owned()));
    }
}
