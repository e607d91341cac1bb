//! Words from numbers: a goal's objective and what was measured against it, and the
//! findings of a target — short sentences generated from the report's metrics, each
//! carrying the metric it rests on and its value, so a reader (or a test) can check it.
//! A finding is only written when its number says something: no canned text.

use super::{GoalEvaluation, MismatchParams, Status, TargetMismatch};
use crate::goals::{Goal, GoalKind, Weekdays};
use crate::localday;
use serde::{Deserialize, Serialize};

/// One generated sentence and the number behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Finding {
    pub text: String,
    /// The report field the sentence rests on (`longSessionsAtNight`, `mismatchIndex` …).
    pub metric: String,
    pub value: f64,
}

impl Finding {
    fn new(metric: &str, value: f64, text: String) -> Finding {
        Finding { text, metric: metric.into(), value }
    }
}

/// Findings read durations as every surface does ([`crate::format::duration`]).
pub use crate::format::duration;

fn percent(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

fn clock(min: u16) -> String {
    format!("{:02}:{:02}", min / 60, min % 60)
}

/// The goal as an objective: "at most 30 min a day", "no use 23:00–07:00 on weekdays".
pub fn objective(g: &Goal) -> String {
    if g.weekdays == Weekdays::ALL {
        g.kind.to_string()
    } else {
        format!("{} on {}", g.kind, g.weekdays)
    }
}

fn of_days(e: &GoalEvaluation) -> String {
    let days = |n: u32| if n == 1 { "day".to_string() } else { "days".to_string() };
    let mut s = format!("kept on {} of {} {}", e.days_kept, e.days_applicable, days(e.days_applicable));
    if e.days_at_risk > 0 {
        s.push_str(", at risk today");
    }
    s
}

/// What was measured against a goal, in words with its numbers.
pub fn measured(e: &GoalEvaluation) -> String {
    let judged: Vec<_> =
        e.days.iter().filter(|d| !matches!(d.status, Status::Future | Status::NotApplicable)).collect();
    if judged.is_empty() && e.weeks.iter().all(|w| w.status == Status::Future) {
        return "nothing to judge yet in this period".into();
    }
    let n = judged.len().max(1) as f64;
    match &e.goal.kind {
        GoalKind::DailyLimit { .. } => {
            let avg = judged.iter().map(|d| d.used_seconds).sum::<f64>() / n;
            if let ([d], GoalKind::DailyLimit { limit_secs }) = (judged.as_slice(), &e.goal.kind) {
                let over = d.used_seconds - f64::from(*limit_secs);
                if over > 0.0 {
                    format!("{} used; {} over", duration(d.used_seconds), duration(over))
                } else {
                    format!("{} used; {} left", duration(d.used_seconds), duration(d.left_seconds.unwrap_or(0.0)))
                }
            } else {
                format!("{} a day on average; {}", duration(avg), of_days(e))
            }
        }
        GoalKind::WeeklyLimit { limit_secs } => {
            let weeks: Vec<_> = e.weeks.iter().filter(|w| w.status != Status::Future).collect();
            let kept = weeks.iter().filter(|w| w.status != Status::Broken).count();
            match weeks.as_slice() {
                [w] if w.used_seconds > f64::from(*limit_secs) => format!(
                    "{} in the week of {}; {} over",
                    duration(w.used_seconds),
                    w.from.format("%-d %b"),
                    duration(w.used_seconds - f64::from(*limit_secs))
                ),
                [w] => format!(
                    "{} in the week of {}; {} left",
                    duration(w.used_seconds),
                    w.from.format("%-d %b"),
                    duration(w.left_seconds)
                ),
                _ => format!("kept in {} of {} weeks", kept, weeks.len()),
            }
        }
        GoalKind::Downtime { .. } => {
            let inside: f64 = judged.iter().map(|d| d.downtime_seconds).sum();
            if inside == 0.0 {
                format!("no use inside downtime; {}", of_days(e))
            } else {
                format!("{} inside downtime; {}", duration(inside), of_days(e))
            }
        }
        GoalKind::SessionCap { .. } | GoalKind::Intent { planned_secs: Some(_), .. } => {
            let longest = judged.iter().map(|d| d.longest_session_seconds).fold(0.0, f64::max);
            let over = e.days_broken;
            let what = if matches!(e.goal.kind, GoalKind::SessionCap { .. }) { "the cap" } else { "plan" };
            if longest == 0.0 {
                "no sessions".into()
            } else if over == 0 {
                format!("no session over {what}; longest {}", duration(longest))
            } else {
                format!("sessions over {what} on {over} of {} days; longest {}", e.days_applicable, duration(longest))
            }
        }
        GoalKind::ChecksCap { .. } => {
            let most = judged.iter().map(|d| d.sessions).max().unwrap_or(0);
            format!("up to {most} sessions a day; {}", of_days(e))
        }
        GoalKind::Intent { planned_secs: None, .. } => {
            let sessions: u32 = judged.iter().map(|d| d.sessions).sum();
            let used: f64 = judged.iter().map(|d| d.used_seconds).sum();
            format!("{} in {} sessions", duration(used), sessions)
        }
    }
}

/// The findings for one target, most telling first.
pub fn for_row(row: &TargetMismatch, p: &MismatchParams) -> Vec<Finding> {
    let mut out = Vec::new();
    // Under half a percent would read "0 % of …": true, and says nothing.
    if let Some(index) = row.mismatch_index.filter(|&i| i >= 0.005) {
        out.push(Finding::new(
            "mismatchIndex",
            index,
            format!(
                "{} of your {} went past your own goals ({} captured)",
                percent(index),
                duration(row.seconds),
                duration(row.captured_seconds)
            ),
        ));
    }
    for e in &row.goals {
        let inside: f64 = e.days.iter().map(|d| d.downtime_seconds).sum();
        if matches!(e.goal.kind, GoalKind::Downtime { .. }) && inside > 0.0 {
            let days = e.days.iter().filter(|d| d.downtime_seconds > 0.0).count();
            out.push(Finding::new(
                "downtimeSeconds",
                inside,
                format!(
                    "{} inside downtime ({}), on {} {}",
                    duration(inside),
                    objective(&e.goal).trim_start_matches("no use "),
                    days,
                    if days == 1 { "day" } else { "days" }
                ),
            ));
        }
    }
    let Some(pt) = &row.patterns else { return out };
    if pt.long_sessions > 0 && pt.long_sessions_at_night * 2 >= pt.long_sessions && pt.long_sessions_at_night > 0 {
        out.push(Finding::new(
            "longSessionsAtNight",
            f64::from(pt.long_sessions_at_night),
            format!(
                "{} of {} long sessions began between {} and {}",
                pt.long_sessions_at_night,
                pt.long_sessions,
                clock(p.night.0),
                clock(p.night.1)
            ),
        ));
    }
    if let Some(longest) = &pt.longest {
        if pt.long_sessions > 0 {
            let start = longest.start_ms + i64::from(longest.utc_offset_min) * 60_000;
            let at = chrono::DateTime::from_timestamp_millis(start).map(|t| t.naive_utc());
            if let Some(at) = at {
                out.push(Finding::new(
                    "longestSessionSeconds",
                    longest.seconds,
                    format!(
                        "Longest session {}, from {} on {}",
                        duration(longest.seconds),
                        at.format("%H:%M"),
                        at.format("%a %-d %b")
                    ),
                ));
            }
        }
    }
    if pt.sessions >= 5 && f64::from(pt.checks) >= 0.3 * f64::from(pt.sessions) {
        let share = f64::from(pt.checks) / f64::from(pt.sessions);
        out.push(Finding::new(
            "checkShare",
            share,
            format!("{} of {} sessions were checks under {} s", percent(share), pt.sessions, p.check_max_ms / 1000),
        ));
    }
    if let (Some(share), Some(median)) = (pt.quick_return_share, pt.return_median_seconds) {
        if pt.sessions >= 5 && share >= 0.5 {
            out.push(Finding::new(
                "quickReturnShare",
                share,
                format!(
                    "{} of returns came within {}; median return {}",
                    percent(share),
                    duration(p.quick_return_ms as f64 / 1000.0),
                    duration(median)
                ),
            ));
        }
    }
    if pt.seconds > 0.0 && pt.late_night_seconds >= 600.0 && pt.late_night_seconds >= 0.1 * pt.seconds {
        out.push(Finding::new(
            "lateNightSeconds",
            pt.late_night_seconds,
            format!(
                "{} late at night ({}–{}), {} of the time",
                duration(pt.late_night_seconds),
                clock(p.night.0),
                clock(p.night.1),
                percent(pt.late_night_seconds / pt.seconds)
            ),
        ));
    }
    if let Some(ratio) = pt.trend_ratio {
        if pt.seconds.max(pt.previous_seconds) >= 600.0 && (ratio - 1.0).abs() >= 0.2 {
            let word = if ratio > 1.0 { "Up" } else { "Down" };
            out.push(Finding::new(
                "trendRatio",
                ratio,
                format!(
                    "{word} {} on {} ({} → {})",
                    percent((ratio - 1.0).abs()),
                    compared_with(p),
                    duration(pt.previous_seconds),
                    duration(pt.seconds)
                ),
            ));
        }
    }
    // The busiest weekday × hour, when it holds a real share of the time (a period of a
    // week or more, so that the weekday means something).
    if localday::epoch_day_of(p.to) - localday::epoch_day_of(p.from) >= 6 && pt.seconds >= 3600.0 {
        let mut best = (0, 0, 0.0);
        for (d, row) in pt.hour_weekday_seconds.iter().enumerate() {
            for (h, &s) in row.iter().enumerate() {
                if s > best.2 {
                    best = (d, h, s);
                }
            }
        }
        if best.2 >= 0.1 * pt.seconds {
            const DAYS: [&str; 7] =
                ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"];
            out.push(Finding::new(
                "peakHourSeconds",
                best.2,
                format!(
                    "{} of the time fell on {} between {:02}:00 and {:02}:00",
                    percent(best.2 / pt.seconds),
                    DAYS[best.0],
                    best.1,
                    (best.1 + 1) % 24
                ),
            ));
        }
    }
    if row.rated_seconds > 0.0 && row.regretted_seconds > 0.0 {
        out.push(Finding::new(
            "regrettedSeconds",
            row.regretted_seconds,
            format!(
                "You rated {} not worth it, {} of the time you rated",
                duration(row.regretted_seconds),
                percent(row.regretted_seconds / row.rated_seconds)
            ),
        ));
    }
    out
}

/// What the trend compares with: a whole previous period, or its first days while this
/// one is still going on.
fn compared_with(p: &MismatchParams) -> &'static str {
    let partial = p.today >= p.from && p.today < p.to;
    match (p.period, partial) {
        (super::Period::Day, _) => "the day before",
        (super::Period::Week, false) => "the week before",
        (super::Period::Week, true) => "the same days of the week before",
        (super::Period::Month, false) => "the month before",
        (super::Period::Month, true) => "the same days of the month before",
        (super::Period::Custom, _) => "the days just before",
    }
}
