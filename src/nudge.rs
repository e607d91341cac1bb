//! Nudges: deciding, poll by poll, which notifications the user's own goals call for. Pure
//! logic with `now` passed in: it keeps today's and this week's usage per target as running
//! tallies and says what to send; sending is [`crate::notify`]'s job and remembering what was
//! sent (across restarts) is the store's (`nudges` table).
//!
//! ```text
//! polls        |    |    |    |    |    |    |    |        gap ≥ session_gap
//! open span    [instagram------------------)                |
//! tally        +1s  +1s  +1s  …  24 min ─▶ "80 %" · 30 min ─▶ "100 %"
//! session      [start ─────────────────── last_end)  ·········┘ ended: long? ─▶ "worth it?"
//! ```
//!
//! Rules it holds:
//! - each nudge has a key (`goal:3:2026-11-28:80`); a key already sent never fires again;
//! - goal nudges fire only while the goal's target is in front: a nudge about Instagram
//!   while the user is elsewhere is noise;
//! - paused goals, intents, and goals not applying on the local day's weekday never nudge;
//! - `notifications = false` sends nothing. Inside quiet hours nothing is sent *and nothing
//!   is recorded*: a nudge that still holds when quiet hours end (the user is still past the
//!   limit, still in the long session) is sent then; a rating prompt for a session that ended
//!   during quiet hours is dropped, because asking later about a session long gone is noise;
//! - worth-it prompts follow a long session (longer than a session cap covering the platform,
//!   else `long_session_secs`) once it has ended, at most `rating_prompts_per_day` a day.
//!
//! Keys: daily limits `goal:ID:DAY:80|100`; weekly limits `goal:ID:week-MONDAY:80|100` (once
//! a week per threshold); downtime `goal:ID:DAY:downtime`; checks cap `goal:ID:DAY:checks`;
//! session caps `goal:ID:DAY:session-START_MS` (once per session: a second long session the
//! same day is a new overrun worth a word); rating prompts `rate:DAY:PLATFORM:START_MS`.

use crate::goals::{readable_duration, Goal, GoalKind, GoalSource, GoalTarget};
use crate::localday::{self, EpochDay};
use crate::model::{Category, Millis, Span};
use crate::settings::Settings;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

const MS_PER_MIN: i64 = 60_000;
const MS_PER_DAY: i64 = 86_400_000;

/// What the nudger needs from settings and rules.
#[derive(Clone, Debug)]
pub struct NudgeConfig {
    pub enabled: bool,
    /// Local minutes after midnight; the end may be before the start (crosses midnight).
    pub quiet_hours: Option<(u16, u16)>,
    pub rating_prompts_per_day: u32,
    pub long_session_ms: i64,
    pub session_gap_ms: i64,
    pub day_start_hour: u8,
    /// Display names by platform id ("youtube" → "YouTube").
    pub names: HashMap<String, String>,
}

impl NudgeConfig {
    pub fn new(settings: &Settings, rules: &crate::classify::Rules) -> NudgeConfig {
        NudgeConfig {
            enabled: settings.notifications,
            // Settings are validated on load; a bad window here means none.
            quiet_hours: settings.quiet_hours.as_deref().and_then(|q| crate::settings::parse_window(q).ok()),
            rating_prompts_per_day: settings.rating_prompts_per_day,
            long_session_ms: settings.long_session_secs as i64 * 1000,
            session_gap_ms: settings.session_gap_secs as i64 * 1000,
            day_start_hour: settings.day_start_hour,
            names: rules.platforms().iter().map(|p| (p.id.clone(), p.name.clone())).collect(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum NudgeKind {
    /// 80 % of a daily or weekly limit.
    LimitNear,
    /// 100 % of a daily or weekly limit.
    LimitReached,
    Downtime,
    SessionCap,
    ChecksCap,
    /// "Was this worth it?" after a long session.
    RatingPrompt,
}

/// The session a rating prompt asks about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RatingAsk {
    pub platform: String,
    pub start_ms: Millis,
    pub end_ms: Millis,
    pub day: NaiveDate,
}

/// One notification to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Nudge {
    /// The once-only key recorded in the store once the nudge is delivered.
    pub key: String,
    /// The local day it belongs to.
    pub day: NaiveDate,
    pub title: String,
    pub body: String,
    pub kind: NudgeKind,
    pub ask_rating: Option<RatingAsk>,
}

#[derive(Clone, Copy, Debug)]
struct Session {
    start: Millis,
    last_end: Millis,
    ended: bool,
}

/// Running usage of one target (a platform or a category).
#[derive(Clone, Debug, Default)]
struct Tally {
    day_ms: i64,
    week_ms: i64,
    /// Sessions begun today.
    sessions: u32,
    session: Option<Session>,
}

/// Decides the nudges. Feed it every poll with [`Nudger::observe`], then ask [`Nudger::due`].
pub struct Nudger {
    cfg: NudgeConfig,
    goals: Vec<Goal>,
    tallies: HashMap<GoalTarget, Tally>,
    day: Option<EpochDay>,
    week_start: EpochDay,
    sent: HashSet<String>,
    prompts_today: u32,
    /// The open span's start and how far of it is already counted.
    counted: Option<(Millis, Millis)>,
    /// The targets of the span in front, if any.
    current: Option<(String, Option<Category>)>,
    asks: Vec<RatingAsk>,
}

/// A span as the replay at start-up needs it.
#[derive(Clone, Debug)]
pub struct PastSpan {
    pub start_ms: Millis,
    pub end_ms: Millis,
    pub utc_offset_min: i32,
    pub platform: String,
    pub category: Option<Category>,
}

impl Nudger {
    /// `sent`: keys already recorded (at least this week's).
    pub fn new(cfg: NudgeConfig, goals: Vec<Goal>, sent: impl IntoIterator<Item = String>) -> Nudger {
        Nudger {
            cfg,
            goals,
            tallies: HashMap::new(),
            day: None,
            week_start: 0,
            sent: sent.into_iter().collect(),
            prompts_today: 0,
            counted: None,
            current: None,
            asks: Vec::new(),
        }
    }

    pub fn set_goals(&mut self, goals: Vec<Goal>) {
        self.goals = goals;
    }

    pub fn goals(&self) -> &[Goal] {
        &self.goals
    }

    /// Rebuilds the tallies from spans already stored this week (oldest first), so that a
    /// restart neither forgets usage nor re-asks about sessions that ended meanwhile.
    pub fn replay(&mut self, spans: impl IntoIterator<Item = PastSpan>, now: Millis, utc_offset_min: i32) {
        self.roll(now, utc_offset_min);
        let today = self.day.expect("roll sets the day");
        for s in spans {
            for (day, a, b) in
                localday::split_by_epoch_day(s.start_ms, s.end_ms, s.utc_offset_min, self.cfg.day_start_hour)
            {
                if day < self.week_start || day > today {
                    continue;
                }
                for target in targets(&s.platform, s.category) {
                    let gap = self.cfg.session_gap_ms;
                    let t = self.tallies.entry(target).or_default();
                    t.week_ms += b - a;
                    if day == today {
                        t.day_ms += b - a;
                    }
                    match &mut t.session {
                        Some(ss) if a - ss.last_end < gap && a >= ss.last_end - 1 => ss.last_end = ss.last_end.max(b),
                        _ => {
                            t.session = Some(Session { start: a, last_end: b, ended: false });
                            if day == today {
                                t.sessions += 1;
                            }
                        }
                    }
                }
            }
        }
        // Sessions that ended while the tracker was off are over; nobody is asked about them.
        for t in self.tallies.values_mut() {
            if let Some(ss) = &mut t.session {
                if now - ss.last_end >= self.cfg.session_gap_ms {
                    ss.ended = true;
                }
            }
        }
    }

    /// Takes one poll: the span in front (`open`) and the span this poll closed, if any.
    pub fn observe(&mut self, now: Millis, utc_offset_min: i32, open: Option<&Span>, closed: Option<&Span>) {
        self.roll(now, utc_offset_min);
        if let Some(c) = closed {
            // The closed span's end may have been cut back (idle) or moved to this poll.
            let already = match self.counted {
                Some((start, end)) if start == c.start_ms => end - start,
                _ => 0,
            };
            if let Some(p) = &c.window.platform {
                self.add(p.clone(), c.window.category, c.start_ms, c.end_ms, c.duration_ms() - already, utc_offset_min);
            }
            self.counted = None;
        }
        self.current = None;
        if let Some(o) = open {
            let delta = match self.counted {
                Some((start, end)) if start == o.start_ms => o.end_ms - end,
                _ => o.duration_ms(),
            };
            self.counted = Some((o.start_ms, o.end_ms));
            if let Some(p) = &o.window.platform {
                self.add(p.clone(), o.window.category, o.start_ms, o.end_ms, delta, utc_offset_min);
                self.current = Some((p.clone(), o.window.category));
            }
        }
        // Sessions that have seen no use for a whole gap are over.
        let gap = self.cfg.session_gap_ms;
        let mut ended = Vec::new();
        for (target, t) in &mut self.tallies {
            let Some(ss) = &mut t.session else { continue };
            if ss.ended || now - ss.last_end < gap {
                continue;
            }
            ss.ended = true;
            if let GoalTarget::Platform(p) = target {
                ended.push((p.clone(), *ss));
            }
        }
        for (platform, ss) in ended {
            self.ask_if_long(platform, ss, utc_offset_min);
        }
    }

    fn ask_if_long(&mut self, platform: String, ss: Session, utc_offset_min: i32) {
        let threshold = rating_threshold(&self.goals, &self.cfg, &platform, self.day.unwrap_or_default());
        if ss.last_end - ss.start > threshold {
            let day = localday::epoch_day(ss.start, utc_offset_min, self.cfg.day_start_hour);
            self.asks.push(RatingAsk {
                platform,
                start_ms: ss.start,
                end_ms: ss.last_end,
                day: localday::date_of(day),
            });
        }
    }

    /// The nudges to send now. Each is marked as sent; call [`Nudger::unmark`] if delivery
    /// fails so that it may fire again later.
    pub fn due(&mut self, now: Millis, utc_offset_min: i32) -> Vec<Nudge> {
        let asks = std::mem::take(&mut self.asks);
        if !self.cfg.enabled || self.day.is_none() {
            return Vec::new();
        }
        let minute = minute_of_day(now, utc_offset_min);
        if self.cfg.quiet_hours.is_some_and(|w| in_window(minute, w)) {
            return Vec::new();
        }
        let day = self.day.expect("checked");
        let date = localday::date_of(day);
        let mut out = Vec::new();
        if let Some((platform, category)) = self.current.clone() {
            for goal in &self.goals {
                if goal.paused || !goal.weekdays.contains(date.weekday()) || !covers(&goal.target, &platform, category)
                {
                    continue;
                }
                let tally = self.tallies.get(&goal.target).cloned().unwrap_or_default();
                let name = self.name(&goal.target);
                let id = goal.id;
                let mut push = |sent: &mut HashSet<String>, key: String, kind, title: String, body: String| {
                    if sent.insert(key.clone()) {
                        out.push(Nudge { key, day: date, title, body, kind, ask_rating: None });
                    }
                };
                match goal.kind {
                    GoalKind::DailyLimit { limit_secs } | GoalKind::WeeklyLimit { limit_secs } => {
                        let weekly = matches!(goal.kind, GoalKind::WeeklyLimit { .. });
                        let (used, period, scope) = match weekly {
                            false => (tally.day_ms, date.to_string(), "today"),
                            true => {
                                (tally.week_ms, format!("week-{}", localday::date_of(self.week_start)), "this week")
                            }
                        };
                        let limit = i64::from(limit_secs) * 1000;
                        // A family's shared goal says whose it is.
                        let what = match (&goal.source, weekly) {
                            (GoalSource::Family(f), true) => format!("{f}'s shared weekly"),
                            (GoalSource::Family(f), false) => format!("{f}'s shared daily"),
                            (GoalSource::Personal, true) => "your weekly".into(),
                            (GoalSource::Personal, false) => "your daily".into(),
                        };
                        let (k80, k100) = (format!("goal:{id}:{period}:80"), format!("goal:{id}:{period}:100"));
                        let title = format!(
                            "{name}: {} of {} {scope}",
                            crate::format::duration_ms(used),
                            readable_duration(limit_secs)
                        );
                        if used >= limit {
                            // Past both at once (a restart, a long absence of the server): only
                            // the 100 % nudge is worth sending.
                            let fresh = !self.sent.contains(&k100);
                            self.sent.insert(k80);
                            if fresh {
                                push(
                                    &mut self.sent,
                                    k100,
                                    NudgeKind::LimitReached,
                                    title,
                                    format!("You have reached {what} limit of {}.", readable_duration(limit_secs)),
                                );
                            }
                        } else if used * 5 >= limit * 4 {
                            push(
                                &mut self.sent,
                                k80,
                                NudgeKind::LimitNear,
                                title,
                                format!("80 % of {what} limit of {}.", readable_duration(limit_secs)),
                            );
                        }
                    }
                    GoalKind::Downtime { start_min, end_min } => {
                        if in_window(minute, (start_min, end_min)) {
                            push(
                                &mut self.sent,
                                format!("goal:{id}:{date}:downtime"),
                                NudgeKind::Downtime,
                                format!("{name}: inside your downtime {}–{}", hhmm(start_min), hhmm(end_min)),
                                format!(
                                    "You chose not to use {name} between {} and {}.",
                                    hhmm(start_min),
                                    hhmm(end_min)
                                ),
                            );
                        }
                    }
                    GoalKind::SessionCap { cap_secs } => {
                        if let Some(ss) = tally.session.filter(|s| !s.ended) {
                            let len = ss.last_end - ss.start;
                            if len > i64::from(cap_secs) * 1000 {
                                push(
                                    &mut self.sent,
                                    format!("goal:{id}:{date}:session-{}", ss.start),
                                    NudgeKind::SessionCap,
                                    format!(
                                        "{name}: this session is {}, past your {} cap",
                                        crate::format::duration_ms(len),
                                        readable_duration(cap_secs)
                                    ),
                                    "A good moment to stop.".into(),
                                );
                            }
                        }
                    }
                    GoalKind::ChecksCap { max_per_day } => {
                        if tally.sessions >= max_per_day.max(1) {
                            let title = if tally.sessions > max_per_day {
                                format!("{name}: {} sessions today, over your cap of {max_per_day}", tally.sessions)
                            } else {
                                format!("{name}: {} of {max_per_day} sessions today", tally.sessions)
                            };
                            push(
                                &mut self.sent,
                                format!("goal:{id}:{date}:checks"),
                                NudgeKind::ChecksCap,
                                title,
                                "You have used today's checks.".into(),
                            );
                        }
                    }
                    GoalKind::Intent { .. } => {}
                }
            }
        }
        for ask in asks {
            if self.prompts_today >= self.cfg.rating_prompts_per_day {
                break;
            }
            let key = format!("rate:{}:{}:{}", ask.day, ask.platform, ask.start_ms);
            if !self.sent.insert(key.clone()) {
                continue;
            }
            self.prompts_today += 1;
            let name = self.name(&GoalTarget::Platform(ask.platform.clone()));
            let took = crate::format::duration_ms(ask.end_ms - ask.start_ms);
            let (a, b) =
                (hhmm(minute_of_day(ask.start_ms, utc_offset_min)), hhmm(minute_of_day(ask.end_ms, utc_offset_min)));
            out.push(Nudge {
                key,
                day: ask.day,
                title: "Was this worth it?".into(),
                body: format!("{name}: {took}, {a}–{b}."),
                kind: NudgeKind::RatingPrompt,
                ask_rating: Some(ask),
            });
        }
        out
    }

    /// Delivery of `key` failed: it may fire again.
    pub fn unmark(&mut self, key: &str) {
        if self.sent.remove(key) && key.starts_with("rate:") {
            self.prompts_today = self.prompts_today.saturating_sub(1);
        }
    }

    /// Minutes on `target` today so far (for tests and status lines).
    pub fn today_ms(&self, target: &GoalTarget) -> i64 {
        self.tallies.get(target).map_or(0, |t| t.day_ms)
    }

    fn name(&self, target: &GoalTarget) -> String {
        match target {
            GoalTarget::Platform(p) => self.cfg.names.get(p).cloned().unwrap_or_else(|| capitalised(p)),
            GoalTarget::Category(c) => format!("{} apps", capitalised(c.as_str())),
        }
    }

    /// Moves to the local day of `now`: new day, fresh daily tallies; new week, fresh weekly.
    fn roll(&mut self, now: Millis, utc_offset_min: i32) {
        let day = localday::epoch_day(now, utc_offset_min, self.cfg.day_start_hour);
        if self.day == Some(day) {
            return;
        }
        let week = monday(day);
        for t in self.tallies.values_mut() {
            t.day_ms = 0;
            t.sessions = 0;
            if week != self.week_start {
                t.week_ms = 0;
            }
        }
        self.day = Some(day);
        self.week_start = week;
        let prefix = format!("rate:{}:", localday::date_of(day));
        self.prompts_today = self.sent.iter().filter(|k| k.starts_with(&prefix)).count() as u32;
    }

    fn add(
        &mut self,
        platform: String,
        category: Option<Category>,
        start: Millis,
        end: Millis,
        delta: i64,
        offset: i32,
    ) {
        let gap = self.cfg.session_gap_ms;
        let mut unended = None;
        for target in targets(&platform, category) {
            let is_platform = matches!(target, GoalTarget::Platform(_));
            let t = self.tallies.entry(target).or_default();
            t.day_ms = (t.day_ms + delta).max(0);
            t.week_ms = (t.week_ms + delta).max(0);
            match &mut t.session {
                Some(ss) if start - ss.last_end < gap && start >= ss.start => ss.last_end = end,
                _ => {
                    // A session the gap check has not ended yet (the machine slept through
                    // it) ends here.
                    if is_platform {
                        unended = t.session.filter(|s| !s.ended);
                    }
                    t.session = Some(Session { start, last_end: end, ended: false });
                    t.sessions += 1;
                }
            }
        }
        if let Some(ss) = unended {
            self.ask_if_long(platform, ss, offset);
        }
    }
}

fn targets(platform: &str, category: Option<Category>) -> impl Iterator<Item = GoalTarget> {
    std::iter::once(GoalTarget::Platform(platform.to_owned())).chain(category.map(GoalTarget::Category))
}

fn covers(target: &GoalTarget, platform: &str, category: Option<Category>) -> bool {
    match target {
        GoalTarget::Platform(p) => p == platform,
        GoalTarget::Category(c) => category == Some(*c),
    }
}

/// A session longer than this earns a worth-it prompt: a session cap covering the platform
/// that applies today, else `long_session_secs`.
fn rating_threshold(goals: &[Goal], cfg: &NudgeConfig, platform: &str, day: EpochDay) -> i64 {
    let weekday = localday::date_of(day).weekday();
    goals
        .iter()
        .filter(|g| !g.paused && g.weekdays.contains(weekday))
        .filter_map(|g| match (&g.target, &g.kind) {
            (GoalTarget::Platform(p), GoalKind::SessionCap { cap_secs }) if p == platform => {
                Some(i64::from(*cap_secs) * 1000)
            }
            _ => None,
        })
        .min()
        .unwrap_or(cfg.long_session_ms)
}

/// The first local day (Monday) of the week of `now`: where [`Nudger::replay`] starts.
pub fn week_start(now: Millis, utc_offset_min: i32, day_start_hour: u8) -> NaiveDate {
    localday::date_of(monday(localday::epoch_day(now, utc_offset_min, day_start_hour)))
}

fn monday(day: EpochDay) -> EpochDay {
    day - i64::from(localday::date_of(day).weekday().num_days_from_monday())
}

fn minute_of_day(at: Millis, utc_offset_min: i32) -> u16 {
    ((at + i64::from(utc_offset_min) * MS_PER_MIN).rem_euclid(MS_PER_DAY) / MS_PER_MIN) as u16
}

/// Whether `minute` is in `[start, end)`, a window that may cross midnight.
fn in_window(minute: u16, (start, end): (u16, u16)) -> bool {
    if start <= end {
        (start..end).contains(&minute)
    } else {
        minute >= start || minute < end
    }
}

fn hhmm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goals::{GoalId, GoalSource, Weekdays};
    use crate::model::StoredWindow;
    use chrono::NaiveDateTime;

    const MIN: i64 = 60_000;

    /// Local (offset 0) wall time on Wednesday 2026-11-25, or later days.
    fn at(s: &str) -> Millis {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap().and_utc().timestamp_millis()
    }

    fn cfg() -> NudgeConfig {
        NudgeConfig {
            enabled: true,
            quiet_hours: None,
            rating_prompts_per_day: 3,
            long_session_ms: 20 * MIN,
            session_gap_ms: MIN,
            day_start_hour: 4,
            names: [("youtube".to_string(), "YouTube".to_string())].into(),
        }
    }

    fn goal(id: i64, platform: &str, kind: GoalKind) -> Goal {
        Goal {
            id: GoalId(id),
            target: GoalTarget::Platform(platform.into()),
            kind,
            weekdays: Weekdays::ALL,
            paused: false,
            source: GoalSource::Personal,
        }
    }

    fn daily(id: i64, platform: &str, mins: u32) -> Goal {
        goal(id, platform, GoalKind::DailyLimit { limit_secs: mins * 60 })
    }

    fn span(platform: &str, start: Millis, end: Millis) -> Span {
        let category = if platform == "youtube" { Category::Video } else { Category::Social };
        Span {
            start_ms: start,
            end_ms: end,
            utc_offset_min: 0,
            window: StoredWindow {
                app: "firefox".into(),
                platform: Some(platform.into()),
                category: Some(category),
                ..StoredWindow::default()
            },
        }
    }

    /// Polls every second for `mins` minutes on `platform` (None: nothing in front), from
    /// `from`; returns the nudges and the time after the last poll.
    fn use_for(n: &mut Nudger, platform: Option<&str>, from: Millis, mins: i64) -> (Vec<Nudge>, Millis) {
        let mut out = Vec::new();
        let mut t = from;
        let end = from + mins * MIN;
        let mut closed_prev = None;
        while t < end {
            let open = platform.map(|p| span(p, from, t));
            n.observe(t, 0, open.as_ref(), closed_prev.take().as_ref());
            out.extend(n.due(t, 0));
            t += 1000;
        }
        if let Some(p) = platform {
            // The span ends when something else comes to the front.
            n.observe(t, 0, None, Some(&span(p, from, t)));
            out.extend(n.due(t, 0));
        }
        (out, t)
    }

    fn titles(v: &[Nudge]) -> Vec<&str> {
        v.iter().map(|n| n.title.as_str()).collect()
    }

    #[test]
    fn a_daily_limit_nudges_at_80_and_100_percent_once_each() {
        let mut n = Nudger::new(cfg(), vec![daily(3, "instagram", 30)], []);
        let (got, t) = use_for(&mut n, Some("instagram"), at("2026-11-25 20:00"), 35);
        assert_eq!(titles(&got), ["Instagram: 24 min of 30 min today", "Instagram: 30 min of 30 min today"]);
        assert_eq!(got[0].key, "goal:3:2026-11-25:80");
        assert_eq!(got[1].key, "goal:3:2026-11-25:100");
        assert_eq!((got[0].kind, got[1].kind), (NudgeKind::LimitNear, NudgeKind::LimitReached));
        let (again, _) = use_for(&mut n, Some("instagram"), t + 5 * MIN, 5);
        // Only the worth-it question about the 35-minute session that ended.
        assert_eq!(again.iter().map(|g| g.kind).collect::<Vec<_>>(), [NudgeKind::RatingPrompt]);
        // Other platforms do not count.
        assert_eq!(n.today_ms(&GoalTarget::Platform("youtube".into())), 0);
    }

    #[test]
    fn sent_keys_and_replayed_usage_hold_across_a_restart() {
        let start = at("2026-11-25 20:00");
        let mut first = Nudger::new(cfg(), vec![daily(3, "instagram", 30)], []);
        let (got, t) = use_for(&mut first, Some("instagram"), start, 25);
        assert_eq!(got.len(), 1);
        // A new tracker: the store gives back the sent keys and the spans.
        let mut n = Nudger::new(cfg(), vec![daily(3, "instagram", 30)], got.iter().map(|g| g.key.clone()));
        let past = PastSpan {
            start_ms: start,
            end_ms: t,
            utc_offset_min: 0,
            platform: "instagram".into(),
            category: Some(Category::Social),
        };
        n.replay([past], t + MIN, 0);
        assert_eq!(n.today_ms(&GoalTarget::Platform("instagram".into())), 25 * MIN);
        let (got, _) = use_for(&mut n, Some("instagram"), t + MIN, 10);
        assert_eq!(titles(&got), ["Instagram: 30 min of 30 min today"]);
    }

    #[test]
    fn past_both_thresholds_at_once_only_the_100_percent_nudge_is_sent() {
        let mut n = Nudger::new(cfg(), vec![daily(1, "instagram", 10)], []);
        let past = PastSpan {
            start_ms: at("2026-11-25 10:00"),
            end_ms: at("2026-11-25 10:20"),
            utc_offset_min: 0,
            platform: "instagram".into(),
            category: Some(Category::Social),
        };
        n.replay([past], at("2026-11-25 12:00"), 0);
        let (got, _) = use_for(&mut n, Some("instagram"), at("2026-11-25 12:00"), 1);
        assert_eq!(titles(&got), ["Instagram: 20 min of 10 min today"]);
    }

    #[test]
    fn downtime_across_midnight_nudges_once_per_local_day() {
        let g = goal(4, "instagram", GoalKind::Downtime { start_min: 23 * 60, end_min: 7 * 60 });
        let mut n = Nudger::new(cfg(), vec![g], []);
        let (got, _) = use_for(&mut n, Some("instagram"), at("2026-11-25 22:50"), 5);
        assert!(got.is_empty());
        let (got, _) = use_for(&mut n, Some("instagram"), at("2026-11-25 23:30"), 2);
        assert_eq!(titles(&got), ["Instagram: inside your downtime 23:00–07:00"]);
        // 01:00 still belongs to the 25th (days start at 04:00): no second nudge.
        let (got, _) = use_for(&mut n, Some("instagram"), at("2026-11-26 01:00"), 2);
        assert!(got.is_empty());
        // 05:00 is the 26th, still inside downtime.
        let (got, _) = use_for(&mut n, Some("instagram"), at("2026-11-26 05:00"), 2);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].key, "goal:4:2026-11-26:downtime");
        let (got, _) = use_for(&mut n, Some("instagram"), at("2026-11-26 07:30"), 2);
        assert!(got.is_empty());
    }

    #[test]
    fn quiet_hours_hold_nudges_back_without_recording_them() {
        let c = NudgeConfig { quiet_hours: Some((22 * 60, 8 * 60)), ..cfg() };
        let mut n = Nudger::new(c, vec![daily(1, "instagram", 10)], []);
        let (got, _) = use_for(&mut n, Some("instagram"), at("2026-11-25 23:00"), 15);
        assert!(got.is_empty());
        // Still over the limit and on Instagram when quiet hours end: sent then.
        let (got, _) = use_for(&mut n, Some("instagram"), at("2026-11-26 03:59"), 2);
        assert!(got.is_empty(), "03:59 is still quiet");
        let (got, _) = use_for(&mut n, Some("instagram"), at("2026-11-26 08:00"), 1);
        assert!(got.is_empty(), "a new local day: today's usage is 1 min");
        // Quiet until 20:45; past the limit at 20:40; still on Instagram at 20:45: sent then.
        let c = NudgeConfig { quiet_hours: Some((20 * 60, 20 * 60 + 45)), ..cfg() };
        let mut n = Nudger::new(c, vec![daily(1, "instagram", 10)], []);
        let (got, _) = use_for(&mut n, Some("instagram"), at("2026-11-25 20:30"), 20);
        assert_eq!(titles(&got), ["Instagram: 15 min of 10 min today"]);
    }

    #[test]
    fn notifications_off_sends_nothing() {
        let mut n = Nudger::new(NudgeConfig { enabled: false, ..cfg() }, vec![daily(1, "instagram", 1)], []);
        let (got, _) = use_for(&mut n, Some("instagram"), at("2026-11-25 20:00"), 30);
        assert!(got.is_empty());
    }

    #[test]
    fn paused_goals_and_other_weekdays_do_not_nudge() {
        let paused = Goal { paused: true, ..daily(1, "instagram", 1) };
        // The 25th is a Wednesday.
        let weekends = Goal { weekdays: Weekdays::WEEKENDS, ..daily(2, "instagram", 1) };
        let mut n = Nudger::new(cfg(), vec![paused, weekends.clone()], []);
        let (got, _) = use_for(&mut n, Some("instagram"), at("2026-11-25 20:00"), 5);
        assert!(got.is_empty(), "{got:?}");
        // Saturday the 28th, 01:00 is still Friday's local day; at 10:00 it is Saturday.
        let (got, _) = use_for(&mut n, Some("instagram"), at("2026-11-28 01:00"), 2);
        assert!(got.is_empty());
        let (got, _) = use_for(&mut n, Some("instagram"), at("2026-11-28 10:00"), 2);
        assert_eq!(
            got.iter().map(|g| g.key.as_str()).collect::<Vec<_>>(),
            ["goal:2:2026-11-28:80", "goal:2:2026-11-28:100"]
        );
    }

    #[test]
    fn a_session_past_its_cap_nudges_once_per_session_with_the_numbers() {
        let g = goal(5, "youtube", GoalKind::SessionCap { cap_secs: 15 * 60 });
        let mut n = Nudger::new(cfg(), vec![g], []);
        let (got, t) = use_for(&mut n, Some("youtube"), at("2026-11-25 20:00"), 17);
        let capped: Vec<_> = got.iter().filter(|g| g.kind == NudgeKind::SessionCap).collect();
        assert_eq!(capped.len(), 1);
        assert_eq!(capped[0].title, "YouTube: this session is 15 min, past your 15 min cap");
        // A second long session the same evening is a new overrun.
        let (got, _) = use_for(&mut n, Some("youtube"), t + 10 * MIN, 16);
        assert_eq!(got.iter().filter(|g| g.kind == NudgeKind::SessionCap).count(), 1);
    }

    #[test]
    fn the_checks_cap_nudges_when_reached() {
        let g = goal(6, "instagram", GoalKind::ChecksCap { max_per_day: 3 });
        let mut n = Nudger::new(cfg(), vec![g], []);
        let mut t = at("2026-11-25 09:00");
        let mut all = Vec::new();
        for _ in 0..4 {
            let (got, end) = use_for(&mut n, Some("instagram"), t, 1);
            all.extend(got);
            t = end + 10 * MIN;
        }
        assert_eq!(titles(&all), ["Instagram: 3 of 3 sessions today"]);
    }

    #[test]
    fn long_sessions_ask_whether_they_were_worth_it_up_to_the_daily_cap() {
        let mut n = Nudger::new(NudgeConfig { rating_prompts_per_day: 2, ..cfg() }, vec![], []);
        let mut t = at("2026-11-25 18:00");
        let mut asks = Vec::new();
        for mins in [21, 5, 22, 25] {
            let start = t;
            let (got, end) = use_for(&mut n, Some("youtube"), t, mins);
            assert!(got.is_empty(), "no question while the session goes on");
            // Two minutes away: the session is over.
            let (got, end) = use_for(&mut n, None, end, 2);
            asks.extend(got.into_iter().map(|g| (start, g)));
            t = end;
        }
        assert_eq!(asks.len(), 2, "{asks:?}");
        let (start, first) = &asks[0];
        assert_eq!(first.title, "Was this worth it?");
        assert_eq!(first.body, "YouTube: 21 min, 18:00–18:21.");
        let ask = first.ask_rating.as_ref().unwrap();
        assert_eq!(
            (ask.platform.as_str(), ask.start_ms, ask.day.to_string()),
            ("youtube", *start, "2026-11-25".into())
        );
        assert_eq!(first.key, format!("rate:2026-11-25:youtube:{start}"));
        // A restart the same day remembers the prompts already sent.
        let keys = asks.iter().map(|(_, g)| g.key.clone());
        let mut n = Nudger::new(NudgeConfig { rating_prompts_per_day: 2, ..cfg() }, vec![], keys);
        let (_, end) = use_for(&mut n, Some("youtube"), t, 30);
        let (got, _) = use_for(&mut n, None, end, 2);
        assert!(got.is_empty());
    }

    #[test]
    fn a_session_cap_lowers_the_bar_for_the_worth_it_question() {
        let g = goal(5, "youtube", GoalKind::SessionCap { cap_secs: 10 * 60 });
        let mut n = Nudger::new(cfg(), vec![g], []);
        let (_, end) = use_for(&mut n, Some("youtube"), at("2026-11-25 20:00"), 12);
        let (got, _) = use_for(&mut n, None, end, 2);
        assert_eq!(got.iter().filter(|g| g.kind == NudgeKind::RatingPrompt).count(), 1);
    }

    #[test]
    fn windows_cross_midnight() {
        assert!(in_window(23 * 60, (22 * 60, 7 * 60)));
        assert!(in_window(0, (22 * 60, 7 * 60)));
        assert!(!in_window(7 * 60, (22 * 60, 7 * 60)));
        assert!(in_window(9 * 60, (9 * 60, 17 * 60)));
        assert!(!in_window(17 * 60, (9 * 60, 17 * 60)));
    }
}
