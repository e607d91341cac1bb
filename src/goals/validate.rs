//! Whether a goal makes sense before it is stored: a target the rules know, limits a day or
//! a week can hold, a real downtime window, an intent with a purpose, and no second active
//! goal saying the same thing about the same target on the same days. Messages say how to
//! fix the goal. Parsing what the user typed is [`super::parse`]'s job.

use super::display::clock;
use super::{Goal, GoalKind, GoalTarget, NewGoal, Weekdays};
use crate::classify::Rules;

const DAY_SECS: u32 = 24 * 3600;
const WEEK_SECS: u32 = 7 * DAY_SECS;
/// One session a minute, all day: beyond this a checks cap constrains nothing.
const MAX_CHECKS: u32 = 24 * 60;
const MAX_PURPOSE_CHARS: usize = 200;

/// Checks `new` against the rules and the goals already stored. `existing` must not hold
/// the goal being edited; paused goals in it never conflict.
pub fn validate(new: &NewGoal, existing: &[Goal], rules: &Rules) -> Result<(), String> {
    target(&new.target, rules)?;
    kind(&new.kind)?;
    if new.weekdays.0 & Weekdays::ALL.0 == 0 || new.weekdays.0 > Weekdays::ALL.0 {
        return Err("a goal needs at least one day; use --days all, weekdays, weekends or a list like mon,wed".into());
    }
    duplicate(new, existing)
}

/// Checks a goal's own values (kind and days) without the rules or other goals: what every
/// device checks of a family's shared goal, whose target the organiser's rules vouched for.
pub fn validate_values(new: &NewGoal) -> Result<(), String> {
    kind(&new.kind)?;
    if new.weekdays.0 & Weekdays::ALL.0 == 0 || new.weekdays.0 > Weekdays::ALL.0 {
        return Err("a goal needs at least one day".into());
    }
    Ok(())
}

fn target(target: &GoalTarget, rules: &Rules) -> Result<(), String> {
    let GoalTarget::Platform(id) = target else { return Ok(()) };
    let platforms = rules.platforms();
    if platforms.iter().any(|p| &p.id == id) {
        return Ok(());
    }
    let close: Vec<&str> = platforms
        .iter()
        .filter(|p| {
            let name = p.name.to_lowercase();
            edit_distance(&p.id, id) <= 2
                || name == *id
                || (id.len() >= 3 && (p.id.contains(id.as_str()) || id.contains(p.id.as_str()) && p.id.len() >= 3))
        })
        .map(|p| p.id.as_str())
        .collect();
    let hint = match close.as_slice() {
        [] => ".".to_string(),
        [one] => format!("; did you mean {one}?"),
        many => format!("; did you mean one of {}?", many.join(", ")),
    };
    Err(format!(
        "Mast knows no platform '{id}'{hint} `mast rules list` shows the platforms it knows (the rules file \
         can add more); social, video and messaging are categories"
    ))
}

fn kind(kind: &GoalKind) -> Result<(), String> {
    match kind {
        GoalKind::DailyLimit { limit_secs } => {
            limit(*limit_secs, DAY_SECS, "a daily limit", "--daily 30m", "24h", "a day")
        }
        GoalKind::WeeklyLimit { limit_secs } => {
            limit(*limit_secs, WEEK_SECS, "a weekly limit", "--weekly 5h", "168h", "a week")
        }
        GoalKind::SessionCap { cap_secs } => {
            limit(*cap_secs, DAY_SECS, "a session cap", "--session-cap 15m", "24h", "a day")
        }
        GoalKind::ChecksCap { max_per_day } if *max_per_day > MAX_CHECKS => Err(format!(
            "a checks cap of {max_per_day} sessions a day is more than one a minute and would never be reached; \
             give a number you would notice, like --checks 10"
        )),
        GoalKind::ChecksCap { .. } => Ok(()),
        GoalKind::Downtime { start_min, end_min } => {
            if *start_min > 1439 || *end_min > 1439 {
                return Err("a downtime window runs between times of day from 00:00 to 23:59, like 23:00-07:00".into());
            }
            if start_min == end_min {
                return Err(format!(
                    "the downtime window {0}-{0} starts and ends at the same time; give a window like 23:00-07:00",
                    clock(*start_min)
                ));
            }
            Ok(())
        }
        GoalKind::Intent { purpose, planned_secs } => {
            if purpose.trim().is_empty() {
                return Err(
                    "an intent needs a purpose in your own words, like --intent \"keep up with family photos\"".into(),
                );
            }
            if purpose.chars().count() > MAX_PURPOSE_CHARS {
                return Err(format!("keep the purpose to {MAX_PURPOSE_CHARS} characters; a short sentence is enough"));
            }
            match planned_secs {
                Some(p) => limit(*p, DAY_SECS, "a planned session length", "--planned 10m", "24h", "a day"),
                None => Ok(()),
            }
        }
    }
}

fn limit(secs: u32, most: u32, what: &str, example: &str, most_flag: &str, period: &str) -> Result<(), String> {
    if secs == 0 {
        return Err(format!("{what} must be more than zero; give one like {example}"));
    }
    if secs > most {
        return Err(format!(
            "{what} of {} is more than {period} holds; give at most {most_flag}, like {example}",
            super::readable_duration(secs)
        ));
    }
    Ok(())
}

fn duplicate(new: &NewGoal, existing: &[Goal]) -> Result<(), String> {
    let clash = existing.iter().find(|g| {
        !g.paused
            && g.target == new.target
            && g.kind.same_kind(&new.kind)
            && g.weekdays.overlaps(new.weekdays)
            && match (&g.kind, &new.kind) {
                // Several downtime windows on one target are fine as long as they do not
                // overlap (say 09:00-12:00 and 23:00-07:00); overlapping ones should be one.
                (
                    GoalKind::Downtime { start_min: a0, end_min: a1 },
                    GoalKind::Downtime { start_min: b0, end_min: b1 },
                ) => windows_overlap((*a0, *a1), (*b0, *b1)),
                _ => true,
            }
    });
    let Some(g) = clash else { return Ok(()) };
    let days = if g.weekdays == Weekdays::ALL {
        String::new()
    } else {
        format!(", or give this goal days other than {} with --days", g.weekdays)
    };
    Err(format!(
        "{} already has {} (goal {}: {}); edit it with `mast goals edit {} {}`{days}",
        new.target,
        g.kind.noun(),
        g.id,
        g.kind,
        g.id,
        new.kind.flags()
    ))
}

/// Whether two windows of the day (minutes after midnight, end before start crossing
/// midnight) share a minute.
fn windows_overlap(a: (u16, u16), b: (u16, u16)) -> bool {
    // Each window as one or two half-open ranges within 0..1440.
    fn ranges((s, e): (u16, u16)) -> Vec<(u16, u16)> {
        if s < e {
            vec![(s, e)]
        } else {
            vec![(s, 1440), (0, e)]
        }
    }
    let (ra, rb) = (ranges(a), ranges(b));
    ra.iter().any(|x| rb.iter().any(|y| x.0 < y.1 && y.0 < x.1))
}

/// Levenshtein distance, for "did you mean" suggestions among a few dozen short ids.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse_downtime;
    use super::super::{GoalId, GoalSource};
    use super::*;
    use crate::model::Category;

    fn new(target: &str, kind: GoalKind, weekdays: Weekdays) -> NewGoal {
        let target = match Category::parse(target) {
            Some(c) => GoalTarget::Category(c),
            None => GoalTarget::Platform(target.into()),
        };
        NewGoal { target, kind, weekdays, source: GoalSource::Personal }
    }

    fn stored(id: i64, g: NewGoal, paused: bool) -> Goal {
        Goal { id: GoalId(id), target: g.target, kind: g.kind, weekdays: g.weekdays, paused, source: g.source }
    }

    fn daily(secs: u32) -> GoalKind {
        GoalKind::DailyLimit { limit_secs: secs }
    }

    fn check(g: &NewGoal, existing: &[Goal]) -> Result<(), String> {
        validate(g, existing, &Rules::builtin())
    }

    #[test]
    fn every_kind_with_sensible_values_passes() {
        let kinds = [
            daily(1800),
            GoalKind::WeeklyLimit { limit_secs: 5 * 3600 },
            GoalKind::Downtime { start_min: 1380, end_min: 420 },
            GoalKind::SessionCap { cap_secs: 900 },
            GoalKind::ChecksCap { max_per_day: 10 },
            GoalKind::ChecksCap { max_per_day: 0 },
            GoalKind::Intent { purpose: "keep up with family photos".into(), planned_secs: Some(600) },
            GoalKind::Intent { purpose: "messages".into(), planned_secs: None },
        ];
        for kind in kinds {
            check(&new("instagram", kind.clone(), Weekdays::ALL), &[]).unwrap();
            check(&new("social", kind, Weekdays::WORKDAYS), &[]).unwrap();
        }
        // The edges themselves are allowed.
        check(&new("instagram", daily(24 * 3600), Weekdays::ALL), &[]).unwrap();
        check(&new("instagram", GoalKind::WeeklyLimit { limit_secs: WEEK_SECS }, Weekdays::ALL), &[]).unwrap();
        check(&new("instagram", daily(1), Weekdays::ALL), &[]).unwrap();
    }

    #[test]
    fn unknown_targets_get_suggestions() {
        let e = check(&new("instagarm", daily(1800), Weekdays::ALL), &[]).unwrap_err();
        assert!(e.contains("'instagarm'") && e.contains("did you mean instagram?"), "{e}");
        assert!(e.contains("mast rules list"), "{e}");
        let e = check(&new("zzzzqqq", daily(1800), Weekdays::ALL), &[]).unwrap_err();
        assert!(!e.contains("did you mean") && e.contains("mast rules list") && e.contains("categories"), "{e}");
    }

    #[test]
    fn zero_and_absurd_limits_are_refused() {
        let cases = [
            (daily(0), "more than zero"),
            (daily(24 * 3600 + 1), "more than a day holds"),
            (GoalKind::WeeklyLimit { limit_secs: 0 }, "more than zero"),
            (GoalKind::WeeklyLimit { limit_secs: WEEK_SECS + 60 }, "more than a week holds"),
            (GoalKind::SessionCap { cap_secs: 0 }, "more than zero"),
            (GoalKind::SessionCap { cap_secs: 25 * 3600 }, "more than a day holds"),
            (GoalKind::ChecksCap { max_per_day: 5000 }, "more than one a minute"),
            (GoalKind::Intent { purpose: "x".into(), planned_secs: Some(0) }, "more than zero"),
            (GoalKind::Intent { purpose: "x".into(), planned_secs: Some(DAY_SECS * 2) }, "more than a day"),
            (GoalKind::Intent { purpose: "  ".into(), planned_secs: None }, "purpose"),
            (GoalKind::Intent { purpose: "a".repeat(201), planned_secs: None }, "200 characters"),
            (GoalKind::Downtime { start_min: 600, end_min: 600 }, "same time"),
            (GoalKind::Downtime { start_min: 1500, end_min: 600 }, "23:59"),
        ];
        for (kind, want) in cases {
            let e = check(&new("instagram", kind.clone(), Weekdays::ALL), &[]).unwrap_err();
            assert!(e.contains(want), "{kind:?}: {e}");
        }
        let e = check(&new("instagram", daily(1800), Weekdays(0)), &[]).unwrap_err();
        assert!(e.contains("at least one day"), "{e}");
    }

    #[test]
    fn a_second_active_goal_of_the_same_kind_is_refused_with_the_fix() {
        let existing = [stored(3, new("instagram", daily(1800), Weekdays::ALL), false)];
        let e = check(&new("instagram", daily(2700), Weekdays::WORKDAYS), &existing).unwrap_err();
        assert!(e.starts_with("instagram already has a daily limit (goal 3"), "{e}");
        assert!(e.contains("`mast goals edit 3 --daily 45m`"), "{e}");

        let existing = [stored(4, new("social", GoalKind::ChecksCap { max_per_day: 5 }, Weekdays::WEEKENDS), false)];
        let e =
            check(&new("social", GoalKind::ChecksCap { max_per_day: 9 }, Weekdays(0b100_0000)), &existing).unwrap_err();
        assert!(e.contains("goal 4") && e.contains("--checks 9") && e.contains("other than weekends"), "{e}");
    }

    #[test]
    fn what_does_not_clash_is_allowed() {
        let weekdays = stored(1, new("instagram", daily(1800), Weekdays::WORKDAYS), false);
        let paused = stored(2, new("youtube", daily(1800), Weekdays::ALL), true);
        let weekly = stored(3, new("reddit", GoalKind::WeeklyLimit { limit_secs: 3600 }, Weekdays::ALL), false);
        let category = stored(4, new("social", daily(3600), Weekdays::ALL), false);
        let existing = [weekdays, paused, weekly, category];
        // Days that do not overlap.
        check(&new("instagram", daily(3600), Weekdays::WEEKENDS), &existing).unwrap();
        // A paused duplicate does not count.
        check(&new("youtube", daily(900), Weekdays::ALL), &existing).unwrap();
        // Another kind on the same target.
        check(&new("reddit", daily(900), Weekdays::ALL), &existing).unwrap();
        // A platform inside a category that has the same kind of goal.
        check(&new("x", daily(900), Weekdays::ALL), &existing).unwrap();
    }

    #[test]
    fn downtime_windows_clash_only_when_they_overlap() {
        let night = parse_downtime("23:00-07:00").unwrap();
        let existing = [stored(
            5,
            new("youtube", GoalKind::Downtime { start_min: night.0, end_min: night.1 }, Weekdays::ALL),
            false,
        )];
        let window = |s: &str| {
            let (a, b) = parse_downtime(s).unwrap();
            new("youtube", GoalKind::Downtime { start_min: a, end_min: b }, Weekdays::ALL)
        };
        check(&window("09:00-12:00"), &existing).unwrap();
        check(&window("07:00-23:00"), &existing).unwrap();
        let e = check(&window("06:00-08:00"), &existing).unwrap_err();
        assert!(e.contains("already has a downtime window (goal 5") && e.contains("--downtime 06:00-08:00"), "{e}");
        check(&window("22:00-23:30"), &existing).unwrap_err();
        check(&window("01:00-02:00"), &existing).unwrap_err();
    }

    #[test]
    fn window_overlap_handles_midnight() {
        assert!(windows_overlap((1380, 420), (0, 60)));
        assert!(windows_overlap((1380, 420), (1320, 60)));
        assert!(!windows_overlap((1380, 420), (420, 1380)));
        assert!(!windows_overlap((60, 120), (120, 180)));
        assert!(windows_overlap((60, 120), (119, 180)));
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("instagram", "instagarm"), 2);
        assert_eq!(edit_distance("reddit", "redit"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
