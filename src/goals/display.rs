//! Goals as sentences a person reads ("instagram: at most 30 min a day on weekdays"), and
//! goal values written back in the CLI's flag syntax, for messages that say what to type.

use super::{Goal, GoalKind, Weekdays};
use std::fmt;

/// `30 min`, `1 h`, `1 h 30 min`, `45 s`: exact, since these are the user's own numbers.
pub fn readable_duration(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let parts: Vec<String> = [(h, "h"), (m, "min"), (s, "s")]
        .into_iter()
        .filter(|&(n, _)| n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    if parts.is_empty() {
        "0 min".into()
    } else {
        parts.join(" ")
    }
}

/// A duration as `--daily` and friends take it: `45m`, `1h30m`, `90s` → `1m30s`.
pub(super) fn duration_flag(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    for (n, unit) in [(h, 'h'), (m, 'm'), (s, 's')] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    if out.is_empty() {
        out.push_str("0m");
    }
    out
}

pub(super) fn clock(min: u16) -> String {
    format!("{:02}:{:02}", min / 60, min % 60)
}

impl GoalKind {
    /// The kind with an article, for sentences: "a daily limit", "an intent".
    pub fn noun(&self) -> &'static str {
        match self {
            GoalKind::DailyLimit { .. } => "a daily limit",
            GoalKind::WeeklyLimit { .. } => "a weekly limit",
            GoalKind::Downtime { .. } => "a downtime window",
            GoalKind::SessionCap { .. } => "a session cap",
            GoalKind::ChecksCap { .. } => "a checks cap",
            GoalKind::Intent { .. } => "an intent",
        }
    }

    /// The CLI flags that set this kind and value: `--daily 45m`, `--downtime 23:00-07:00`.
    pub fn flags(&self) -> String {
        match self {
            GoalKind::DailyLimit { limit_secs } => format!("--daily {}", duration_flag(*limit_secs)),
            GoalKind::WeeklyLimit { limit_secs } => format!("--weekly {}", duration_flag(*limit_secs)),
            GoalKind::Downtime { start_min, end_min } => {
                format!("--downtime {}-{}", clock(*start_min), clock(*end_min))
            }
            GoalKind::SessionCap { cap_secs } => format!("--session-cap {}", duration_flag(*cap_secs)),
            GoalKind::ChecksCap { max_per_day } => format!("--checks {max_per_day}"),
            GoalKind::Intent { purpose, planned_secs } => {
                let mut s = format!("--intent {purpose:?}");
                if let Some(p) = planned_secs {
                    s.push_str(&format!(" --planned {}", duration_flag(*p)));
                }
                s
            }
        }
    }
}

impl fmt::Display for GoalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GoalKind::DailyLimit { limit_secs } => write!(f, "at most {} a day", readable_duration(*limit_secs)),
            GoalKind::WeeklyLimit { limit_secs } => write!(f, "at most {} a week", readable_duration(*limit_secs)),
            GoalKind::Downtime { start_min, end_min } => write!(f, "no use {}–{}", clock(*start_min), clock(*end_min)),
            GoalKind::SessionCap { cap_secs } => write!(f, "no session over {}", readable_duration(*cap_secs)),
            GoalKind::ChecksCap { max_per_day: 0 } => write!(f, "no sessions at all"),
            GoalKind::ChecksCap { max_per_day: 1 } => write!(f, "at most 1 session a day"),
            GoalKind::ChecksCap { max_per_day } => write!(f, "at most {max_per_day} sessions a day"),
            GoalKind::Intent { purpose, planned_secs } => {
                write!(f, "to “{purpose}”")?;
                match planned_secs {
                    Some(p) => write!(f, ", about {} a session", readable_duration(*p)),
                    None => Ok(()),
                }
            }
        }
    }
}

impl fmt::Display for Weekdays {
    /// `every day`, `weekdays`, `weekends`, or runs and single days: `mon-wed, sat`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        match *self {
            Weekdays::ALL => return f.write_str("every day"),
            Weekdays::WORKDAYS => return f.write_str("weekdays"),
            Weekdays::WEEKENDS => return f.write_str("weekends"),
            _ => {}
        }
        let on = |d: usize| self.0 & (1 << d) != 0;
        let mut parts = Vec::new();
        let mut d = 0;
        while d < 7 {
            if !on(d) {
                d += 1;
                continue;
            }
            let start = d;
            while d + 1 < 7 && on(d + 1) {
                d += 1;
            }
            // Two days read better as a list than as a range.
            match d - start {
                0 => parts.push(NAMES[start].to_string()),
                1 => parts.extend([NAMES[start].to_string(), NAMES[d].to_string()]),
                _ => parts.push(format!("{}-{}", NAMES[start], NAMES[d])),
            }
            d += 1;
        }
        if parts.is_empty() {
            return f.write_str("no days");
        }
        f.write_str(&parts.join(", "))
    }
}

impl fmt::Display for Goal {
    /// `instagram: at most 30 min a day`, `social (category): no use 23:00–07:00 on weekdays`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.target, self.kind)?;
        if self.weekdays != Weekdays::ALL {
            write!(f, " on {}", self.weekdays)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{GoalId, GoalSource, GoalTarget};
    use super::*;
    use crate::model::Category;

    fn goal(target: GoalTarget, kind: GoalKind, weekdays: Weekdays) -> Goal {
        Goal { id: GoalId(1), target, kind, weekdays, paused: false, source: GoalSource::Personal }
    }

    #[test]
    fn goals_read_as_sentences() {
        let insta = || GoalTarget::Platform("instagram".into());
        let g = goal(insta(), GoalKind::DailyLimit { limit_secs: 1800 }, Weekdays::ALL);
        assert_eq!(g.to_string(), "instagram: at most 30 min a day");
        let g = goal(insta(), GoalKind::Downtime { start_min: 1380, end_min: 420 }, Weekdays::WORKDAYS);
        assert_eq!(g.to_string(), "instagram: no use 23:00–07:00 on weekdays");
        let g = goal(
            GoalTarget::Category(Category::Video),
            GoalKind::WeeklyLimit { limit_secs: 5 * 3600 },
            Weekdays(0b101_0101),
        );
        assert_eq!(g.to_string(), "video (category): at most 5 h a week on mon, wed, fri, sun");
        let g = goal(insta(), GoalKind::SessionCap { cap_secs: 90 * 60 }, Weekdays(0b110_0111));
        assert_eq!(g.to_string(), "instagram: no session over 1 h 30 min on mon-wed, sat, sun");
        let g = goal(insta(), GoalKind::ChecksCap { max_per_day: 10 }, Weekdays::WEEKENDS);
        assert_eq!(g.to_string(), "instagram: at most 10 sessions a day on weekends");
        let kind = GoalKind::Intent { purpose: "keep up with family photos".into(), planned_secs: Some(600) };
        assert_eq!(kind.to_string(), "to “keep up with family photos”, about 10 min a session");
        assert_eq!(GoalKind::ChecksCap { max_per_day: 0 }.to_string(), "no sessions at all");
    }

    #[test]
    fn flags_round_trip_through_the_parser() {
        use super::super::parse::{parse_downtime, parse_duration};
        for secs in [1, 59, 60, 90, 1800, 3600, 5400, 3723, 86_400] {
            assert_eq!(parse_duration(&duration_flag(secs)), Ok(secs));
        }
        let kind = GoalKind::Downtime { start_min: 1380, end_min: 5 };
        assert_eq!(kind.flags(), "--downtime 23:00-00:05");
        assert_eq!(parse_downtime("23:00-00:05"), Ok((1380, 5)));
        assert_eq!(GoalKind::DailyLimit { limit_secs: 2700 }.flags(), "--daily 45m");
        let intent = GoalKind::Intent { purpose: "family".into(), planned_secs: Some(600) };
        assert_eq!(intent.flags(), "--intent \"family\" --planned 10m");
    }

    #[test]
    fn durations_read_exactly() {
        assert_eq!(readable_duration(45), "45 s");
        assert_eq!(readable_duration(1800), "30 min");
        assert_eq!(readable_duration(3600), "1 h");
        assert_eq!(readable_duration(3661), "1 h 1 min 1 s");
    }
}
