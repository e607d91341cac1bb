//! `mast status`: is tracking running, what is in front, and today's tracked minutes.

use super::{duration, now_ms, print_json, Env};
use anyhow::Result;
use mast::analysis::Usage;
use mast::store::SpanRow;
use mast::terminal::Shown;
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    tracking: bool,
    pid: Option<u32>,
    /// The span in progress: the newest one, if it was saved in the last few flushes.
    current: Option<SpanRow>,
    today: String,
    today_usage: Usage,
}

pub fn run(env: &Env, json: bool) -> Result<()> {
    let pid = mast::lock::holder(&env.paths.lock_file());
    let store = env.store()?;
    let now = now_ms();
    let fresh = 3 * mast::track::FLUSH_EVERY_MS;
    let current = match pid {
        Some(_) => store.last_spans(1)?.pop().filter(|s| now - s.end_ms <= fresh),
        None => None,
    };
    let today = env.today();
    let report = super::report::build(env, today, today)?;
    let status = Status { tracking: pid.is_some(), pid, current, today: today.to_string(), today_usage: report.total };
    if json {
        return print_json(&status);
    }
    match status.pid {
        Some(pid) => outln!("tracking: yes (pid {pid})"),
        None => outln!("tracking: no; start it with `mast track`"),
    }
    match &status.current {
        Some(s) => {
            let title = s.title.as_deref().map(|t| format!(" — {}", Shown(t))).unwrap_or_default();
            let target = match (&s.platform, s.category) {
                (Some(p), Some(c)) => format!(" → {p} ({c})"),
                _ => " (not a tracked platform)".into(),
            };
            outln!(
                "in front: {}{title}{target}, for {}",
                Shown(&s.app),
                duration((s.end_ms - s.start_ms) as f64 / 1000.0)
            );
        }
        None if status.tracking => outln!("in front: nothing recorded right now (away or no window)"),
        None => {}
    }
    let u = &status.today_usage;
    let top: Vec<String> =
        u.targets.iter().take(4).map(|t| format!("{} {}", t.platform, duration(t.seconds))).collect();
    let detail = if top.is_empty() { String::new() } else { format!(" ({})", top.join(", ")) };
    outln!(
        "today:    {} on tracked platforms{detail}, {} active in all",
        duration(u.target_seconds),
        duration(u.active_seconds)
    );
    Ok(())
}
