//! `mast goals`: add, list, edit, pause and remove goals. Parsing, validation and storage
//! live in [`mast::goals`] and [`mast::store`]; this module maps flags onto them and prints.
//!
//! Values are taken as strings and parsed here rather than by clap, so that a bad goal
//! (`--daily -5m`, `--downtime 25:00-07:00`) is refused with Mast's own message and exit
//! status 1, like every other refused goal.

use super::{now_ms, print_json, Env};
use anyhow::{anyhow, bail, Result};
use clap::{Args, Subcommand};
use mast::goal_changes;
use mast::goals::parse::{parse_count, parse_downtime, parse_duration, parse_target, parse_weekdays};
use mast::goals::{Goal, GoalId, GoalKind, GoalSource, NewGoal, Weekdays};

#[derive(Args, Debug)]
pub struct GoalsArgs {
    #[command(subcommand)]
    pub command: Option<GoalsCommand>,
}

#[derive(Subcommand, Debug)]
pub enum GoalsCommand {
    /// Add a goal about a platform (instagram, youtube … see `mast rules list`) or a category
    /// (social, video, messaging). Give exactly one kind.
    Add {
        /// A platform id or a category.
        target: String,
        #[command(flatten)]
        kind: KindArgs,
        /// The days it applies to: mon-fri, sat,sun, weekdays, weekends, all (the default).
        #[arg(long, value_name = "DAYS")]
        days: Option<String>,
    },
    /// List your goals (the default).
    #[command(alias = "ls")]
    List {
        /// Print the goals as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change a goal: its kind and value, its days or its target.
    Edit {
        /// The goal's id, from `mast goals list`.
        id: i64,
        /// A new platform id or category.
        #[arg(long)]
        target: Option<String>,
        #[command(flatten)]
        kind: KindArgs,
        /// New days: mon-fri, sat,sun, weekdays, weekends, all.
        #[arg(long, value_name = "DAYS")]
        days: Option<String>,
    },
    /// Remove a goal.
    #[command(alias = "remove")]
    Rm {
        /// The goal's id, from `mast goals list`.
        id: i64,
    },
    /// Pause a goal: it is kept but not judged or nudged until resumed.
    Pause {
        /// The goal's id, from `mast goals list`.
        id: i64,
        /// Resume instead.
        #[arg(long)]
        off: bool,
    },
    /// Resume a paused goal.
    Resume {
        /// The goal's id, from `mast goals list`.
        id: i64,
    },
}

/// The kind of a goal and its value. Exactly one of the kinds when adding.
#[derive(Args, Debug, Default)]
pub struct KindArgs {
    /// At most this much a day: 30m, 1h, 1h30m.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub daily: Option<String>,
    /// At most this much a week (Monday to Sunday): 5h.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub weekly: Option<String>,
    /// No use in this window of local time; it may cross midnight: 23:00-07:00.
    #[arg(long, value_name = "START-END", allow_hyphen_values = true)]
    pub downtime: Option<String>,
    /// No session longer than this: 15m.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub session_cap: Option<String>,
    /// At most this many sessions a day.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub checks: Option<String>,
    /// What you use it for, in your own words: "keep up with family photos".
    #[arg(long, value_name = "PURPOSE", allow_hyphen_values = true)]
    pub intent: Option<String>,
    /// With --intent: how long a session you plan for that purpose: 10m.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub planned: Option<String>,
}

const KINDS: &str =
    "--daily 30m, --weekly 5h, --downtime 23:00-07:00, --session-cap 15m, --checks 10 or --intent \"…\" [--planned 10m]";

impl KindArgs {
    /// The one kind given, if any. `--planned` is left to the caller: on its own it can
    /// change an existing intent.
    pub fn kind(&self) -> Result<Option<GoalKind>> {
        let given: Vec<&str> = [
            (self.daily.is_some(), "--daily"),
            (self.weekly.is_some(), "--weekly"),
            (self.downtime.is_some(), "--downtime"),
            (self.session_cap.is_some(), "--session-cap"),
            (self.checks.is_some(), "--checks"),
            (self.intent.is_some(), "--intent"),
        ]
        .into_iter()
        .filter_map(|(on, flag)| on.then_some(flag))
        .collect();
        if given.len() > 1 {
            bail!(
                "a goal has exactly one kind, and {} were given; add one goal per kind, e.g. \
                 `mast goals add instagram --daily 30m` and then `mast goals add instagram --downtime 23:00-07:00`",
                given.join(" and ")
            );
        }
        let planned = self.planned.as_deref().map(|p| flag("--planned", parse_duration(p))).transpose()?;
        if planned.is_some() && self.intent.is_none() && !given.is_empty() {
            bail!("--planned goes with --intent: the session length you plan for that purpose");
        }
        Ok(Some(if let Some(d) = &self.daily {
            GoalKind::DailyLimit { limit_secs: flag("--daily", parse_duration(d))? }
        } else if let Some(w) = &self.weekly {
            GoalKind::WeeklyLimit { limit_secs: flag("--weekly", parse_duration(w))? }
        } else if let Some(w) = &self.downtime {
            let (start_min, end_min) = flag("--downtime", parse_downtime(w))?;
            GoalKind::Downtime { start_min, end_min }
        } else if let Some(c) = &self.session_cap {
            GoalKind::SessionCap { cap_secs: flag("--session-cap", parse_duration(c))? }
        } else if let Some(n) = &self.checks {
            GoalKind::ChecksCap { max_per_day: flag("--checks", parse_count(n))? }
        } else if let Some(p) = &self.intent {
            GoalKind::Intent { purpose: p.trim().to_owned(), planned_secs: planned }
        } else {
            return Ok(None);
        }))
    }
}

/// A flag's parse error, prefixed with the flag.
fn flag<T>(name: &str, r: std::result::Result<T, String>) -> Result<T> {
    r.map_err(|e| anyhow!("{name}: {e}"))
}

pub fn run(env: &Env, args: GoalsArgs) -> Result<()> {
    match args.command.unwrap_or(GoalsCommand::List { json: false }) {
        GoalsCommand::Add { target, kind, days } => add(env, &target, &kind, days.as_deref()),
        GoalsCommand::List { json } => list(env, json),
        GoalsCommand::Edit { id, target, kind, days } => {
            edit(env, GoalId(id), target.as_deref(), &kind, days.as_deref())
        }
        GoalsCommand::Rm { id } => remove(env, GoalId(id)),
        GoalsCommand::Pause { id, off } => pause(env, GoalId(id), !off),
        GoalsCommand::Resume { id } => pause(env, GoalId(id), false),
    }
}

pub fn days(s: &str) -> Result<Weekdays> {
    flag("--days", parse_weekdays(s))
}

fn add(env: &Env, target: &str, kind: &KindArgs, weekdays: Option<&str>) -> Result<()> {
    let target = parse_target(target).map_err(|e| anyhow!(e))?;
    let Some(kind) = kind.kind()? else {
        if kind.planned.is_some() {
            bail!("--planned goes with --intent: the session length you plan for that purpose");
        }
        bail!("say what the goal is, with one of {KINDS}");
    };
    let weekdays = weekdays.map(days).transpose()?.unwrap_or_default();
    let new = NewGoal { target, kind, weekdays, source: GoalSource::Personal };
    let goal = goal_changes::add(&mut env.store()?, &env.rules, &new, now_ms())?;
    outln!("Added goal {}: {goal}", goal.id);
    Ok(())
}

fn list(env: &Env, json: bool) -> Result<()> {
    let goals = env.store()?.goals()?;
    if json {
        return print_json(&goals);
    }
    super::out::text(&render(&goals));
    Ok(())
}

/// The goals as a table; paused and family goals are marked.
pub fn render(goals: &[Goal]) -> String {
    use std::fmt::Write;
    if goals.is_empty() {
        return "No goals yet. Add one, e.g. `mast goals add instagram --daily 30m`; \
                `mast goals add --help` lists the kinds.\n"
            .into();
    }
    let rows: Vec<[String; 5]> = goals
        .iter()
        .map(|g| {
            let mut notes = Vec::new();
            if g.paused {
                notes.push("paused".to_string());
            }
            if let GoalSource::Family(f) = &g.source {
                notes.push(format!("family {f}"));
            }
            [g.id.to_string(), g.target.to_string(), g.kind.to_string(), g.weekdays.to_string(), notes.join(", ")]
        })
        .collect();
    let header = ["ID", "TARGET", "GOAL", "DAYS", ""];
    let mut width = header.map(|h| h.chars().count());
    for r in &rows {
        for (w, cell) in width.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for r in std::iter::once(header.map(String::from)).chain(rows) {
        let line = format!(
            "{:>w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {}",
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            w0 = width[0],
            w1 = width[1],
            w2 = width[2],
            w3 = width[3]
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

fn edit(env: &Env, id: GoalId, target: Option<&str>, kind: &KindArgs, weekdays: Option<&str>) -> Result<()> {
    let mut store = env.store()?;
    let goal = store.require_goal(id)?;
    let new_kind = kind.kind()?;
    if target.is_none() && new_kind.is_none() && kind.planned.is_none() && weekdays.is_none() {
        bail!("nothing to change; give the new value ({KINDS}), --days or --target");
    }
    let mut new = goal.to_new();
    if let Some(t) = target {
        new.target = parse_target(t).map_err(|e| anyhow!(e))?;
    }
    match new_kind {
        Some(k) => new.kind = k,
        // `--planned` alone changes the planned length of an intent.
        None => {
            if let Some(p) = &kind.planned {
                let GoalKind::Intent { planned_secs, .. } = &mut new.kind else {
                    bail!("goal {id} is not an intent; --planned goes with --intent");
                };
                *planned_secs = Some(flag("--planned", parse_duration(p))?);
            }
        }
    }
    if let Some(d) = weekdays {
        new.weekdays = days(d)?;
    }
    let goal = goal_changes::edit(&mut store, &env.rules, id, &new, now_ms())?;
    outln!("Goal {id} is now: {goal}");
    Ok(())
}

fn remove(env: &Env, id: GoalId) -> Result<()> {
    let goal = goal_changes::remove(&mut env.store()?, id)?;
    outln!("Removed goal {id}: {goal}");
    Ok(())
}

fn pause(env: &Env, id: GoalId, paused: bool) -> Result<()> {
    let mut store = env.store()?;
    let goal = store.require_goal(id)?;
    if goal.paused == paused {
        outln!("Goal {id} is already {}: {goal}", if paused { "paused" } else { "active" });
        return Ok(());
    }
    goal_changes::set_paused(&mut store, &env.rules, id, paused, now_ms())?;
    if paused {
        outln!("Paused goal {id}: {goal}. `mast goals resume {id}` brings it back.");
    } else {
        outln!("Resumed goal {id}: {goal}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mast::goals::GoalTarget;

    #[test]
    fn the_table_marks_paused_and_family_goals() {
        let goal = |id, paused, source| Goal {
            id: GoalId(id),
            target: GoalTarget::Platform("instagram".into()),
            kind: GoalKind::DailyLimit { limit_secs: 1800 },
            weekdays: Weekdays::WORKDAYS,
            paused,
            source,
        };
        let out = render(&[goal(1, false, GoalSource::Personal), goal(12, true, GoalSource::Family("home".into()))]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "ID  TARGET     GOAL                  DAYS");
        assert_eq!(lines[1], " 1  instagram  at most 30 min a day  weekdays");
        assert_eq!(lines[2], "12  instagram  at most 30 min a day  weekdays  paused, family home");
        assert!(render(&[]).contains("mast goals add"));
    }
}
