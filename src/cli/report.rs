//! `mast report`: usage per local day, as a table or as the stable JSON documented on
//! [`mast::analysis::Report`].

use super::{ensure_range, print_json, Env};
use anyhow::Result;
use chrono::{Days, NaiveDate};
use clap::Args;
use mast::analysis::{Report, ReportParams, Usage};
use mast::format::duration;

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// One local day: YYYY-MM-DD, today or yesterday (the default is today).
    #[arg(long, conflicts_with_all = ["week", "from", "to"])]
    pub day: Option<String>,
    /// The last seven local days, today included.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub week: bool,
    /// First day of a range (with --to).
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// Last day of a range, included (with --from).
    #[arg(long, requires = "from")]
    pub to: Option<String>,
    /// Print the report as JSON (schema 1; seconds are exact to the millisecond).
    #[arg(long)]
    pub json: bool,
}

impl ReportArgs {
    pub fn range(&self, env: &Env) -> Result<(NaiveDate, NaiveDate)> {
        if let (Some(from), Some(to)) = (&self.from, &self.to) {
            let (from, to) = (env.parse_day(from)?, env.parse_day(to)?);
            ensure_range(from, to)?;
            return Ok((from, to));
        }
        if self.week {
            let today = env.today();
            return Ok((today.checked_sub_days(Days::new(6)).unwrap_or(today), today));
        }
        let day = match &self.day {
            Some(d) => env.parse_day(d)?,
            None => env.today(),
        };
        Ok((day, day))
    }
}

pub fn run(env: &Env, args: &ReportArgs) -> Result<()> {
    let (from, to) = args.range(env)?;
    let report = build(env, from, to)?;
    if args.json {
        return print_json(&report);
    }
    super::out::text(&render(&report));
    Ok(())
}

pub fn build(env: &Env, from: NaiveDate, to: NaiveDate) -> Result<Report> {
    let store = env.store_checking_alongside()?;
    let s = &env.settings;
    Ok(store.report(ReportParams {
        from,
        to,
        day_start_hour: s.day_start_hour,
        session_gap_ms: s.session_gap_secs as i64 * 1000,
        check_max_ms: s.check_max_secs as i64 * 1000,
    })?)
}

pub fn render(r: &Report) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let range = if r.from == r.to { r.from.to_string() } else { format!("{} to {}", r.from, r.to) };
    let _ = writeln!(out, "{range} (days start at {:02}:00)\n", r.day_start_hour);
    if r.total.active_seconds == 0.0 {
        let _ = writeln!(out, "Nothing recorded in this period. Is `mast track` running? (`mast status` tells.)");
        return out;
    }
    if r.days.len() > 1 {
        let _ = writeln!(out, "{:<12}{:>10}{:>10}  TOP", "DAY", "ACTIVE", "TRACKED");
        for d in &r.days {
            let top: Vec<String> =
                d.usage.targets.iter().take(3).map(|t| format!("{} {}", t.platform, duration(t.seconds))).collect();
            let _ = writeln!(
                out,
                "{:<12}{:>10}{:>10}  {}",
                d.date.to_string(),
                duration(d.usage.active_seconds),
                duration(d.usage.target_seconds),
                top.join(", ")
            );
        }
        out.push('\n');
    }
    usage_tables(&mut out, &r.total);
    out
}

fn usage_tables(out: &mut String, u: &Usage) {
    use std::fmt::Write;
    let share = if u.active_seconds > 0.0 { 100.0 * u.target_seconds / u.active_seconds } else { 0.0 };
    let _ = writeln!(
        out,
        "Active {} · on tracked platforms {} ({share:.0} %)\n",
        duration(u.active_seconds),
        duration(u.target_seconds)
    );
    if u.targets.is_empty() {
        let _ = writeln!(out, "No time on tracked platforms.");
        return;
    }
    let _ = writeln!(out, "{:<12}{:<11}{:>9}{:>10}{:>8}", "PLATFORM", "CATEGORY", "TIME", "SESSIONS", "CHECKS");
    for t in &u.targets {
        let _ = writeln!(
            out,
            "{:<12}{:<11}{:>9}{:>10}{:>8}",
            t.platform,
            t.category.as_str(),
            duration(t.seconds),
            t.sessions,
            t.checks
        );
    }
    out.push('\n');
    let cats: Vec<String> = u.categories.iter().map(|c| format!("{} {}", c.category, duration(c.seconds))).collect();
    let _ = writeln!(out, "By category: {}", cats.join(" · "));
}
