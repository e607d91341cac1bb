//! `mast log`: the recorded spans, to see exactly what Mast stored.

use super::{print_json, Env};
use anyhow::Result;
use chrono::{DateTime, FixedOffset};
use mast::localday;
use mast::store::SpanRow;
use mast::terminal::Shown;

pub fn run(env: &Env, day: Option<&str>, last: usize, json: bool) -> Result<()> {
    let store = env.store()?;
    let rows = match day {
        Some(d) => {
            let day = env.parse_day(d)?;
            let hour = env.settings.day_start_hour;
            let (lo, hi) = localday::utc_window(day, day, hour);
            let mut rows = store.spans(lo, hi, usize::MAX)?;
            rows.retain(|r| localday::local_day(r.start_ms, r.utc_offset_min, hour) == day);
            rows
        }
        None => store.last_spans(last)?,
    };
    if json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        outln!("No spans recorded yet. Start tracking with `mast track`.");
    }
    for r in &rows {
        outln!("{}", line(r));
    }
    Ok(())
}

fn line(r: &SpanRow) -> String {
    let local = |ms| {
        let offset = FixedOffset::east_opt(r.utc_offset_min * 60).unwrap_or(FixedOffset::east_opt(0).unwrap());
        DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&offset).format("%Y-%m-%d %H:%M:%S").to_string())
    };
    let target = match (&r.platform, r.category) {
        (Some(p), Some(c)) => format!("  [{p} · {c}]"),
        _ => String::new(),
    };
    let title = r.title.as_deref().map(|t| format!(" — {}", Shown(t))).unwrap_or_default();
    format!(
        "{}  {:>7}  {}{}{}",
        local(r.start_ms).unwrap_or_default(),
        mast::format::duration_ms(r.end_ms - r.start_ms),
        Shown(&r.app),
        title,
        target
    )
}
