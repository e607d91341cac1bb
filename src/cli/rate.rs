//! `mast rate`: the user's verdict on a session or a day, and the list of verdicts given.

use super::{print_json, Env};
use anyhow::{bail, Result};
use chrono::{Duration, NaiveDate, TimeZone};
use clap::{Args, ValueEnum};
use mast::localday;
use mast::model::Millis;
use mast::store::{NewRating, RatingScope};

#[derive(Args, Debug)]
pub struct RateArgs {
    /// Rate the most recent session on a tracked platform.
    #[arg(long, conflicts_with_all = ["day", "list"])]
    session: bool,
    /// With --session: the most recent session of this platform (e.g. instagram).
    #[arg(long, requires = "session")]
    platform: Option<String>,
    /// Rate a local day (YYYY-MM-DD, today, yesterday; default today).
    #[arg(long, num_args = 0..=1, default_missing_value = "today", conflicts_with = "list")]
    day: Option<String>,
    /// List the ratings given.
    #[arg(long)]
    list: bool,
    /// With --list: print JSON.
    #[arg(long, requires = "list")]
    json: bool,
    /// Your verdict.
    verdict: Option<Verdict>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Verdict {
    /// Worth it.
    Worth,
    /// Not worth it.
    Not,
}

pub fn run(env: &Env, args: RateArgs) -> Result<()> {
    let now = super::now_ms();
    if args.list {
        return list(env, args.json);
    }
    // `--day worth` reads as "today, worth it": the verdict is not a date.
    let (day, verdict) = match (args.day.as_deref(), args.verdict) {
        (Some(d @ ("worth" | "not")), None) => {
            (Some("today".to_owned()), Some(if d == "worth" { Verdict::Worth } else { Verdict::Not }))
        }
        (d, v) => (d.map(str::to_owned), v),
    };
    let Some(verdict) = verdict else {
        bail!("say whether it was worth it: mast rate --session worth, or mast rate --day not");
    };
    let worth = verdict == Verdict::Worth;
    let mut store = env.store()?;
    let rating = if args.session {
        let gap = env.settings.session_gap_secs as i64 * 1000;
        // `ig`, `YouTube` and `twitter.com` name platforms here as everywhere.
        let platform =
            args.platform.as_deref().map(|p| env.rules.resolve_platform(p).map_or(p, |found| found.id.as_str()));
        let Some(s) = store.last_session(platform, gap)? else {
            match &args.platform {
                Some(p) => bail!("no session on '{p}' is recorded; see the platforms with `mast report`"),
                None => bail!("no session on a tracked platform is recorded yet"),
            }
        };
        NewRating {
            scope: RatingScope::Session,
            day: localday::local_day(s.start_ms, s.utc_offset_min, env.settings.day_start_hour),
            platform: Some(s.platform),
            start_ms: s.start_ms,
            end_ms: s.end_ms,
            worth,
        }
    } else if let Some(day) = day {
        let date = env.parse_day(&day)?;
        let (start, end) = day_bounds(date, env.settings.day_start_hour);
        NewRating { scope: RatingScope::Day, platform: None, start_ms: start, end_ms: end, day: date, worth }
    } else {
        bail!("say what to rate: --session (the latest session) or --day [DATE]");
    };
    store.add_rating(&rating, now)?;
    let what = match &rating.platform {
        Some(p) => format!(
            "your {} session on {p}, {}–{}",
            mast::format::duration_ms(rating.end_ms - rating.start_ms),
            clock(rating.start_ms),
            clock(rating.end_ms)
        ),
        None => format!("{}", rating.day),
    };
    outln!("Rated {what}: {}.", if worth { "worth it" } else { "not worth it" });
    Ok(())
}

fn list(env: &Env, json: bool) -> Result<()> {
    let store = env.store()?;
    let ratings = store.ratings(Millis::MIN, Millis::MAX)?;
    if json {
        return print_json(&ratings);
    }
    if ratings.is_empty() {
        outln!("No ratings yet. Rate with: mast rate --session worth|not, or mast rate --day not");
        return Ok(());
    }
    for r in &ratings {
        let verdict = if r.worth { "worth it" } else { "not worth it" };
        match &r.platform {
            Some(p) => outln!(
                "{}  session  {p:<12} {}–{} ({})  {verdict}",
                r.day,
                clock(r.start_ms),
                clock(r.end_ms),
                mast::format::duration_ms(r.end_ms - r.start_ms)
            ),
            None => outln!("{}  day      {:<12} {verdict}", r.day, ""),
        }
    }
    Ok(())
}

/// The UTC bounds of a local day, at the offset this machine has at its start.
fn day_bounds(date: NaiveDate, day_start_hour: u8) -> (Millis, Millis) {
    let guess = localday::day_start_ms(date, 0, day_start_hour);
    let offset = localday::offset_at(guess);
    let start = localday::day_start_ms(date, offset, day_start_hour);
    let next = date + Duration::days(1);
    (start, localday::day_start_ms(next, localday::offset_at(start + 86_400_000), day_start_hour))
}

/// Local wall-clock time of an instant, HH:MM.
fn clock(at: Millis) -> String {
    chrono::Local.timestamp_millis_opt(at).single().map(|t| t.format("%H:%M").to_string()).unwrap_or_default()
}
