//! `mast mismatch`: your objective beside what the apps got, for a day, a week or a month,
//! as a terminal report or as the stable JSON documented on
//! [`mast::analysis::mismatch`] (schema 1), which the desktop app reads.

use super::{now_ms, print_json, Env};
use anyhow::Result;
use chrono::{Days, NaiveDate};
use clap::Args;
use mast::analysis::mismatch::{MismatchReport, Period, Status, TargetMismatch};
use mast::goals::GoalTarget;
use mast::views;
use std::collections::HashMap;
use std::fmt::Write;

#[derive(Args, Debug)]
pub struct MismatchArgs {
    /// One local day (default today): YYYY-MM-DD, today or yesterday.
    #[arg(long, value_name = "DATE", num_args = 0..=1, default_missing_value = "today", conflicts_with_all = ["week", "month", "from"])]
    pub day: Option<String>,
    /// The week, Monday to Sunday, holding DATE (default this week; the default period).
    #[arg(long, value_name = "DATE", num_args = 0..=1, default_missing_value = "today", conflicts_with_all = ["month", "from"])]
    pub week: Option<String>,
    /// The calendar month holding DATE (default this month).
    #[arg(long, value_name = "DATE", num_args = 0..=1, default_missing_value = "today", conflicts_with = "from")]
    pub month: Option<String>,
    /// First day of any other range (with --to), e.g. a year.
    #[arg(long, requires = "to", value_name = "DATE")]
    pub from: Option<String>,
    /// Last day of the range, included (with --from).
    #[arg(long, requires = "from", value_name = "DATE")]
    pub to: Option<String>,
    /// How many of the busiest apps without goals to show beside those with goals.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub top: usize,
    /// Print the report as JSON (schema 1, documented in `mast::analysis::mismatch`).
    #[arg(long)]
    pub json: bool,
}

impl MismatchArgs {
    /// The period and its first and last days.
    pub fn period(&self, env: &Env) -> Result<(Period, NaiveDate, NaiveDate)> {
        if let (Some(from), Some(to)) = (&self.from, &self.to) {
            let (from, to) = (env.parse_day(from)?, env.parse_day(to)?);
            super::ensure_range(from, to)?;
            return Ok((Period::Custom, from, to));
        }
        let (period, date) = match (&self.day, &self.month, &self.week) {
            (Some(d), _, _) => (Period::Day, d.as_str()),
            (_, Some(d), _) => (Period::Month, d.as_str()),
            (_, _, Some(d)) => (Period::Week, d.as_str()),
            _ => (Period::Week, "today"),
        };
        let (from, to) = views::period_days(period, env.parse_day(date)?);
        Ok((period, from, to))
    }
}

pub fn run(env: &Env, args: &MismatchArgs) -> Result<()> {
    let report = build(env, args)?;
    if args.json {
        return print_json(&report);
    }
    let names: HashMap<String, String> = env.rules.platforms().iter().map(|p| (p.id.clone(), p.name.clone())).collect();
    super::out::text(&render(&report, &names));
    Ok(())
}

pub fn build(env: &Env, args: &MismatchArgs) -> Result<MismatchReport> {
    let range = args.period(env)?;
    let store = env.store_checking_alongside()?;
    let now = now_ms();
    let now = views::Now { ms: now, utc_offset_min: mast::localday::offset_at(now) };
    let params = views::mismatch_params(&env.settings, store.goals()?, range, now, args.top)?;
    Ok(store.mismatch(params)?)
}

fn name(t: &GoalTarget, names: &HashMap<String, String>) -> String {
    match t {
        GoalTarget::Platform(p) => names.get(p).cloned().unwrap_or_else(|| p.clone()),
        GoalTarget::Category(c) => format!("{} (category)", c.as_str()),
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Kept => "kept",
        Status::AtRisk => "at risk",
        Status::Broken => "broken",
        Status::NotApplicable => "not today",
        Status::Future => "ahead",
        Status::NoVerdict => "",
    }
}

fn index(i: Option<f64>) -> String {
    i.map_or("—".into(), |i| format!("{i:.2}"))
}

pub fn render(r: &MismatchReport, names: &HashMap<String, String>) -> String {
    use mast::format::duration;
    let mut out = String::new();
    let period = match r.period {
        Period::Day => format!("{}", r.from),
        Period::Week => format!("week of {} to {}", r.from, r.to),
        Period::Month => format!("{}", r.from.format("%B %Y")),
        Period::Custom => format!("{} to {}", r.from, r.to),
    };
    let _ = writeln!(out, "Objective mismatch — {period} (days start at {:02}:00)", r.day_start_hour);
    if r.total_seconds == 0.0 && r.targets.iter().all(|t| !t.has_goals) {
        let _ =
            writeln!(out, "\nNo time on tracked apps in this period. Is `mast track` running? (`mast status` tells.)");
        return out;
    }
    let _ = write!(out, "\n{} on tracked apps", duration(r.total_seconds));
    if r.mismatch_index.is_some() {
        let _ = write!(
            out,
            " · {} captured by the apps · mismatch index {}",
            duration(r.captured_seconds),
            index(r.mismatch_index)
        );
    }
    if r.rated_seconds > 0.0 {
        let _ = write!(out, " · regretted {} of {} rated", duration(r.regretted_seconds), duration(r.rated_seconds));
    }
    let _ = writeln!(out);
    if r.targets.iter().any(|t| t.has_goals) {
        let _ = writeln!(out, "Judged against your goals as they are now.");
    }
    let mut estimates = Vec::new();
    for t in &r.targets {
        render_target(&mut out, t, r, names);
        if let Some(a) = t.attention.as_ref().filter(|_| t.seconds > 0.0) {
            estimates.push((name(&t.target, names), a));
        }
    }
    if !r.targets.iter().any(|t| t.has_goals) {
        let _ = writeln!(
            out,
            "\nNo goals yet: set one to see whose objective wins, e.g. `mast goals add instagram --daily 30m`."
        );
    }
    for (who, a) in estimates {
        let _ = writeln!(out, "\nAbout the {who} estimate (an estimate, not a measurement):");
        for line in &a.assumptions {
            let _ = writeln!(out, "  - {line}");
        }
    }
    out
}

fn render_target(out: &mut String, t: &TargetMismatch, r: &MismatchReport, names: &HashMap<String, String>) {
    use mast::format::duration;
    let _ = writeln!(out, "\n{} — {}", name(&t.target, names), duration(t.seconds));
    let width = t.goals.iter().map(|g| g.objective.chars().count()).max().unwrap_or(0).clamp(20, 40);
    let _ = writeln!(out, "  {:<width$}  WHAT THE APP GOT", "YOUR OBJECTIVE");
    for g in &t.goals {
        let status = status_word(g.status);
        let status = if status.is_empty() { String::new() } else { format!("  [{status}]") };
        let _ = writeln!(out, "  {:<width$}  {}{status}", g.objective, g.measured);
    }
    if t.goals.is_empty() && t.mismatch_index.is_some() {
        let _ = writeln!(out, "  {:<width$}  judged by its category's goals", "(no goal of its own)");
    } else if t.goals.is_empty() {
        let _ = writeln!(out, "  {:<width$}  no goal yet: see the findings below", "(no goal)");
    }
    let mut summary = Vec::new();
    if t.has_goals || t.mismatch_index.is_some() {
        summary.push(format!("mismatch index {}", index(t.mismatch_index)));
        summary.push(format!("captured {}", duration(t.captured_seconds)));
    }
    if t.rated_seconds > 0.0 {
        summary.push(format!("regretted {}", duration(t.regretted_seconds)));
    }
    if let Some(a) = t.attention.as_ref().filter(|_| t.seconds > 0.0) {
        summary.push(format!("est. {} of ad revenue", money(a.low, a.high, &a.currency)));
    }
    if !summary.is_empty() {
        let _ = writeln!(out, "  {:<width$}  {}", "—", summary.join(" · "));
    }
    if r.period != Period::Day && !t.daily_seconds.is_empty() {
        let days: Vec<String> = t
            .daily_seconds
            .iter()
            .enumerate()
            .filter(|&(i, _)| r.from + Days::new(i as u64) <= r.today)
            .map(|(i, &s)| {
                let date = r.from + Days::new(i as u64);
                let label = if r.period == Period::Week {
                    date.format("%a").to_string()
                } else {
                    date.format("%-d").to_string()
                };
                format!("{label} {}", mast::format::duration(s))
            })
            .collect();
        if !days.is_empty() {
            let _ = writeln!(out, "  by day: {}", days.join(" · "));
        }
    }
    for f in &t.findings {
        let _ = writeln!(out, "  · {}", f.text);
    }
}

fn money(low: f64, high: f64, currency: &str) -> String {
    let sym = if currency == "USD" { "$" } else { "" };
    let suffix = if sym.is_empty() { format!(" {currency}") } else { String::new() };
    if (high - low).abs() < 0.005 {
        format!("{sym}{low:.2}{suffix}")
    } else {
        format!("{sym}{low:.2}–{sym}{high:.2}{suffix}")
    }
}
