//! Synthetic usage, generated reproducibly: believable days of a person for demos, screenshots
//! and tests ([`realistic`]), and the fixed benchmark workload ([`heavy_year`]).
//!
//! Spans come out as the tracker would store them before classification: raw window titles as
//! the X11 sensor sees them, `platform`, `category` and `rule` left `None` for the caller to
//! classify. Spans are in start order, never overlap, and are whole milliseconds. Nothing here
//! reads the clock or draws on OS randomness: the same arguments give the same spans, so a
//! demo database or a benchmark is the same on every machine. This module does not write to
//! the store; the caller does.

use crate::goals::{GoalKind, GoalSource, GoalTarget, NewGoal, Weekdays};
use crate::localday::{self, EpochDay};
use crate::model::{Millis, Span, StoredWindow};
use chrono::{Datelike, NaiveDate, Weekday};

const SEC: i64 = 1000;
const MIN: i64 = 60 * SEC;
const HOUR: i64 = 60 * MIN;

/// splitmix64: tiny, fast, and good enough to make usage look irregular. Not for anything
/// that needs real randomness.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift; the bias is below 2^-32 for our `n`.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..hi` milliseconds (`lo < hi`).
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo) as u64) as i64
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index into `weights`, chosen in proportion to them.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let mut r = self.below(weights.iter().map(|&w| u64::from(w)).sum());
        for (i, &w) in weights.iter().enumerate() {
            if r < u64::from(w) {
                return i;
            }
            r -= u64::from(w);
        }
        weights.len() - 1
    }
}

/// The splitmix64 finaliser: also used to derive independent streams from (seed, day).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// An application as the sensor names it: WM_CLASS class and executable.
#[derive(Clone, Copy, Debug)]
struct App {
    app: &'static str,
    exe: &'static str,
}

const FIREFOX: App = App { app: "firefox", exe: "firefox" };
const CHROME: App = App { app: "Google-chrome", exe: "chrome" };
const CODE: App = App { app: "Code", exe: "code" };
const TERMINAL: App = App { app: "Alacritty", exe: "alacritty" };
const DISCORD: App = App { app: "discord", exe: "Discord" };
const TELEGRAM: App = App { app: "TelegramDesktop", exe: "Telegram" };
const FILES: App = App { app: "org.gnome.Nautilus", exe: "nautilus" };

/// A kind of window with the titles it shows and how long one title typically stays up.
struct Source {
    app: App,
    titles: &'static [&'static str],
    /// Milliseconds one title (one span) lasts: `lo..hi`.
    dwell: (i64, i64),
}

const EDITOR: Source = Source {
    app: CODE,
    titles: &[
        "usage.rs - mast - Visual Studio Code",
        "localday.rs - mast - Visual Studio Code",
        "store.rs - mast - Visual Studio Code",
        "Cargo.toml - mast - Visual Studio Code",
        "README.md - mast - Visual Studio Code",
    ],
    dwell: (MIN, 15 * MIN),
};
const SHELL: Source = Source {
    app: TERMINAL,
    titles: &["cargo test", "~/src/mast", "git log --oneline", "htop"],
    dwell: (10 * SEC, 3 * MIN),
};
const WORK_WEB: Source = Source {
    app: FIREFOX,
    titles: &[
        "Pull requests · mast-app/mast · GitHub — Mozilla Firefox",
        "std::collections::HashMap - Rust — Mozilla Firefox",
        "rusqlite - Rust — Mozilla Firefox",
        "Inbox (3) - Gmail — Mozilla Firefox",
        "Stack Overflow - Where Developers Learn, Share, & Build Careers — Mozilla Firefox",
    ],
    dwell: (30 * SEC, 6 * MIN),
};
const OTHER_WEB: Source = Source {
    app: FIREFOX,
    titles: &[
        "Wikipedia, the free encyclopedia — Mozilla Firefox",
        "Weather forecast — Mozilla Firefox",
        "Amazon.de: Bücher — Mozilla Firefox",
        "Hacker News — Mozilla Firefox",
    ],
    dwell: (MIN, 8 * MIN),
};
const FILE_MANAGER: Source = Source { app: FILES, titles: &["Downloads", "Pictures"], dwell: (5 * SEC, MIN) };

const INSTAGRAM: Source = Source {
    app: FIREFOX,
    titles: &[
        "Instagram — Mozilla Firefox",
        "(3) Instagram — Mozilla Firefox",
        "(1) Instagram — Mozilla Firefox",
        "Instagram • Chats — Mozilla Firefox",
        "Reels • Instagram — Mozilla Firefox",
    ],
    dwell: (20 * SEC, 4 * MIN),
};
const X: Source = Source {
    app: FIREFOX,
    titles: &[
        "Home / X — Mozilla Firefox",
        "(2) Home / X — Mozilla Firefox",
        "Notifications / X — Mozilla Firefox",
        "Explore / X — Mozilla Firefox",
    ],
    dwell: (30 * SEC, 5 * MIN),
};
const REDDIT: Source = Source {
    app: FIREFOX,
    titles: &[
        "Reddit - The heart of the internet — Mozilla Firefox",
        "r/rust — Mozilla Firefox",
        "What is the best way to stop doomscrolling? : r/productivity — Mozilla Firefox",
        "Announcing Rust 1.85.0 : r/rust — Mozilla Firefox",
    ],
    dwell: (MIN, 6 * MIN),
};
const YOUTUBE: Source = Source {
    app: CHROME,
    titles: &[
        "YouTube - Google Chrome",
        "(4) YouTube - Google Chrome",
        "I Tried Living Like a Medieval Peasant for a Week - YouTube - Google Chrome",
        "The Insane Engineering of the James Webb Telescope - YouTube - Google Chrome",
        "Lofi hip hop radio 📚 beats to relax/study to - YouTube - Google Chrome",
        "10 Minute Pasta Recipes Anyone Can Make - YouTube - Google Chrome",
        "Why Trains Are So Hard to Stop - YouTube - Google Chrome",
    ],
    dwell: (2 * MIN, 20 * MIN),
};
const DISCORD_CHAT: Source = Source {
    app: DISCORD,
    titles: &[
        "#general | Rust Community - Discord",
        "Friends - Discord",
        "@alex - Discord",
        "#memes | Gaming Night - Discord",
    ],
    dwell: (20 * SEC, 5 * MIN),
};
const FACEBOOK: Source = Source {
    app: FIREFOX,
    titles: &[
        "Facebook — Mozilla Firefox",
        "(5) Facebook — Mozilla Firefox",
        "Watch | Facebook — Mozilla Firefox",
        "Example Studio | Facebook — Mozilla Firefox",
    ],
    dwell: (30 * SEC, 6 * MIN),
};
const TELEGRAM_CHAT: Source =
    Source { app: TELEGRAM, titles: &["Telegram", "Telegram (2)", "Telegram (1)"], dwell: (10 * SEC, 3 * MIN) };

/// The social targets, with how much each is drawn toward: for quick checks, and for the
/// sessions people sink into.
const SOCIAL: [&Source; 7] = [&INSTAGRAM, &X, &REDDIT, &YOUTUBE, &DISCORD_CHAT, &TELEGRAM_CHAT, &FACEBOOK];
const CHECK_WEIGHTS: [u32; 7] = [30, 20, 8, 4, 18, 20, 10];
const SESSION_WEIGHTS: [u32; 7] = [25, 15, 15, 30, 10, 5, 12];
const LATE_WEIGHTS: [u32; 7] = [30, 10, 20, 40, 0, 0, 10];

/// What a stretch of the day is for, which sets how activities are drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Morning,
    Work,
    Leisure,
    LateNight,
}

/// Spans of one day being written: a cursor and a hard end for the current block.
struct DayWriter {
    rng: Rng,
    spans: Vec<Span>,
    offset: i32,
    t: Millis,
    block_end: Millis,
}

impl DayWriter {
    fn block_over(&self) -> bool {
        self.block_end - self.t < SEC
    }

    /// A span of `title` in `app` for `dur`, clipped to the block. A window that is already
    /// in front just continues, as the tracker would merge it.
    fn span(&mut self, app: App, title: &str, dur: i64) {
        let end = (self.t + dur).min(self.block_end);
        if end <= self.t {
            return;
        }
        if let Some(last) = self.spans.last_mut() {
            let w = &last.window;
            if last.end_ms == self.t && w.app == app.app && w.title.as_deref() == Some(title) {
                last.end_ms = end;
                self.t = end;
                return;
            }
        }
        self.spans.push(Span {
            start_ms: self.t,
            end_ms: end,
            utc_offset_min: self.offset,
            window: StoredWindow {
                app: app.app.to_owned(),
                exe: app.exe.to_owned(),
                title: Some(title.to_owned()),
                url: None,
                platform: None,
                category: None,
                rule: None,
            },
        });
        self.t = end;
    }

    /// One stretch in a window of `s`, a title drawn from its list.
    fn visit(&mut self, s: &Source) {
        let dur = self.rng.between(s.dwell.0, s.dwell.1);
        let title = *self.rng.pick(s.titles);
        self.span(s.app, title, dur);
    }

    /// Away from the keyboard for `lo..hi` ms: no spans.
    fn away(&mut self, lo: i64, hi: i64) {
        let dur = self.rng.between(lo, hi);
        self.t = (self.t + dur).min(self.block_end);
    }

    /// Concentrated work: a few stretches in editor, terminal and work sites.
    fn focus(&mut self) {
        for _ in 0..self.rng.between(1, 7) {
            let source = [&EDITOR, &SHELL, &WORK_WEB][self.rng.weighted(&[50, 30, 20])];
            self.visit(source);
        }
    }

    /// A glance at a social target: in and out in under half a minute.
    fn check(&mut self) {
        let target = SOCIAL[self.rng.weighted(&CHECK_WEIGHTS)];
        let title = *self.rng.pick(target.titles);
        let dur = self.rng.between(3 * SEC, 28 * SEC);
        self.span(target.app, title, dur);
    }

    /// Time sunk into one target, title after title, now and then alt-tabbing away for a
    /// few seconds (which must not end the session in the report).
    fn session(&mut self, weights: &[u32], len: (i64, i64)) {
        let target = SOCIAL[self.rng.weighted(weights)];
        let until = self.t + self.rng.between(len.0, len.1);
        while self.t < until && !self.block_over() {
            let dur = self.rng.between(target.dwell.0, target.dwell.1).min(until - self.t).max(SEC);
            let title = *self.rng.pick(target.titles);
            self.span(target.app, title, dur);
            if self.rng.chance(0.15) {
                let elsewhere = [&TELEGRAM_CHAT, &FILE_MANAGER, &EDITOR][self.rng.weighted(&[5, 3, 2])];
                let title = *self.rng.pick(elsewhere.titles);
                let dur = self.rng.between(4 * SEC, 15 * SEC);
                self.span(elsewhere.app, title, dur);
            }
        }
    }

    fn block(&mut self, mode: Mode, start: Millis, end: Millis, weekend: bool) {
        // A block never starts before the previous one ended, so spans stay in order.
        self.t = self.t.max(start);
        self.block_end = end;
        let session_len = if weekend { (5 * MIN, 45 * MIN) } else { (3 * MIN, 25 * MIN) };
        while !self.block_over() {
            match mode {
                Mode::Morning => match self.rng.weighted(&[50, 25, 15, 10]) {
                    0 => self.check(),
                    1 => self.session(&SESSION_WEIGHTS, (2 * MIN, 8 * MIN)),
                    2 => self.visit(&OTHER_WEB),
                    _ => self.away(2 * MIN, 10 * MIN),
                },
                Mode::Work => match self.rng.weighted(&[55, 25, 5, 5, 10]) {
                    0 => self.focus(),
                    1 => self.check(),
                    2 => self.session(&SESSION_WEIGHTS, (2 * MIN, 10 * MIN)),
                    3 => self.visit(&OTHER_WEB),
                    _ => self.away(MIN, 15 * MIN),
                },
                Mode::Leisure => match self.rng.weighted(&[35, 20, 15, 10, 20]) {
                    0 => self.session(&SESSION_WEIGHTS, session_len),
                    1 => self.check(),
                    2 => self.visit(&OTHER_WEB),
                    3 => self.focus(),
                    _ => self.away(5 * MIN, 40 * MIN),
                },
                Mode::LateNight => match self.rng.weighted(&[55, 20, 10, 15]) {
                    0 => self.session(&LATE_WEIGHTS, (20 * MIN, 90 * MIN)),
                    1 => self.check(),
                    2 => self.session(&SESSION_WEIGHTS, (3 * MIN, 10 * MIN)),
                    _ => self.away(MIN, 5 * MIN),
                },
            }
        }
    }
}

/// Believable usage for `days` local days ending with `end_day`, at a fixed UTC offset.
///
/// Weekdays have a morning look at the feeds, two work blocks peppered with checks (under
/// 30 s) and the odd detour, a social evening and sometimes a long late night (past
/// midnight, at most to 02:30); weekends are later, longer and heavier. Each day draws
/// from its own stream derived from `(seed, date)`, so a day's spans do not depend on
/// `days`: a shorter run is a suffix of a longer one. Spans of a day lie within
/// 07:00–02:30 local time, so they fall on that local day for any day-start hour 03–07.
pub fn realistic(days: u32, end_day: NaiveDate, utc_offset_min: i32, seed: u64) -> impl Iterator<Item = Span> {
    let last = localday::epoch_day_of(end_day);
    let first = last - i64::from(days) + 1;
    (first..=last).flat_map(move |day| realistic_day(day, utc_offset_min, seed))
}

fn realistic_day(day: EpochDay, offset: i32, seed: u64) -> Vec<Span> {
    let date = localday::date_of(day);
    let midnight = localday::epoch_day_start_ms(day, offset, 0);
    let at = |h: i64, m: i64| midnight + h * HOUR + m * MIN;
    let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
    let rng = Rng::new(mix(seed ^ mix(day as u64)));
    let mut w = DayWriter { rng, spans: Vec::new(), offset, t: midnight, block_end: midnight };
    if weekend {
        let wake = at(9, 30) + w.rng.between(0, HOUR);
        w.block(Mode::Leisure, wake, at(13, 0), true);
        if w.rng.chance(0.7) {
            let start = at(14, 30) + w.rng.between(0, 30 * MIN);
            w.block(Mode::Leisure, start, at(18, 0), true);
        }
        w.block(Mode::Leisure, at(19, 0), at(23, 30), true);
        if w.rng.chance(0.6) {
            let end = at(25, 0) + w.rng.between(0, 90 * MIN);
            w.block(Mode::LateNight, at(23, 30), end, true);
        }
    } else {
        let wake = at(7, 0) + w.rng.between(0, 45 * MIN);
        let up = wake + w.rng.between(20 * MIN, 45 * MIN);
        w.block(Mode::Morning, wake, up, false);
        let start = at(9, 0) + w.rng.between(0, 30 * MIN);
        w.block(Mode::Work, start, at(12, 30), false);
        let (start, end) = (at(13, 30) + w.rng.between(0, 20 * MIN), at(17, 45) + w.rng.between(0, HOUR));
        w.block(Mode::Work, start, end, false);
        let start = at(19, 30) + w.rng.between(0, 30 * MIN);
        w.block(Mode::Leisure, start, at(23, 0), false);
        if w.rng.chance(0.3) {
            let end = at(24, 30) + w.rng.between(0, 90 * MIN);
            w.block(Mode::LateNight, at(23, 0), end, false);
        }
    }
    w.spans
}

/// How far back the demo's use "right now" reaches: the person has been at the computer
/// for this long when the demo is opened.
pub const LIVE_MS: Millis = 40 * MIN;

/// The demo person's use from `from` up to the present moment `now`, drawn for the time of
/// day (feeds in the morning, work by day, a social evening, a late night after 23:00), with
/// the last window still in front at `now`. It fills what [`realistic`] leaves empty (before
/// 07:00, or an away stretch) so that Today always has use that runs up to now:
///
/// ```text
///   realistic:  ====  ===      ==                  (ends, or pauses, before now)
///   live_tail:                      ==  ======  ===|now
///                                   ^ max(from, now - LIVE_MS)
/// ```
///
/// Deterministic in its arguments.
pub fn live_tail(from: Millis, now: Millis, utc_offset_min: i32, seed: u64) -> Vec<Span> {
    let start = from.max(now - LIVE_MS);
    if start >= now {
        return Vec::new();
    }
    let local_hour = (now + i64::from(utc_offset_min) * MIN).rem_euclid(24 * HOUR) / HOUR;
    let mode = match local_hour {
        5..=8 => Mode::Morning,
        9..=17 => Mode::Work,
        18..=22 => Mode::Leisure,
        _ => Mode::LateNight,
    };
    let rng = Rng::new(mix(seed ^ mix(now as u64 / MIN as u64)));
    let mut w = DayWriter { rng, spans: Vec::new(), offset: utc_offset_min, t: start, block_end: start };
    w.block(mode, start, now, false);
    // Someone is at the computer now: the last window stays in front up to this moment.
    match w.spans.last_mut() {
        Some(last) => last.end_ms = now,
        None => {
            w.t = start;
            w.check();
            if let Some(last) = w.spans.last_mut() {
                last.end_ms = now;
            }
        }
    }
    w.spans
}

/// Goals for the demo data dir, so the mismatch view has objectives to put beside the
/// demo's usage: a daily limit and a downtime on Instagram, a session cap on YouTube, a
/// checks cap on social apps, and an intent for Reddit.
pub fn goals() -> Vec<NewGoal> {
    let goal = |target: GoalTarget, kind: GoalKind| NewGoal {
        target,
        kind,
        weekdays: Weekdays::ALL,
        source: GoalSource::Personal,
    };
    let platform = |p: &str| GoalTarget::Platform(p.into());
    vec![
        goal(platform("instagram"), GoalKind::DailyLimit { limit_secs: 30 * 60 }),
        goal(platform("instagram"), GoalKind::Downtime { start_min: 23 * 60, end_min: 7 * 60 }),
        goal(platform("youtube"), GoalKind::SessionCap { cap_secs: 20 * 60 }),
        goal(GoalTarget::Category(crate::model::Category::Social), GoalKind::ChecksCap { max_per_day: 25 }),
        goal(
            platform("reddit"),
            GoalKind::Intent { purpose: "keep up with r/rust".into(), planned_secs: Some(15 * 60) },
        ),
    ]
}

/// Spans in [`heavy_year`].
pub const HEAVY_YEAR_SPANS: usize = 525_600;
const HEAVY_DAYS: i64 = 365;
const HEAVY_SPANS_PER_DAY: i64 = 1440;
const HEAVY_SPAN_MS: i64 = 20 * SEC;
/// Four two-hour blocks a day (local time since midnight); the last runs past midnight so
/// that calendar-day splitting is exercised too.
const HEAVY_BLOCKS: [i64; 4] = [8 * HOUR, 12 * HOUR, 16 * HOUR, 23 * HOUR];
const HEAVY_WINDOWS: [(App, &str); 8] = [
    (CODE, "usage.rs - mast - Visual Studio Code"),
    (TERMINAL, "cargo test"),
    (FIREFOX, "Pull requests · mast-app/mast · GitHub — Mozilla Firefox"),
    (FIREFOX, "std::collections::HashMap - Rust — Mozilla Firefox"),
    (FIREFOX, "(3) Instagram — Mozilla Firefox"),
    (CHROME, "Why Trains Are So Hard to Stop - YouTube - Google Chrome"),
    (DISCORD, "#general | Rust Community - Discord"),
    (FIREFOX, "Home / X — Mozilla Firefox"),
];

/// The benchmark workload, a year of heavy use: exactly [`HEAVY_YEAR_SPANS`] (525,600) spans
/// of 20 s over the 365 local days ending with `end_day` (8 h a day, 1,440 spans a day in
/// four contiguous two-hour blocks at 08:00, 12:00, 16:00 and 23:00), switching among eight
/// windows, four of them social targets (Instagram, YouTube, Discord, X), never the same
/// window twice in a row. Fully deterministic.
pub fn heavy_year(end_day: NaiveDate, utc_offset_min: i32) -> impl ExactSizeIterator<Item = Span> {
    HeavyYear {
        next: 0,
        first_day: localday::epoch_day_of(end_day) - HEAVY_DAYS + 1,
        offset: utc_offset_min,
        prev_window: 0,
    }
}

struct HeavyYear {
    next: usize,
    first_day: EpochDay,
    offset: i32,
    prev_window: usize,
}

impl Iterator for HeavyYear {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        if self.next >= HEAVY_YEAR_SPANS {
            return None;
        }
        let i = self.next as i64;
        self.next += 1;
        let (day, k) = (i / HEAVY_SPANS_PER_DAY, i % HEAVY_SPANS_PER_DAY);
        let per_block = HEAVY_SPANS_PER_DAY / HEAVY_BLOCKS.len() as i64;
        let midnight = localday::epoch_day_start_ms(self.first_day + day, self.offset, 0);
        let start_ms = midnight + HEAVY_BLOCKS[(k / per_block) as usize] + (k % per_block) * HEAVY_SPAN_MS;
        // Step 1–7 windows on from the last: a different window every span, drawn from a
        // hash of the index so the sequence is fixed.
        let w = (self.prev_window + 1 + (mix(i as u64) % 7) as usize) % HEAVY_WINDOWS.len();
        self.prev_window = w;
        let (app, title) = HEAVY_WINDOWS[w];
        Some(Span {
            start_ms,
            end_ms: start_ms + HEAVY_SPAN_MS,
            utc_offset_min: self.offset,
            window: StoredWindow {
                app: app.app.to_owned(),
                exe: app.exe.to_owned(),
                title: Some(title.to_owned()),
                url: None,
                platform: None,
                category: None,
                rule: None,
            },
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = HEAVY_YEAR_SPANS - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for HeavyYear {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{ReportBuilder, ReportParams, SpanRecord, TargetInfo};
    use crate::model::Category;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A stand-in for classification, enough to tell social targets from the rest.
    fn target_of(w: &StoredWindow) -> Option<u32> {
        let title = w.title.as_deref().unwrap_or("");
        if title.contains("Instagram") {
            Some(0)
        } else if title.contains("YouTube") {
            Some(1)
        } else if w.app == "discord" {
            Some(2)
        } else if title.contains("/ X —") {
            Some(3)
        } else if title.contains("Reddit") || title.contains(": r/") || title.starts_with("r/") {
            Some(4)
        } else if w.app == "TelegramDesktop" {
            Some(5)
        } else {
            None
        }
    }

    fn target_table() -> Vec<TargetInfo> {
        [
            ("instagram", Category::Social),
            ("youtube", Category::Video),
            ("discord", Category::Messaging),
            ("x", Category::Social),
            ("reddit", Category::Social),
            ("telegram", Category::Messaging),
        ]
        .into_iter()
        .map(|(p, c)| TargetInfo { platform: p.into(), category: c })
        .collect()
    }

    /// Checks ordering, overlap and shape of a stream of spans without holding it.
    fn assert_well_formed(spans: impl Iterator<Item = Span>) -> usize {
        let mut prev: Option<Span> = None;
        let mut n = 0;
        for s in spans {
            assert!(s.end_ms > s.start_ms, "empty span {s:?}");
            assert!(s.window.title.is_some() && !s.window.app.is_empty() && !s.window.exe.is_empty());
            assert_eq!((&s.window.platform, &s.window.category, &s.window.rule), (&None, &None, &None));
            if let Some(p) = &prev {
                assert!(p.end_ms <= s.start_ms, "overlap or disorder: {p:?} then {s:?}");
                assert!(
                    p.end_ms < s.start_ms || p.window != s.window,
                    "the same window twice in a row would have been one span: {s:?}"
                );
            }
            prev = Some(s);
            n += 1;
        }
        n
    }

    #[test]
    fn realistic_spans_are_ordered_disjoint_and_on_their_days() {
        let end = date(2024, 6, 30);
        let n = assert_well_formed(realistic(28, end, 120, 7));
        assert!((28 * 40..28 * 1500).contains(&n), "{n} spans for 28 days");
        for s in realistic(28, end, 120, 7) {
            let day = localday::local_day(s.start_ms, 120, 4);
            assert!(day > date(2024, 6, 2) && day <= end, "{day}");
            assert_eq!(localday::local_day(s.end_ms - 1, 120, 4), day, "a demo day stays inside its local day");
        }
    }

    #[test]
    fn realistic_is_deterministic_per_seed_and_day() {
        let end = date(2024, 6, 30);
        let a: Vec<_> = realistic(14, end, -300, 42).collect();
        assert_eq!(a, realistic(14, end, -300, 42).collect::<Vec<_>>());
        assert_ne!(a, realistic(14, end, -300, 43).collect::<Vec<_>>());
        // A shorter run is the tail of a longer one.
        let week: Vec<_> = realistic(7, end, -300, 42).collect();
        assert_eq!(&a[a.len() - week.len()..], &week[..]);
        assert_eq!(realistic(0, end, 0, 1).count(), 0);
    }

    #[test]
    fn realistic_usage_has_checks_long_nights_and_heavier_weekends() {
        let (from, to) = (date(2024, 4, 1), date(2024, 6, 30)); // 13 weeks
        let days = (to - from).num_days() as u32 + 1;
        let params = ReportParams { from, to, day_start_hour: 4, session_gap_ms: 60 * SEC, check_max_ms: 30 * SEC };
        let mut b = ReportBuilder::new(params);
        let mut long_late = 0;
        let mut run: Option<(u32, Millis, Millis)> = None; // target, session start, last end
        for s in realistic(days, to, 60, 2024) {
            let target = target_of(&s.window);
            b.push(&SpanRecord { start_ms: s.start_ms, end_ms: s.end_ms, utc_offset_min: 60, target });
            if let Some(t) = target {
                run = match run {
                    Some((rt, start, end)) if rt == t && s.start_ms - end < MIN => Some((t, start, s.end_ms)),
                    _ => Some((t, s.start_ms, s.end_ms)),
                };
                let (_, start, end) = run.unwrap();
                let local_hour = (start + 60 * MIN).rem_euclid(24 * HOUR) / HOUR;
                if end - start >= 45 * MIN && !(3..23).contains(&local_hour) {
                    long_late += 1;
                    run = None;
                }
            }
        }
        let r = b.finish(&target_table());
        let sessions: u32 = r.total.targets.iter().map(|t| t.sessions).sum();
        let checks: u32 = r.total.targets.iter().map(|t| t.checks).sum();
        assert!(checks > 10 * days, "{checks} checks in {days} days");
        assert!(sessions > checks + 2 * days, "{sessions} sessions, {checks} checks");
        assert!(long_late >= 10, "{long_late} long late-night sessions");
        assert!(r.total.targets.len() == 6, "{:?}", r.total.targets);

        let (mut weekend, mut weekday) = ((0.0, 0), (0.0, 0));
        for d in &r.days {
            let slot =
                if matches!(d.date.weekday(), Weekday::Sat | Weekday::Sun) { &mut weekend } else { &mut weekday };
            slot.0 += d.usage.target_seconds;
            slot.1 += 1;
        }
        let (we, wd) = (weekend.0 / f64::from(weekend.1), weekday.0 / f64::from(weekday.1));
        assert!(we > 1.3 * wd, "weekend {we} s/day vs weekday {wd} s/day on targets");
    }

    #[test]
    fn heavy_year_is_exactly_the_benchmark_workload() {
        let end = date(2024, 12, 31);
        let spans = heavy_year(end, 60);
        assert_eq!(spans.len(), HEAVY_YEAR_SPANS);
        assert_eq!(assert_well_formed(heavy_year(end, 60)), 525_600);

        let mut per_day = std::collections::BTreeMap::new();
        let mut windows = std::collections::BTreeSet::new();
        let mut targeted = 0usize;
        for s in heavy_year(end, 60) {
            assert_eq!(s.duration_ms(), 20_000);
            *per_day.entry(localday::local_day(s.start_ms, 60, 4)).or_insert(0) += 1;
            windows.insert(s.window.title.clone().unwrap());
            targeted += usize::from(target_of(&s.window).is_some());
        }
        assert_eq!(per_day.len(), 365);
        assert_eq!(per_day.keys().next(), Some(&date(2024, 1, 2)));
        assert_eq!(per_day.keys().last(), Some(&end));
        assert!(per_day.values().all(|&n| n == 1440));
        assert_eq!(windows.len(), 8);
        assert!((200_000..320_000).contains(&targeted), "{targeted} spans on targets");
    }

    #[test]
    fn heavy_year_is_deterministic() {
        let end = date(2024, 12, 31);
        assert!(heavy_year(end, 0).zip(heavy_year(end, 0)).all(|(a, b)| a == b));
        // The offset moves the clock times, not the sequence of windows.
        assert!(heavy_year(end, 0)
            .zip(heavy_year(end, 330))
            .take(5000)
            .all(|(a, b)| a.window == b.window && a.start_ms - b.start_ms == 330 * MIN));
    }

    #[test]
    fn rng_is_fixed_and_spreads() {
        let mut r = Rng::new(0);
        // splitmix64's published first output for seed 0.
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        let mut counts = [0u32; 7];
        for _ in 0..7000 {
            counts[r.below(7) as usize] += 1;
        }
        assert!(counts.iter().all(|&c| (800..1200).contains(&c)), "{counts:?}");
    }
}
