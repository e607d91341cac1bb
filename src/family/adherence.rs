//! What a device publishes of its member's days, and the week's adherence built from what
//! every device published. Publishing computes the shared goals' evaluation with the same
//! analysis as the mismatch view, over the last 14 local days, and keeps only daily totals
//! on the shared goals' targets and each goal's status per day.

use super::model::{AdherenceRecord, GoalMark, SharedGoal};
use super::view::{AdherenceDay, AdherenceRow, WeekAdherence};
use crate::analysis::mismatch::{Period, Status};
use crate::goals::{Goal, GoalId, GoalSource, GoalTarget};
use crate::settings::Settings;
use crate::store::Store;
use crate::views::{mismatch_params, Now};
use crate::Result;
use chrono::{Days, NaiveDate};
use std::collections::BTreeMap;

/// Days published: two weeks, so last week's adherence stays visible all this week.
pub const PUBLISHED_DAYS: u64 = 14;

/// The key of a target in the published totals: a platform id, or `category:<name>`.
pub fn target_key(t: &GoalTarget) -> String {
    match t {
        GoalTarget::Platform(p) => p.clone(),
        GoalTarget::Category(c) => format!("category:{}", c.as_str()),
    }
}

/// A shared goal as a [`Goal`] for the analysis; `index` gives it a negative id that no
/// stored goal has.
pub fn as_goal(index: usize, spec: &SharedGoal, family: &str) -> Goal {
    Goal {
        id: GoalId(-(index as i64) - 1),
        target: spec.target.clone(),
        kind: spec.kind.clone(),
        weekdays: spec.weekdays,
        paused: false,
        source: GoalSource::Family(family.to_owned()),
    }
}

/// The goal in words: "instagram: at most 30 min a day".
pub fn objective(spec: &SharedGoal) -> String {
    format!("{}: {}", spec.target, crate::analysis::mismatch::findings::objective(&as_goal(0, spec, "")))
}

/// This member's last [`PUBLISHED_DAYS`] days against the shared goals that apply to them.
pub fn compute(
    store: &Store,
    settings: &Settings,
    goals: &[(&String, &SharedGoal)],
    family: &str,
    now: Now,
) -> Result<Vec<AdherenceRecord>> {
    let today = now.today(settings);
    let from = today - Days::new(PUBLISHED_DAYS - 1);
    let as_goals: Vec<Goal> = goals.iter().enumerate().map(|(i, (_, spec))| as_goal(i, spec, family)).collect();
    let mut days: Vec<AdherenceRecord> = (0..PUBLISHED_DAYS)
        .map(|i| AdherenceRecord { date: from + Days::new(i), totals: BTreeMap::new(), goals: BTreeMap::new() })
        .collect();
    if as_goals.is_empty() {
        return Ok(days);
    }
    let report = store.mismatch(mismatch_params(settings, as_goals, (Period::Custom, from, today), now, 0)?)?;
    for row in &report.targets {
        let key = target_key(&row.target);
        if goals.iter().any(|(_, g)| target_key(&g.target) == key) {
            for (day, secs) in days.iter_mut().zip(&row.daily_seconds) {
                day.totals.insert(key.clone(), *secs);
            }
        }
        for e in &row.goals {
            let Some((id, _)) = usize::try_from(-e.goal.id.0 - 1).ok().and_then(|i| goals.get(i)) else { continue };
            for d in &e.days {
                if let Some(day) = days.iter_mut().find(|r| r.date == d.date) {
                    day.goals.insert((*id).clone(), GoalMark { status: d.status, used_seconds: d.used_seconds });
                }
            }
        }
    }
    Ok(days)
}

fn severity(s: Status) -> u8 {
    match s {
        Status::Broken => 5,
        Status::AtRisk => 4,
        Status::Kept => 3,
        Status::NoVerdict => 2,
        Status::NotApplicable => 1,
        Status::Future => 0,
    }
}

/// Each member's adherence over the week `[from, from + 6]`, from the records their devices
/// published (a member with several devices: the worst status of the day, time added up).
pub fn week(
    from: NaiveDate,
    today: NaiveDate,
    goals: &[(&String, &SharedGoal)],
    published: &[(&str, &[AdherenceRecord])],
) -> WeekAdherence {
    let to = from + Days::new(6);
    let mut members: Vec<&str> = published.iter().map(|(m, _)| *m).collect();
    members.sort();
    members.dedup();
    let mut rows = Vec::new();
    for member in members {
        let records: Vec<&AdherenceRecord> =
            published.iter().filter(|(m, _)| *m == member).flat_map(|(_, r)| r.iter()).collect();
        for (id, spec) in goals.iter().filter(|(_, g)| g.applies_to(member)) {
            let key = target_key(&spec.target);
            let mut row = AdherenceRow {
                member: member.to_owned(),
                goal: (*id).clone(),
                objective: objective(spec),
                days: Vec::with_capacity(7),
                days_kept: 0,
                days_broken: 0,
                days_judged: 0,
                seconds: 0.0,
            };
            for date in (0..7).map(|i| from + Days::new(i)) {
                let on_day: Vec<&&AdherenceRecord> = records.iter().filter(|r| r.date == date).collect();
                row.seconds += on_day.iter().filter_map(|r| r.totals.get(&key)).sum::<f64>();
                let marks: Vec<&GoalMark> = on_day.iter().filter_map(|r| r.goals.get(*id)).collect();
                let mut status = if date > today { Status::Future } else { Status::NoVerdict };
                let mut used = 0.0;
                for m in &marks {
                    used += m.used_seconds;
                    if severity(m.status) > severity(status) || status == Status::Future {
                        status = m.status;
                    }
                }
                // Devices of one member share a daily limit: their time adds up.
                if let crate::goals::GoalKind::DailyLimit { limit_secs } = spec.kind {
                    if marks.len() > 1 && used > f64::from(limit_secs) {
                        status = Status::Broken;
                    }
                }
                match status {
                    Status::Kept => (row.days_kept, row.days_judged) = (row.days_kept + 1, row.days_judged + 1),
                    Status::Broken => (row.days_broken, row.days_judged) = (row.days_broken + 1, row.days_judged + 1),
                    Status::AtRisk => row.days_judged += 1,
                    _ => {}
                }
                row.days.push(AdherenceDay { date, status, used_seconds: used });
            }
            rows.push(row);
        }
    }
    WeekAdherence { from, to, rows }
}
